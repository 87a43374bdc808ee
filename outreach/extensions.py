"""Unbound extension singletons, bound to an app in ``create_app``."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from outreach.models.base import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()

#: True while the current request or command intends to write. On SQLite its transactions then start with
#: ``BEGIN IMMEDIATE``, taking the write lock up front where the busy timeout applies, instead of failing with
#: SQLITE_BUSY when a read transaction later tries to write (see docs/DECISIONS.md).
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Mark the block as a writer (used by CLI commands; requests are marked by their HTTP method)."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str) -> None:
    """WAL, foreign keys, busy timeout; take over transaction control from pysqlite to emit BEGIN ourselves."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (SQLAlchemy's pysqlite recipe)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
