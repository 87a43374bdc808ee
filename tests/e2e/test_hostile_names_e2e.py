"""Issue 13 F8: a place named like an HTML tag shows as text in the dashboard map's tooltip and popup."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page, expect
from werkzeug.serving import make_server

from outreach import create_app
from outreach.extensions import db
from outreach.models import Base
from outreach.services import activities as svc
from outreach.services.catalogues import seed_catalogues
from tests import factories
from tests.conftest import PG_URL, base_config, isolated_pg_uri

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small world (no demo) whose only visited place carries a hostile name and coordinates."""
    tmp = tmp_path_factory.mktemp("hostile")
    uri = isolated_pg_uri("hostile_names") if PG_URL else f"sqlite:///{Path(tmp) / 'hostile.db'}"
    config = base_config(Path(tmp), uri) | {"WTF_CSRF_ENABLED": True, "TESTING": False, "DEBUG": False}
    app = create_app(config)
    with app.app_context():
        if not PG_URL:
            Base.metadata.create_all(db.engine)
        seed_catalogues()
        world = factories.build_world()
        place = world.locations["POLSEK-A1X"]
        place.name, place.latitude, place.longitude = HOSTILE, -6.97, 111.42
        staff = world.users["staff.a1x"]
        activity = factories.make_activity(staff, world.programme, world.u("POLSEK-A1X"), [place])
        svc.submit_activity(staff, activity)
        svc.verify_activity(world.users["commander.a1x"], activity)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


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
