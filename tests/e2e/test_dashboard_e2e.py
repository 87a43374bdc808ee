"""Kasat Binmas Blora opens the dashboard in a browser, sees charts and map, and drills into a Polsek. The map
and the gaps arrive after the figures (dashboard.deferred); without JavaScript a link opens them."""

from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.support.browser import Problems, login, new_context


def test_dashboard_drill_down(page: Page, live_server: str) -> None:
    problems: list[str] = []
    # Failed loads are caught by the response listener (the browser's own favicon request is not ours).
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: (
            None if "ERR_ABORTED" in (r.failure or "") else problems.append(r.url)
        ),  # navigation cancels
    )
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{live_server}/login")
    page.fill("#username", "kasat.blora")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Masuk'), button[type=submit]:has-text('Log in')")
    page.wait_for_url("**/dashboard/**")
    expect(page.get_by_test_id("dashboard-unit")).to_have_text("Polres Blora")
    page.select_option("#programme_id", label="Cooling System Pemilu 2024")
    page.get_by_role("button", name="Tampilkan").or_(page.get_by_role("button", name="Show")).click()
    expect(page.get_by_test_id("dashboard-programme")).to_have_text("Cooling System Pemilu 2024")
    # The map and the gaps come after the figures: the container is filled and no longer busy.
    page.wait_for_selector("#dashboard-deferred[aria-busy=false] [data-testid=map-table]")
    expect(page.get_by_test_id("deferred-loading")).to_have_count(0)
    expect(page.locator("#gaps-title")).to_be_visible()
    # Chart.js drew on the canvases and Leaflet placed the visited locations.
    # (wait_for_selector, not wait_for_function: the latter polls through eval, which the CSP forbids.)
    page.wait_for_selector("#dashboard-map path.leaflet-interactive", state="attached")
    assert page.evaluate(
        "Chart.getChart('chart-week') !== undefined && Chart.getChart('chart-month') !== undefined"
    )
    row = page.locator("[data-testid=by-unit] tr[data-unit=POLSEK-TUNJUNGAN]")
    expected = row.locator("td").first.inner_text()
    row.get_by_role("link").click()
    expect(page.get_by_test_id("dashboard-unit")).to_have_text("Polsek Tunjungan")
    expect(page.get_by_test_id("figure-activities")).to_have_text(expected)
    # The drilled-down page loads its own map and gaps.
    page.wait_for_selector("#dashboard-deferred[aria-busy=false] [data-testid=map-table]")
    assert problems == []


def test_map_and_gaps_failure_offers_a_retry(browser: Browser, live_server: str) -> None:
    """A failed fetch says so, in the page's language, with a link that tries again."""
    problems = Problems()
    context = new_context(browser, problems)
    page = context.new_page()
    login(page, live_server, "kasat.blora", "id")
    failing = True

    def answer(route: Route) -> None:
        if failing:
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route("**/dashboard/deferred*", answer)
    page.goto(f"{live_server}/dashboard/")
    error = page.get_by_test_id("deferred-error")
    expect(error).to_contain_text("Peta dan daftar perlu perhatian tidak dapat dimuat.")
    expect(page.locator("#dashboard-deferred")).to_have_attribute("aria-busy", "false")
    failing = False
    page.get_by_test_id("deferred-retry").click()
    page.wait_for_selector("#dashboard-deferred[aria-busy=false] [data-testid=map-table]")
    page.wait_for_selector("#dashboard-map path.leaflet-interactive", state="attached")
    expect(error).to_have_count(0)
    context.close()
    # The one failure is the one this test made.
    assert [p for p in problems.seen if "/dashboard/deferred" not in p] == [], problems.seen


def test_map_and_gaps_without_javascript(browser: Browser, live_server: str) -> None:
    """Without JavaScript the dashboard shows the figures and a link; the link opens the map's table and the gaps
    on a page of their own, with a way back."""
    problems = Problems()
    context = new_context(browser, problems, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "kasat.blora")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form:has(#username) button[type=submit]")
    page.goto(f"{live_server}/dashboard/")
    expect(page.get_by_test_id("figure-activities")).to_be_visible()
    expect(page.get_by_test_id("deferred-loading")).to_be_visible()
    page.get_by_test_id("deferred-link").click()
    page.wait_for_url("**/dashboard/deferred?*")
    expect(page.get_by_test_id("map-table")).to_be_visible()
    expect(page.locator("#gaps-title")).to_be_visible()
    page.get_by_test_id("back-to-dashboard").click()
    expect(page.get_by_test_id("dashboard-unit")).to_have_text("Polres Blora")
    context.close()
    assert not problems.seen, problems.seen
