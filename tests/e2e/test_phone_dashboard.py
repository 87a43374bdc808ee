"""Issue 15: on a phone the dashboard opens on the figures; the filters are folded behind one button."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.browser import PHONE, Problems, login


def test_phone_dashboard_folds_the_filters(browser: Browser, live_server: str) -> None:
    problems = Problems()
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = problems.watch(context).new_page()
    login(page, live_server, "kasat.blora", "id")
    page.goto(f"{live_server}/dashboard/")
    expect(page.locator("#dashboard-filters")).to_be_hidden()
    expect(page.get_by_test_id("card-activities")).to_be_in_viewport()
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#dashboard-filters")).to_be_visible()
    expect(page.get_by_test_id("status-chips")).to_be_visible()
    # The map and the gaps arrive after the figures, below them.
    page.wait_for_selector("#dashboard-deferred[aria-busy=false] [data-testid=map-table]")
    page.wait_for_selector("#dashboard-map path.leaflet-interactive", state="attached")
    expect(page.get_by_test_id("card-activities")).to_be_in_viewport()
    assert not problems.seen, problems.seen
