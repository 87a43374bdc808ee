"""Shared fixtures: a fresh app and database per test, on SQLite or (OUTREACH_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from outreach import create_app
from outreach.extensions import db
from outreach.models import Base
from outreach.services import rollups
from outreach.services.catalogues import seed_catalogues
from tests import factories

PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL", "")
PASSWORD = factories.PASSWORD


def base_config(tmp: Path, uri: str) -> dict[str, Any]:
    # PostgreSQL: no pooling, so a connection closes when released instead of lingering in the pool of an
    # app the test threw away (psycopg warns about connections collected while open).
    engine_options: dict[str, Any] = {"poolclass": NullPool} if uri.startswith("postgresql") else {}
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "OUTREACH_UPLOAD_DIR": str(tmp / "uploads"),
        "OUTREACH_SQLITE_SYNCHRONOUS": "OFF",
        # Cheap hashes keep the per-test accounts fast; test_app asserts production uses scrypt.
        "OUTREACH_PASSWORD_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
    }


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
    template = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{template}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return str(template)


def _fresh_uri(schema: str, tmp: Path) -> str:
    if PG_URL:
        engine = create_engine(PG_URL)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            # A connection a previous test left inside a transaction would make TRUNCATE wait forever:
            # fail loudly instead.
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    target = tmp / "test.db"
    shutil.copyfile(schema, target)
    return f"sqlite:///{target}"


def isolated_pg_uri(tag: str) -> str:
    """A PostgreSQL URL whose connections use their own fresh schema, for apps that live beside the
    per-test ``app`` (module-scoped fixtures): sharing the public schema, one app's TRUNCATE would wait on
    the other's open transaction and wipe its data."""
    name = "t_" + re.sub(r"\W", "_", tag.lower())[:40]
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={name}"})
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture
def app(_schema: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(base_config(tmp_path, _fresh_uri(_schema, tmp_path)))

    @app.before_request
    def _isolate_requests() -> None:
        # The test keeps one app context open (for db.session), and Flask reuses it for every request, so
        # per-request caches in `g` would leak between requests and clients: drop them as a real server would.
        from flask import g

        for name in ("_login_user", "csrf_token", "_flask_babel"):  # _flask_babel caches the request's locale
            g.pop(name, None)

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


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real view, as a user would."""
    return client.post("/login", data={"username": username, "password": password}, follow_redirects=False)


@pytest.fixture
def login_as(client: FlaskClient) -> Any:
    def _login(username: str, password: str = PASSWORD) -> FlaskClient:
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login
