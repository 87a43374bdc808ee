"""The region autocomplete in a real browser: suggestions from GET /regions, a pick stores its code."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.browser import Problems, login
from tests.support.browser import new_context as _context


def test_new_place_regions_autocomplete(browser: Browser, live_server: str) -> None:
    problems = Problems()
    context = _context(browser, problems)
    page = context.new_page()
    login(page, live_server, "staf.blora", "id")
    page.goto(f"{live_server}/activities/new")
    row = page.get_by_test_id("visit-row").first
    row.locator("details").evaluate("d => { d.open = true; }")
    regency, regency_code = page.locator("#visits-0-new_regency"), page.locator("#visits-0-new_regency_code")
    district, district_code = (
        page.locator("#visits-0-new_district"),
        page.locator("#visits-0-new_district_code"),
    )
    regency.fill("Blo")
    options = row.locator("datalist option")
    expect(options.first).to_have_attribute("data-code", "33.16")  # suggested by the app, best first
    regency.fill("Kabupaten Blora")  # what choosing the suggestion types
    expect(regency_code).to_have_value("33.16")
    district.fill("Jati")  # searched inside the regency picked above: one Jati
    expect(district_code).to_have_value("33.16.01")
    regency.fill("Kabupaten Blor")  # typing something else forgets the codes picked from it down
    expect(regency_code).to_have_value("")
    expect(district_code).to_have_value("")
    context.close()
    assert problems.seen == []
