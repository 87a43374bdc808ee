"""The one app factory of the test suite, and the database recipes behind it.

Every fixture that needs an app builds it here: ``tests/conftest.py``'s per-test ``app``, the security suite's
module-scoped app (``build_app``), the browser tests' live server. So the test configuration, the per-request
isolation and the database preparation cannot drift apart between suites.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, delete, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from outreach import create_app
from outreach.extensions import db
from outreach.models import Base
from outreach.services.catalogues import seed_catalogues
from tests import factories

T = TypeVar("T")


#: The PostgreSQL database named by the environment; empty means SQLite files.
CONFIGURED_PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL", "")


def _worker_url(url: str) -> str:
    """The database of this pytest-xdist worker: ``<database>_gw0``, ``<database>_gw1``… on the same server
    (created by :func:`create_worker_database`). The per-test emptying, the migration tests' ``DROP SCHEMA
    public`` and the reliability tests' rebuilt schema would trample each other's data if the workers shared one
    database. Without xdist (``pytest`` alone) the configured database itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)


#: The PostgreSQL database to test on (this worker's own under pytest-xdist); empty means SQLite files.
PG_URL = _worker_url(CONFIGURED_PG_URL)


def create_worker_database() -> None:
    """Create this worker's database if it is missing (``pytest_sessionstart``, before any test reads it)."""
    if PG_URL == CONFIGURED_PG_URL:
        return
    name = make_url(PG_URL).database
    engine = create_engine(CONFIGURED_PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A commit returns before its WAL reaches the disk, as the SQLite tests run with synchronous=OFF: a
        # crash of the server could lose the last commits of a test database, never a test's own reads. The
        # crash tests kill the app, not the server, so what they check (nothing acknowledged is lost) stands.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    engine.dispose()


PASSWORD = factories.PASSWORD
#: Per-request caches in ``g`` a test app drops before each request (see ``make_app``); ``_flask_babel``
#: caches the request's locale.
REQUEST_CACHES = ("_login_user", "csrf_token", "_flask_babel")


def base_config(tmp: Path, uri: str) -> dict[str, Any]:
    """The configuration of every test app; callers overlay what their test is about."""
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
        # Issue 17: jobs run at once in the test's thread; the files stay in the test's folder
        "OUTREACH_JOBS_IMMEDIATE": True,
        "OUTREACH_JOBS_DB": str(tmp / "jobs.db"),
        "OUTREACH_EXPORT_DIR": str(tmp / "exports"),
    }


def _isolate_requests() -> None:
    # A test keeps one app context open (for db.session), and Flask reuses it for every request, so per-request
    # caches in `g` would leak between requests and clients: drop them as a real server would.
    for name in REQUEST_CACHES:
        g.pop(name, None)


def make_app(tmp: Path, uri: str, *, isolate_requests: bool = True, **overrides: Any) -> Flask:
    """The shared factory: ``base_config`` for ``uri`` with ``overrides`` on top.

    ``isolate_requests`` (default) drops the per-request caches of ``g`` before each request, for tests that
    hold an app context open across requests; a live server (one context per request) does not need it."""
    app = create_app(base_config(tmp, uri) | overrides)
    if isolate_requests:
        app.before_request(_isolate_requests)
    return app


def sqlite_template(path: Path) -> str:
    """Create the schema in a SQLite file (once) that ``fresh_uri`` copies for each app."""
    if not path.exists():
        engine = create_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        engine.dispose()
    return str(path)


def delete_every_row(conn: Connection) -> None:
    """Empty every table of the models, children before parents. On a test database holding a handful of rows
    this takes ~30 ms on PostgreSQL, where ``TRUNCATE``, which swaps the files of every table and index, took
    ~250 ms (minutes over the suite)."""
    for table in reversed(Base.metadata.sorted_tables):
        conn.execute(delete(table))


