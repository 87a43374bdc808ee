"""Bearer-token authentication, the per-token rate limit and the body-size limit of the API.

The API never reads the browser session (it is CSRF-exempt, so a cookie must not authenticate it): every
request but the public OpenAPI document carries ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from outreach.errors import json_error
from outreach.extensions import db, writing
from outreach.models import User
from outreach.services import tokens

from .payloads import MAX_ID

#: Endpoints reachable without a token.
PUBLIC_ENDPOINTS = {"api.openapi"}
#: Largest JSON body the API accepts (OUTREACH_API_MAX_BYTES overrides).
DEFAULT_MAX_BYTES = 1024 * 1024


class RateLimiter:
    """A sliding one-minute window per key, in memory (per process: each worker counts on its own)."""

    def __init__(self) -> None:
        self._hits: dict[Any, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: Any, limit: int, window: float = 60.0) -> float | None:
        """Record a request; None when allowed, else the seconds until the next one would be."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= window:
                hits.popleft()
            if len(hits) >= limit:
                return window - (now - hits[0])
            hits.append(now)
            return None


def current_api_user() -> User:
    return g.api_user  # type: ignore[no-any-return]


def _unauthorized(message: str) -> Any:
    response, status = json_error(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="outreach"'
    return response, status


def authenticate() -> Any:
    """``before_request`` of the API: size limit, token, rate limit; returns a response to refuse."""
    limit = int(current_app.config.get("OUTREACH_API_MAX_BYTES", DEFAULT_MAX_BYTES))
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return json_error(413, "too_large", _("The request body is larger than %(n)d bytes.", n=limit))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        return json_error(404, "not_found", _("Not found."))
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthorized(_("Send an API token: Authorization: Bearer TOKEN."))
    token = tokens.verify_token(raw.strip())
    if token is None:
        return _unauthorized(_("The API token is unknown, revoked, or its account is deactivated."))
    rate = int(current_app.config.get("OUTREACH_API_RATE_LIMIT", 600))
    if rate > 0:
        wait = _limiter(current_app).hit(token.id, rate)
        if wait is not None:
            response, status = json_error(
                429, "rate_limited", _("Too many requests. Wait a moment and try again.")
            )
            response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
            return response, status
    if tokens.needs_touch(token):
        _touch(token)
    g.api_user = token.user
    g.api_token_id = token.id
    return None


def _touch(token: Any) -> None:
    """Record the use in its own short write transaction; skip it when the database is busy."""
    try:
        db.session.commit()  # end the read transaction the lookup opened (nothing is pending)
        with writing():
            tokens.touch(token)
            db.session.commit()
    except OperationalError:
        db.session.rollback()


def _limiter(app: Flask) -> RateLimiter:
    return app.extensions.setdefault("outreach_api_rate_limiter", RateLimiter())  # type: ignore[no-any-return]
