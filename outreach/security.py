"""Authentication plumbing, role checks, the safe-``next`` rule and the security headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import LoginManager, current_user, logout_user

from outreach.extensions import db, write_intent
from outreach.models import Role, User
from outreach.services.audit import AuditContext, audit_context

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to open this page.")
    login_manager.login_message_category = "info"


def load_user(identity: str) -> User | None:
    """Sessions carry ``"<id>:<epoch>"``; an old epoch (logout everywhere, password change) is refused."""
    user_id, _, epoch = identity.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None
    return user


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow only logged-in users with one of ``roles`` (admin always passes); others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role is not Role.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Only a same-site relative path is accepted as a post-login redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _content_security_policy() -> str:
    img = "'self' data: blob:"
    tiles = current_app.config.get("OUTREACH_MAP_TILE_URL") or ""
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
            host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles else parts.netloc
            img += f" {parts.scheme}://{host}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def register_hooks(app: Flask) -> None:
    @app.before_request
    def _start_request() -> None:
        g.request_id = g.get("request_id") or str(uuid.uuid4())  # set by outreach.logs
        audit_context.set(AuditContext(ip=request.remote_addr or "", request_id=g.request_id))
        # SQLite: a request that may write takes the write lock at BEGIN (see extensions.write_intent).
        g._write_token = write_intent.set(request.method in UNSAFE_METHODS)
        _enforce_idle_timeout()

    @app.teardown_request
    def _end_request(_exc: BaseException | None) -> None:
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", _content_security_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response


def _enforce_idle_timeout() -> None:
    """End a browser session idle for longer than OUTREACH_IDLE_TIMEOUT (the absolute limit is the cookie's)."""
    if request.path.startswith(("/static/", "/bootstrap/")) or not current_user.is_authenticated:
        return
    if "_user_id" not in session:  # API token requests carry no browser session
        return
    now = datetime.now(UTC).timestamp()
    last = session.get("seen")
    idle = current_app.config["OUTREACH_IDLE_TIMEOUT"].total_seconds()
    if isinstance(last, int | float) and now - last > idle:
        logout_user()
        session.clear()
        return
    session["seen"] = int(now)
