"""Browser tests: Playwright drives Debian's chromium against a live server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from outreach.extensions import db
from outreach.models import Base
from outreach.services.demo import load_demo
from tests.support.app import PG_URL, isolated_pg_uri, make_app, served

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
DEMO_PASSWORD = "demo-outreach"


#: The in-process Werkzeug server behind the browser can leave a photo's file object to the garbage collector
#: when chromium abandons an image request while navigating on; the ResourceWarning then surfaces in whichever
#: test is running (it failed one CI run in three). Production serves through gunicorn. Only this warning, only
#: for the browser tests.
_DEV_SERVER_FILE_WARNING = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name=.*/uploads/:pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(_DEV_SERVER_FILE_WARNING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The live server's app, for fixtures that store what no page can make (e.g. a background export job)."""
    tmp = tmp_path_factory.mktemp("live")
    uri = isolated_pg_uri("live_server") if PG_URL else f"sqlite:///{Path(tmp) / 'live.db'}"
    # A live server opens one context per request: no per-request isolation needed.
    app = make_app(Path(tmp), uri, isolate_requests=False, WTF_CSRF_ENABLED=True, TESTING=False, DEBUG=False)
    with app.app_context():
        if not PG_URL:  # isolated_pg_uri has created the schema already
            Base.metadata.create_all(db.engine)
        load_demo(DEMO_PASSWORD)
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The real app with CSRF on and the demo data, in a thread; SQLite file or the PostgreSQL test database."""
    with served(live_app) as base:
        yield base
