"""Default settings. Load order: these defaults → instance/config.py → OUTREACH_* environment → overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from outreach.numerals import ascii_digits


class Defaults:
    # Flask and extensions
    SECRET_KEY: str | None = None
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True over HTTPS; create_app then names the cookie __Host-session
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(hours=12)
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long form on a phone must not lose its token mid-way
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"

    # Outreach
    OUTREACH_LANGUAGES = ("id", "en")
    OUTREACH_PAGE_SIZE = 25
    OUTREACH_LIST_COUNT_CAP = 10_000  # activity lists count matches up to this, then say "more than"
    OUTREACH_SQLITE_BUSY_TIMEOUT_MS = 10_000
    OUTREACH_SQLITE_SYNCHRONOUS = "FULL"
    # Database pools, for PostgreSQL (any non-SQLite URL; SQLAlchemy's QueuePool). Turned into
    # SQLALCHEMY_ENGINE_OPTIONS by engine_options(); keys set there in instance/config.py win.
    OUTREACH_DB_POOL_SIZE = 5  # connections a process keeps open (SQLAlchemy's default)
    OUTREACH_DB_MAX_OVERFLOW = 10  # more opened under load, closed when returned (SQLAlchemy's default)
    OUTREACH_DB_POOL_TIMEOUT_S = 30  # wait this long for a free connection, then the request fails
    OUTREACH_DB_POOL_RECYCLE_S = 0  # replace connections older than this; 0: never (pre-ping finds dead ones)
    OUTREACH_DB_STATEMENT_TIMEOUT_MS = 0  # PostgreSQL: cancel a statement running longer than this; 0: off
    #: photos, thumbnails and pending/ (the same folder on every web and worker host); empty: instance/uploads
    OUTREACH_UPLOAD_DIR = ""
    OUTREACH_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    OUTREACH_PHOTO_MAX_PIXELS = 40_000_000
    OUTREACH_DEMO_PASSWORD = "demo-outreach"  # noqa: S105 - documented demo accounts only
    OUTREACH_PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password
    #: Reverse proxies in front of the app (each appends to X-Forwarded-For); 0 trusts no forwarded header.
    OUTREACH_TRUSTED_PROXIES = 0
    OUTREACH_LOGIN_MAX_FAILURES = 5  # per (account, address) within the window: that address is refused
    OUTREACH_LOGIN_MAX_FAILURES_PER_ADDRESS = (
        50  # per address, whatever the accounts: that address is refused
    )
    OUTREACH_LOGIN_BACKOFF_AFTER = 10  # per account from every address: each attempt then waits a delay
    OUTREACH_LOGIN_BACKOFF_MAX = timedelta(seconds=60)  # the delay doubles from 1 s up to this
    OUTREACH_LOGIN_WINDOW = timedelta(minutes=15)
    OUTREACH_IDLE_TIMEOUT = timedelta(minutes=30)
    OUTREACH_MAP_TILE_URL = ""  # e.g. "https://tiles.example/{z}/{x}/{y}.png"; empty = plain background
    OUTREACH_MAP_TILE_ATTRIBUTION = ""
    OUTREACH_AGENCY_NAME = "KEPOLISIAN NEGARA REPUBLIK INDONESIA"
    OUTREACH_REPORT_PAGE_SIZE = "A4"
    OUTREACH_API_RATE_LIMIT = 600  # requests per token per minute
    OUTREACH_API_MAX_BYTES = 1024 * 1024  # largest JSON body the API accepts
    # Operations (issue 18)
    OUTREACH_LOG_FORMAT = "text"  # "json": one JSON object per log line (see docs/OPERATIONS.md)
    OUTREACH_METRICS_ALLOW = ""  # addresses/networks allowed to read /metrics, e.g. "127.0.0.1,10.0.0.0/8"
    OUTREACH_RETENTION_MONTHS: int | None = (
        None  # personal data of people met; None keeps it (docs/PRIVACY.md)
    )
    OUTREACH_BACKUP_DIR = ""  # where `backup` archives go; `doctor` checks the newest is recent
    OUTREACH_BACKUP_MAX_AGE_DAYS = 7  # `doctor` reports a problem when the newest backup is older
    # Issue 13 (resource bounds, four-eyes)
    OUTREACH_PHOTO_MAX_FILES = 10  # photos per request
    OUTREACH_PHOTO_MAX_TOTAL_PIXELS = 150_000_000  # summed over a request's photos, read from their headers
    # Import workbooks: OUTREACH_IMPORT_MAX_{ROWS,COLUMNS,CELLS,PARTS,UNPACKED_BYTES,TEXT_CHARS}
    OUTREACH_IMPORT_MAX_ROWS = 5_000  # the others default to services.imports.Limits
    OUTREACH_ALLOW_SELF_VERIFY = False  # a commander may verify an activity they recorded or lead (audited)
    # Issue 17: background jobs (outreach.jobs; docs/OPERATIONS.md, "Workers")
    OUTREACH_REDIS_URL = ""  # set: jobs go through Redis (workers on any machine); empty: SQLite in instance/
    OUTREACH_JOBS_DB = ""  # the embedded queue's SQLite file; empty: instance/jobs.db
    OUTREACH_JOBS_NAME = "outreach"  # the queue's name (the Redis key prefix)
    OUTREACH_JOBS_IMMEDIATE = False  # run every job at once in the caller (tests; no worker)
    OUTREACH_EXPORT_DIR = ""  # finished export files; empty: instance/exports
    OUTREACH_EXPORT_JOB_THRESHOLD = 5_000  # exports and reports over more rows than this run as jobs
    OUTREACH_EXPORT_RETENTION_DAYS = 7  # a finished file is kept this long, then purged
    OUTREACH_EXPORT_JOB_HEARTBEAT_SECONDS = 10.0  # a running job refreshes its heartbeat this often
    OUTREACH_EXPORT_JOB_STALL_SECONDS = 120.0  # no heartbeat for this long: the worker died
    OUTREACH_EXPORT_JOB_ATTEMPTS = 2  # a job whose worker died is started again up to this many times in all
    #: a job still queued this long (its queue message lost, or a long backlog) is queued again, counting as an
    #: attempt; once the attempts are spent it is failed (docs/OPERATIONS.md, "Workers")
    OUTREACH_EXPORT_QUEUED_TIMEOUT_S = 900
    OUTREACH_EXPORT_JOB_THROTTLE_SECONDS = 0.0  # diagnostics/tests only: a pause per progress step
    # Issue 17: scheduled recaps (services.recap_delivery)
    OUTREACH_RECAP_MAX_ATTEMPTS = 3  # attempts per recap delivery; then it stays "failed"
    OUTREACH_RECAP_RETRY_MINUTES = 10  # delay before the first retry; it doubles at each further one


#: Environment variables read on top of the instance config (name → config key).
ENV_KEYS = {
    "OUTREACH_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "OUTREACH_SECRET_KEY": "SECRET_KEY",
    "OUTREACH_DEMO_PASSWORD": "OUTREACH_DEMO_PASSWORD",
    "OUTREACH_MAP_TILE_URL": "OUTREACH_MAP_TILE_URL",
    "OUTREACH_SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "OUTREACH_LOG_FORMAT": "OUTREACH_LOG_FORMAT",
    "OUTREACH_METRICS_ALLOW": "OUTREACH_METRICS_ALLOW",
    "OUTREACH_RETENTION_MONTHS": "OUTREACH_RETENTION_MONTHS",
    "OUTREACH_PREFERRED_URL_SCHEME": "PREFERRED_URL_SCHEME",  # "https" behind a TLS proxy (`doctor` checks)
    "OUTREACH_BACKUP_DIR": "OUTREACH_BACKUP_DIR",
    "OUTREACH_TRUSTED_PROXIES": "OUTREACH_TRUSTED_PROXIES",
    "OUTREACH_ALLOW_SELF_VERIFY": "OUTREACH_ALLOW_SELF_VERIFY",
    "OUTREACH_REDIS_URL": "OUTREACH_REDIS_URL",  # issue 17
    "OUTREACH_JOBS_DB": "OUTREACH_JOBS_DB",
    "OUTREACH_UPLOAD_DIR": "OUTREACH_UPLOAD_DIR",
    "OUTREACH_EXPORT_DIR": "OUTREACH_EXPORT_DIR",
    "OUTREACH_EXPORT_JOB_THRESHOLD": "OUTREACH_EXPORT_JOB_THRESHOLD",
    "OUTREACH_EXPORT_RETENTION_DAYS": "OUTREACH_EXPORT_RETENTION_DAYS",
    "OUTREACH_EXPORT_QUEUED_TIMEOUT_S": "OUTREACH_EXPORT_QUEUED_TIMEOUT_S",
    "OUTREACH_DB_POOL_SIZE": "OUTREACH_DB_POOL_SIZE",
    "OUTREACH_DB_MAX_OVERFLOW": "OUTREACH_DB_MAX_OVERFLOW",
    "OUTREACH_DB_POOL_TIMEOUT_S": "OUTREACH_DB_POOL_TIMEOUT_S",
    "OUTREACH_DB_POOL_RECYCLE_S": "OUTREACH_DB_POOL_RECYCLE_S",
    "OUTREACH_DB_STATEMENT_TIMEOUT_MS": "OUTREACH_DB_STATEMENT_TIMEOUT_MS",
}
#: Keys whose environment value is a whole number.
INT_KEYS = {
    "OUTREACH_TRUSTED_PROXIES",
    "OUTREACH_EXPORT_JOB_THRESHOLD",
    "OUTREACH_EXPORT_RETENTION_DAYS",
    "OUTREACH_EXPORT_QUEUED_TIMEOUT_S",
    "OUTREACH_DB_POOL_SIZE",
    "OUTREACH_DB_MAX_OVERFLOW",
    "OUTREACH_DB_POOL_TIMEOUT_S",
    "OUTREACH_DB_POOL_RECYCLE_S",
    "OUTREACH_DB_STATEMENT_TIMEOUT_MS",
}

#: Keys whose environment value is a yes/no flag ("1", "true", "yes" mean yes).
BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE", "OUTREACH_ALLOW_SELF_VERIFY"}


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """The config keys set by ``OUTREACH_*`` environment variables."""
    found: dict[str, Any] = {}
    for env_name, key in ENV_KEYS.items():
        value = environ.get(env_name)
        if not value:
            continue
        if key in BOOLEAN_KEYS:
            found[key] = value.lower() in ("1", "true", "yes")
        elif key == "OUTREACH_RETENTION_MONTHS":
            found[key] = _positive_int(env_name, value)
        elif key in INT_KEYS:
            if not ascii_digits(value.strip()):
                raise RuntimeError(f"{env_name} must be a whole number, not {value!r}.")
            found[key] = int(value)
        else:
            found[key] = value
    return found


def _positive_int(name: str, value: str) -> int:
    """A whole number of at least 1, or a clear start-up error naming the variable."""
    if not ascii_digits(value.strip()) or int(value) < 1:
        raise RuntimeError(f"{name} must be a whole number of months (1 or more), not {value!r}.")
    return int(value)


#: QueuePool's own arguments: given only when the pool is a QueuePool (the default for a server database)
QUEUE_POOL_ARGS = ("pool_size", "max_overflow", "pool_timeout")


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """``SQLALCHEMY_ENGINE_OPTIONS`` for the configured database: the ``OUTREACH_DB_*`` settings as SQLAlchemy's
    arguments, under the keys set in ``SQLALCHEMY_ENGINE_OPTIONS`` itself (instance/config.py, overrides).

    SQLite keeps exactly what is set (Flask-SQLAlchemy and ``extensions.configure_sqlite`` handle it). A server
    database gets the pool's size, overflow, timeout and recycle (the size arguments only for a QueuePool: a
    ``poolclass`` set explicitly, e.g. the tests' NullPool, takes none); PostgreSQL also gets ``pool_pre_ping``
    (a connection that died with a restart or a failover is replaced, not handed to a request) and, when
    ``OUTREACH_DB_STATEMENT_TIMEOUT_MS`` is above 0, ``-c statement_timeout=…`` in the connection's startup
    ``options``, added to any ``options`` of the URL (docs/DECISIONS.md)."""
    explicit = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return explicit
    size = int(config["OUTREACH_DB_POOL_SIZE"])
    if size < 1:
        raise RuntimeError(f"OUTREACH_DB_POOL_SIZE must be 1 or more, not {size}.")
    derived: dict[str, Any] = {
        "pool_size": size,
        "max_overflow": int(config["OUTREACH_DB_MAX_OVERFLOW"]),
        "pool_timeout": int(config["OUTREACH_DB_POOL_TIMEOUT_S"]),
    }
    poolclass = explicit.get("poolclass")
    if poolclass is not None and not issubclass(poolclass, QueuePool):
        derived = {}
    if recycle := int(config["OUTREACH_DB_POOL_RECYCLE_S"]):
        derived["pool_recycle"] = recycle
    if url.get_backend_name() == "postgresql":
        derived["pool_pre_ping"] = True
        if timeout := int(config["OUTREACH_DB_STATEMENT_TIMEOUT_MS"]):
            in_url = url.query.get("options")
            options = [in_url] if isinstance(in_url, str) and in_url else []
            derived["connect_args"] = {"options": " ".join([*options, f"-c statement_timeout={timeout}"])}
    if "connect_args" in derived and "connect_args" in explicit:
        explicit["connect_args"] = derived["connect_args"] | explicit["connect_args"]
    return derived | explicit
