"""Readiness checks behind ``/readyz``: each answers ``None`` when fine, or a short reason code.

The reasons are fixed codes (``unreachable``, ``behind``, ``not_writable`` …), never an exception text: the
endpoint is public and must not reveal host names, paths or versions. The details go to the log.

Checks are pluggable: ``register_check(app, name, func)`` adds one (a job queue registers ``queue`` when it is
configured). Until one is, ``/readyz`` reports ``"queue": "not_configured"`` and does not fail on it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import text

from outreach.extensions import db

log = logging.getLogger(__name__)

Check = Callable[[], "str | None"]
_CHECKS = "outreach_ready_checks"
_HEADS = "outreach_migration_heads"


def register_check(app: Flask, name: str, check: Check) -> None:
    """Add a readiness check (e.g. ``queue``) that runs on every ``/readyz``; it must be cheap."""
    app.extensions.setdefault(_CHECKS, {})[name] = check


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revision(s) of the migration scripts, read once per process."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        from alembic.script import ScriptDirectory

        directory = app.extensions["migrate"].directory
        heads = frozenset(ScriptDirectory(directory).get_heads())
        app.extensions[_HEADS] = heads
    return heads


def check_database() -> tuple[str | None, str | None]:
    """(database reason, migrations reason): one connection, two tiny statements."""
    try:
        conn = db.engine.connect()
    except Exception:
        log.warning("readyz: the database does not answer", exc_info=True)
        return "unreachable", "unknown"
    try:
        try:
            conn.execute(text("SELECT 1"))
        except Exception:
            log.warning("readyz: the database does not answer", exc_info=True)
            return "unreachable", "unknown"
        try:
            applied = frozenset(conn.scalars(text("SELECT version_num FROM alembic_version")))
        except Exception:
            log.warning("readyz: no migration applied (no alembic_version table)", exc_info=True)
            return None, "missing"
    finally:
        conn.close()
    heads = migration_heads(current_app)
    if applied != heads:
        log.warning("readyz: migrations at %s, scripts at %s", sorted(applied), sorted(heads))
        return None, "behind" if applied else "missing"
    return None, None


def check_uploads(folder: str | Path) -> str | None:
    """The upload folder exists (created when missing) and this process may write in it."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        log.warning("readyz: cannot create the upload folder %s", folder, exc_info=True)
        return "missing"
    if not os.access(folder, os.W_OK | os.X_OK):
        log.warning("readyz: the upload folder %s is not writable", folder)
        return "not_writable"
    return None


def readiness(app: Flask) -> tuple[bool, dict[str, str]]:
    """Whether the instance can serve, and the state of each check (``ok`` or a reason code)."""
    database, migrations = check_database()
    results: dict[str, str | None] = {
        "database": database,
        "migrations": migrations,
        "uploads": check_uploads(app.config["OUTREACH_UPLOAD_DIR"]),
    }
    for name, check in app.extensions.get(_CHECKS, {}).items():
        try:
            results[name] = check()
        except Exception:
            log.warning("readyz: check %s failed", name, exc_info=True)
            results[name] = "error"
    ok = all(reason is None for reason in results.values())
    checks = {name: reason or "ok" for name, reason in results.items()}
    checks.setdefault("queue", "not_configured")
    return ok, checks