def follow_sequences(conn: Connection) -> None:
    """PostgreSQL: each table's serial key continues after its largest id, or starts again at 1 when the table
    is empty (what ``TRUNCATE … RESTART IDENTITY`` did after an emptying)."""
    for table in Base.metadata.sorted_tables:
        if (column := table.autoincrement_column) is None:
            continue
        conn.execute(
            text(
                f'SELECT setval(pg_get_serial_sequence(:table, :column), coalesce(max("{column.name}"), 1),'  # noqa: S608
                f' max("{column.name}") IS NOT NULL) FROM "{table.name}"'
            ),
            {"table": table.name, "column": column.name},
        )


def fresh_uri(schema: str, tmp: Path) -> str:
    """An empty database with the schema: a copy of the SQLite template, or the PostgreSQL tables emptied."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            # A connection a previous test left inside a transaction would make the DELETEs wait forever:
            # fail loudly instead.
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            delete_every_row(conn)
            follow_sequences(conn)
        engine.dispose()
        return PG_URL
    target = tmp / "test.db"
    shutil.copyfile(schema, target)
    return f"sqlite:///{target}"


def isolated_pg_uri(tag: str) -> str:
    """A PostgreSQL URL whose connections use their own fresh schema, for apps that live beside the
    per-test ``app`` (module-scoped fixtures): sharing the public schema, one app's per-test emptying would wait on
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


def stamp_migrations(app: Flask) -> None:
    """Record the migration head as applied (the schema comes from create_all): /readyz then answers 200."""
    from outreach.ops.health import migration_heads

    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("DELETE FROM alembic_version"))
        for head in migration_heads(app):
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})


def build_app(tmp: Path, **overrides: Any) -> Flask:
    """An app on a database of its own, migrations stamped: for fixtures that outlive one test (module scope)
    or tests that need a second app beside the per-test one."""
    uri = isolated_pg_uri(tmp.name) if PG_URL else fresh_uri(sqlite_template(tmp / "template.db"), tmp)
    app = make_app(tmp, uri, **overrides)
    with app.app_context():
        stamp_migrations(app)
    return app


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real view, as a user would."""
    return client.post("/login", data={"username": username, "password": password}, follow_redirects=False)


def small_world_app(tmp: Path, tag: str, build: Callable[[factories.World], T]) -> tuple[Flask, T]:
    """A live-server app (CSRF on, no per-request isolation) over the factories' small world, no demo data: an
    SQLite file in ``tmp`` or an isolated PostgreSQL schema named after ``tag``. ``build`` adds what the test
    needs to the world inside the app context, before the commit; what it returns is returned beside the app."""
    uri = isolated_pg_uri(tag) if PG_URL else f"sqlite:///{tmp / f'{tag}.db'}"
    app = create_app(base_config(tmp, uri) | {"WTF_CSRF_ENABLED": True, "TESTING": False, "DEBUG": False})
    with app.app_context():
        if not PG_URL:  # isolated_pg_uri has created the schema already
            Base.metadata.create_all(db.engine)
        seed_catalogues()
        built = build(factories.build_world())
        db.session.commit()
    return app, built


def _always_closed(wsgi: Any) -> Any:
    """``wsgi`` with every answer closed, even when werkzeug's development server does not close it. When the
    browser drops a connection (a page left while a script still loads), the server skips ``close()`` on the
    answer it was sending, and an open static file surfaced later as a ``ResourceWarning`` in whichever test ran
    then (CI, 2026-12-02). Here the answer is handed out through a generator, whose ``finally`` runs on
    ``close()`` or, when the server drops it, as soon as it is let go of. Answers still stream."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        answer = wsgi(environ, start_response)

        def closing() -> Iterator[bytes]:
            try:
                yield from answer
            finally:
                if hasattr(answer, "close"):
                    answer.close()

        return closing()

    return app


@contextmanager
def served(app: Flask, wsgi: Any = None) -> Iterator[str]:
    """Serve ``app`` (or a ``wsgi`` wrapper around it) on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, _always_closed(wsgi or app), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
