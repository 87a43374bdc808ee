"""Kasat Binmas Blora opens the dashboard in a browser, sees charts and map, and drills into a Polsek."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD


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
    assert problems == []
