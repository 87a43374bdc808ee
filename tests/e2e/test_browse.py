"""A commander logs in and finds the seed activity (the thin slice, in a real browser)."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Masuk'), button[type=submit]:has-text('Log in')")
    expect(page.locator("nav")).to_contain_text(username if username == "admin" else "Blora")


def test_commander_sees_the_seed_activity(page: Page, live_server: str) -> None:
    failed: list[str] = []
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else failed.append(r.url),  # navigation cancels
    )
    login(page, live_server, "kasat.blora")
    page.goto(f"{live_server}/activities/?q=Al+Alif")
    page.get_by_role("link", name="Bakti sosial Cooling System").first.click()
    expect(page.get_by_test_id("total-parcels")).to_have_text("50")
    expect(page.get_by_test_id("total-locations")).to_have_text("5")
    expect(page.get_by_test_id("visits-table")).to_contain_text("Ponpes Al Alif Tunjungan")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('nav')).display") != "inline"
    )  # Bootstrap loaded
    assert failed == []
