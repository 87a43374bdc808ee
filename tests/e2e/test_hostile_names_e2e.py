"""Issue 13 F8: a place named like an HTML tag shows as text in the dashboard map's tooltip and popup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Dialog, Page, expect

from outreach.services import activities as svc
from tests import factories
from tests.support.app import served, small_world_app

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small world (no demo) whose only visited place carries a hostile name and coordinates."""

    def hostile_place(world: factories.World) -> None:
        place = world.locations["POLSEK-A1X"]
        place.name, place.latitude, place.longitude = HOSTILE, -6.97, 111.42
        staff = world.users["staff.a1x"]
        activity = factories.make_activity(staff, world.programme, world.u("POLSEK-A1X"), [place])
        svc.submit_activity(staff, activity)
        svc.verify_activity(world.users["commander.a1x"], activity)

    app, _ = small_world_app(tmp_path_factory.mktemp("hostile"), "hostile_names", hostile_place)
    with served(app) as base:
        yield base


def test_hostile_place_name_is_text_in_the_map(page: Page, hostile_server: str) -> None:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    images: list[str] = []
    page.on("request", lambda r: images.append(r.url) if r.url.endswith("/x") else None)
    page.goto(f"{hostile_server}/login")
    page.fill("#username", "commander.a1x")
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]:has-text('Masuk'), button[type=submit]:has-text('Log in')")
    page.wait_for_url("**/dashboard/**")
    marker = page.locator("#dashboard-map path.leaflet-interactive").first
    marker.wait_for(state="attached")
    marker.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(HOSTILE)
    assert tooltip.locator("img").count() == 0
    marker.click(force=True)
    popup = page.locator(".leaflet-popup-content strong")
    expect(popup).to_have_text(HOSTILE)
    assert page.locator("#dashboard-map img[src=x]").count() == 0
    assert dialogs == []
    assert images == []  # no <img src=x> was ever created, so nothing requested it
