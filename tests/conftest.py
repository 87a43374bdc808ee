"""Shared fixtures: a fresh app and database per test, on SQLite or (OUTREACH_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from outreach.extensions import db
from outreach.models import Base
from outreach.services import rollups
from outreach.services.catalogues import seed_catalogues
from tests import factories

# The app factory and its recipes live in tests.support.app (shared by every conftest); the names stay
# importable from here for the tests that still do.
from tests.support.app import (
    PASSWORD,
    PG_URL,
    base_config,
    create_worker_database,
    isolated_pg_uri,
    login,
    make_app,
    sqlite_template,
)
from tests.support.app import fresh_uri as _fresh_uri

__all__ = ["PASSWORD", "PG_URL", "_fresh_uri", "base_config", "isolated_pg_uri", "login"]


def pytest_sessionstart(session: pytest.Session) -> None:
    create_worker_database()  # PostgreSQL under pytest-xdist: this worker's own database


@pytest.fixture(scope="session")
def _schema(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per run: a template SQLite file, or the tables on the PostgreSQL server."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
        engine.dispose()
        return PG_URL
    return sqlite_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture
def app(_schema: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path, _fresh_uri(_schema, tmp_path))
    with app.app_context():
        seed_catalogues()
        db.session.commit()
        yield app
        db.session.remove()
        # Whatever the test wrote through the services, the rollups must equal the raw rows.
        with db.engine.connect() as conn:
            drift = rollups.check(conn)
        db.engine.dispose()
        assert drift.ok, f"rollups drifted from the raw rows: {drift}"


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database (no tables), for the migration tests to build the schema themselves."""
    if PG_URL:
        uri = PG_URL
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        uri = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = make_app(tmp_path, uri, isolate_requests=False)
    yield app
    if PG_URL:  # leave the shared test database as the other tests expect it: the models' schema
        with app.app_context():
            db.engine.dispose()
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
        engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> factories.World:
    """Two Polda, each with two Polres of two Polsek; users of every role; a programme."""
    w = factories.build_world()
    db.session.commit()
    return w


@pytest.fixture
def login_as(client: FlaskClient) -> Any:
    def _login(username: str, password: str = PASSWORD) -> FlaskClient:
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login
