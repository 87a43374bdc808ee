"""`flask --app outreach doctor`: what a deployment gets wrong, each finding with its fix.

The checks read the configuration, the database and the file system; they change nothing. A finding is
``ok``, ``warn`` (worth a look, not necessarily wrong) or ``fail`` (wrong: the command exits non-zero).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from outreach.extensions import db
from outreach.models import ActivityKind, ItemKind, KamtibmasMessage, LocationKind, Role, Unit, User

Status = Literal["ok", "warn", "fail"]
#: Secret keys that are known to everyone: the development fallback and the example config's placeholder.
KNOWN_SECRETS = frozenset({"dev-only-not-secret", "change-me-to-a-long-random-string"})
MIN_SECRET_LENGTH = 32
NEW_SECRET = "export OUTREACH_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"  # noqa: S105 - a fix, not a key


@dataclass(frozen=True)
class Finding:
    status: Status
    title: str
    detail: str
    fix: str = ""


def run_checks(app: Any, *, backup_days: int | None = None, now: float | None = None) -> list[Finding]:
    """Every check, in the order an operator would fix them."""
    config = app.config
    days = backup_days if backup_days is not None else int(config["OUTREACH_BACKUP_MAX_AGE_DAYS"])
    return [
        check_secret_key(config.get("SECRET_KEY")),
        check_https(config),
        check_migrations(app),
        check_journal_mode(config),
        check_upload_dir(Path(config["OUTREACH_UPLOAD_DIR"])),
        _needs_schema("catalogues", check_catalogues),
        _needs_schema("units and administrator", check_units_and_admin),
        check_backups(config.get("OUTREACH_BACKUP_DIR") or "", days, now=now),
    ]


def _needs_schema(title: str, check: Any) -> Finding:
    """Run a check that reads tables; a database without them gets one finding instead of a traceback."""
    try:
        return check()  # type: ignore[no-any-return]
    except SQLAlchemyError:
        db.session.rollback()
        return Finding(
            "fail", title, "cannot be read: the tables are missing or old", "flask --app outreach db upgrade"
        )


def check_secret_key(key: str | bytes | None) -> Finding:
    title = "secret key"
    value = key.decode() if isinstance(key, bytes) else (key or "")
    if not value or value in KNOWN_SECRETS:
        return Finding("fail", title, "SECRET_KEY is missing or a published placeholder", NEW_SECRET)
    if len(value) < MIN_SECRET_LENGTH:
        return Finding(
            "fail",
            title,
            f"SECRET_KEY has {len(value)} characters; use at least {MIN_SECRET_LENGTH}",
            NEW_SECRET,
        )
    return Finding("ok", title, f"set ({len(value)} characters)")


def check_https(config: Any) -> Finding:
    title = "HTTPS cookies"
    secure = bool(config.get("SESSION_COOKIE_SECURE"))
    https = str(config.get("PREFERRED_URL_SCHEME") or "http").lower() == "https"
    if https and not secure:
        return Finding(
            "fail",
            title,
            "served over HTTPS (PREFERRED_URL_SCHEME=https) but SESSION_COOKIE_SECURE is off: the session "
            "cookie would also travel over plain HTTP",
            "export OUTREACH_SESSION_COOKIE_SECURE=1",
        )
    if not secure:
        return Finding(
            "warn",
            title,
            "SESSION_COOKIE_SECURE is off: right only if users reach the app over plain HTTP",
            "behind a TLS proxy: export OUTREACH_SESSION_COOKIE_SECURE=1 OUTREACH_PREFERRED_URL_SCHEME=https",
        )
    if not https:
        return Finding(
            "warn",
            title,
            "SESSION_COOKIE_SECURE is on but PREFERRED_URL_SCHEME is not https (links in e-mails and exports)",
            "export OUTREACH_PREFERRED_URL_SCHEME=https",
        )
    return Finding("ok", title, "secure session cookie, HTTPS links")


def check_migrations(app: Any) -> Finding:
    title = "database schema"
    cfg = Config()
    cfg.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return Finding("ok", title, f"at the latest migration ({', '.join(sorted(heads))})")
    shown = ", ".join(sorted(current)) or "none (empty database)"
    return Finding(
        "fail",
        title,
        f"at revision {shown}; this version needs {', '.join(sorted(heads))}",
        "flask --app outreach db upgrade   (take a backup first)",
    )


def check_journal_mode(config: Any) -> Finding:
    title = "database journal"
    with db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            return Finding("ok", title, f"{conn.dialect.name}: the server keeps its own write-ahead log")
        mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
        synchronous = int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
    if mode != "wal":
        return Finding(
            "fail",
            title,
            f"SQLite journal mode is {mode!r}, not WAL: readers and the writer block each other "
            "(a network file system or a read-only folder refuses WAL)",
            "keep the database file on a local disk the server's user can write (folder included)",
        )
    if synchronous < 2:  # 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
        return Finding(
            "warn",
            title,
            "SQLite WAL, but synchronous is below FULL: a power cut may lose the last commits",
            'set OUTREACH_SQLITE_SYNCHRONOUS = "FULL" in the instance config',
        )
    return Finding("ok", title, "SQLite in WAL mode, synchronous FULL")


def check_upload_dir(folder: Path) -> Finding:
    title = "upload folder"
    if not folder.exists():
        ancestor = next((p for p in folder.parents if p.exists()), None)
        if ancestor is not None and os.access(ancestor, os.W_OK | os.X_OK):
            return Finding("ok", title, f"{folder} does not exist yet; the first photo creates it")
        return Finding(
            "fail",
            title,
            f"{folder} does not exist and cannot be created",
            f"mkdir -p {folder} && chown <server user> {folder}",
        )
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Finding(
            "fail", title, f"{folder} is not writable ({exc.strerror})", f"chown -R <server user> {folder}"
        )
    return Finding("ok", title, f"{folder} is writable")


def check_catalogues() -> Finding:
    title = "catalogues"
    models: dict[str, Any] = {
        "activity kinds": ActivityKind,
        "place kinds": LocationKind,
        "item kinds": ItemKind,
        "kamtibmas messages": KamtibmasMessage,
    }
    empty = [
        name
        for name, model in models.items()
        if not db.session.scalar(select(func.count(model.id)).where(model.is_active.is_(True)))
    ]
    if empty:
        return Finding(
            "fail",
            title,
            f"no active entries in: {', '.join(empty)}; activities of those kinds are refused",
            "flask --app outreach db upgrade   (installs the standard entries), or re-enable entries under "
            "Admin → catalogues",
        )
    return Finding("ok", title, "activity, place and item kinds and kamtibmas messages are there")


def check_units_and_admin() -> Finding:
    title = "units and administrator"
    if db.session.scalar(select(Unit.id).limit(1)) is None:
        return Finding(
            "fail",
            title,
            "no unit yet",
            "flask --app outreach units load-polri   (or units create CODE --name NAME --level LEVEL)",
        )
    admins = db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active_account.is_(True))
    )
    if not admins:
        return Finding(
            "fail", title, "no active administrator", "flask --app outreach users create NAME --role admin"
        )
    return Finding("ok", title, f"{admins} active administrator(s)")


def check_backups(folder: str, days: int, *, now: float | None = None) -> Finding:
    title = "backups"
    fix = "flask --app outreach backup {dir}/outreach-$(date +%F).tar.gz   (daily, e.g. from cron)"
    if not folder:
        return Finding(
            "fail",
            title,
            "OUTREACH_BACKUP_DIR is not set, so nothing tells where backups go",
            "export OUTREACH_BACKUP_DIR=/var/backups/outreach and " + fix.format(dir="$OUTREACH_BACKUP_DIR"),
        )
    path = Path(folder)
    archives = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if path.is_dir() else []
    if not archives:
        return Finding("fail", title, f"no backup in {folder}", fix.format(dir=folder))
    newest = archives[-1]
    age_days = ((now if now is not None else time.time()) - newest.stat().st_mtime) / 86400
    if age_days > days:
        return Finding(
            "fail",
            title,
            f"the newest backup, {newest.name}, is {age_days:.0f} days old (limit {days})",
            fix.format(dir=folder),
        )
    return Finding("ok", title, f"newest {newest.name}, {age_days:.1f} days old")
