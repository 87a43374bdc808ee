"""Issue 15 in a real browser: plan → approve → realise, and bulk verify after a preview.

Uses the demo data (staf.blora and kasat.blora at POLRES-BLORA) on the shared live server; titles are
unique per test so other browser tests' activities do not interfere.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.support.browser import PROGRAMME, Problems, login, pick_registered
from tests.support.browser import new_context as _context

DATE = "2024-02-09"


def test_plan_approve_realise(browser: Browser, live_server: str) -> None:
    base, problems = live_server, Problems()
    title = "Rencana bakti sosial Ponpes Al Alif (e2e)"
    staff = _context(browser, problems).new_page()
    login(staff, base, "staf.blora", "id")
    staff.click("nav [data-testid=nav-plans]")
    staff.get_by_test_id("new-plan").click()
    staff.select_option("#programme_id", label=PROGRAMME)
    staff.select_option("#kind", "bakti_sosial")
    staff.fill("#planned_on", DATE)
    staff.fill("#title", title)
    staff.fill("#places", "Ponpes Al Alif Tunjungan")
    staff.fill("#messages", "Tolak politik uang")
    staff.fill("#expected_parcels", "30")
    staff.locator("[data-testid=plan-form] button[type=submit]").click()
    staff.wait_for_url(re.compile(r"/activities/plans/\d+$"))
    plan_url = staff.url
    expect(staff.get_by_test_id("plan-realise")).to_have_count(0)  # not approved yet

    commander = _context(browser, problems).new_page()
    login(commander, base, "kasat.blora", "id")
    commander.goto(plan_url)
    commander.get_by_test_id("plan-approve").click()
    expect(commander.get_by_test_id("plan-status")).to_have_text(re.compile("Disetujui"))

    staff.reload()
    staff.get_by_test_id("plan-realise").click()
    expect(staff.get_by_test_id("realising-plan")).to_be_visible()
    expect(staff.locator("#title")).to_have_value(title)
    expect(staff.locator("#occurred_on")).to_have_value(DATE)
    staff.fill("#leader_rank", "AKP")
    staff.fill("#leader_name", "Lilik Widiastuti")
    pick_registered(staff, 0, "Al Alif", "Ponpes Al Alif Tunjungan")
    staff.fill("#visits-0-parcels", "30")
    staff.get_by_test_id("save").click()
    staff.wait_for_url(re.compile(r"/activities/\d+$"))

    staff.goto(plan_url)
    expect(staff.get_by_test_id("plan-realised")).to_be_visible()
    assert not problems.seen, problems.seen


def test_bulk_verify_verifies_what_it_previewed(browser: Browser, live_server: str) -> None:
    base, problems = live_server, Problems()
    marker = "Sambang massal e2e"
    staff = _context(browser, problems).new_page()
    login(staff, base, "staf.blora", "id")
    for n in (1, 2):
        staff.goto(f"{base}/activities/new")
        staff.select_option("#programme_id", label=PROGRAMME)
        staff.select_option("#kind", "bakti_sosial")
        staff.fill("#occurred_on", DATE)
        staff.fill("#title", f"{marker} {n}")
        staff.fill("#leader_rank", "AKP")
        staff.fill("#leader_name", "Lilik Widiastuti")
        pick_registered(staff, 0, "Al Alif", "Ponpes Al Alif Tunjungan")
        staff.get_by_test_id("save").click()
        staff.wait_for_url(re.compile(r"/activities/\d+$"))
        staff.get_by_test_id("submit").click()

    commander = _context(browser, problems).new_page()
    login(commander, base, "kasat.blora", "id")
    commander.goto(f"{base}/activities/?q={marker.replace(' ', '+')}")
    commander.get_by_test_id("bulk-verify").click()
    expect(commander.locator("[data-testid=bulk-table] tbody tr")).to_have_count(2)
    commander.get_by_test_id("bulk-confirm").click()
    commander.wait_for_url(re.compile(r"/activities/\?"))
    commander.goto(f"{base}/activities/?q={marker.replace(' ', '+')}&status=submitted")
    expect(commander.get_by_test_id("activity-table")).to_have_count(0)
    commander.goto(f"{base}/activities/?q={marker.replace(' ', '+')}&status=verified")
    expect(commander.locator("[data-testid=activity-table] tbody tr")).to_have_count(2)
    assert not problems.seen, problems.seen
