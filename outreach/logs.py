"""Request ids and structured logs.

Every request gets an id: the ``X-Request-ID`` a trusted reverse proxy sent (only when
``OUTREACH_TRUSTED_PROXIES`` > 0, and only when it looks like an id), a new UUID otherwise. The id is returned
in the ``X-Request-ID`` response header, written into every audit entry of the request, shown on the error
page as the incident code ("kode kejadian") and carried by every log line written while the request runs.

``OUTREACH_LOG_FORMAT=json`` makes each log line one JSON object (time, level, logger, message, request id,
user id, endpoint, and for the one access line per request: method, path, status and duration). Plain text
stays the default; then the access line is left to gunicorn's access log, as before.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, current_app, g, has_request_context, request

#: What a proxy's id may look like: it ends up in a 36-character audit column and in log lines.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,35}")
access_log = logging.getLogger("outreach.access")


def request_id_from(headers: Any, trusted_proxies: int) -> str:
    """The proxy's ``X-Request-ID`` when proxies are trusted and the value is a plausible id, else a new one."""
    if trusted_proxies > 0:
        incoming = (headers.get("X-Request-ID") or "").strip()
        if _REQUEST_ID.fullmatch(incoming):
            return incoming
    return str(uuid.uuid4())


def _trusted_proxies(app: Flask) -> int:
    try:
        return max(0, int(app.config.get("OUTREACH_TRUSTED_PROXIES", 0) or 0))
    except (TypeError, ValueError):
        return 0


def current_user_id() -> int | None:
    """The id of the user already loaded for this request (never triggers a database lookup)."""
    if not has_request_context():
        return None
    api_user = g.get("api_user")
    if api_user is not None:
        return int(api_user.id)
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return int(user.id)
    return None


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``endpoint`` to every record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id") or ""
            record.user_id = current_user_id()
            record.endpoint = request.endpoint or ""
        else:
            record.request_id = getattr(record, "request_id", "")
            record.user_id = getattr(record, "user_id", None)
            record.endpoint = getattr(record, "endpoint", "")
        return True


_ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "user_id": getattr(record, "user_id", None),
            "endpoint": getattr(record, "endpoint", "") or None,
        }
        for name in _ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a process manager's pipe, or a test's capture)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_HANDLER_MARK = "_outreach_json_handler"


def configure(app: Flask) -> None:
    """Install the JSON handler on the root logger when ``OUTREACH_LOG_FORMAT=json`` (idempotent)."""
    if str(app.config.get("OUTREACH_LOG_FORMAT", "text")).lower() != "json":
        return
    from flask.logging import default_handler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    # Our INFO lines (the access line) pass; libraries keep the root's level (WARNING unless configured).
    app_logger = logging.getLogger("outreach")
    if app_logger.level == logging.NOTSET or app_logger.level > logging.INFO:
        app_logger.setLevel(logging.INFO)
    # Flask's own plain-text handler would write each app-logger line a second time.
    app.logger.removeHandler(default_handler)


def uninstall() -> None:
    """Remove the JSON handler (tests that switched it on)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)


def register(app: Flask) -> None:
    """Request id and timing first thing in a request; the id header and the access line last."""
    configure(app)
    json_lines = str(app.config.get("OUTREACH_LOG_FORMAT", "text")).lower() == "json"

    @app.before_request
    def _request_id() -> None:
        g.request_started = time.perf_counter()
        g.request_id = request_id_from(request.headers, _trusted_proxies(current_app))

    @app.after_request
    def _access_line(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id") or ""
        if json_lines:
            started = g.get("request_started")
            duration = round((time.perf_counter() - started) * 1000, 1) if started else None
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration,
                },
            )
        return response
