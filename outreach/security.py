"""Authentication plumbing, role checks, the safe-``next`` rule and the security headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, logout_user

from outreach.errors import json_error
from outreach.extensions import db, write_intent
from outreach.models import Role, User
from outreach.numerals import ascii_digits
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
    if not ascii_digits(user_id) or not ascii_digits(epoch):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None
    return user


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow only logged-in users with one of ``roles`` (admin always passes); others get 403.

    Admin-only views say so with :func:`admin_required` rather than an empty ``roles``."""

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


def admin_required(view: F) -> F:
    """Allow only logged-in administrators; others get 403 (the reference data and user pages)."""
    return role_required()(view)


def is_safe_next(target: str | None) -> bool:
    """Only a same-site relative path is accepted as a post-login redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


#: ``reports_control_characters(ALL_FORM_FIELDS)``: every posted field goes through a form or input schema
#: that refuses control characters as a field error itself (query-string parameters are still guarded).
ALL_FORM_FIELDS = "*"


def reports_control_characters(*fields: str) -> Callable[[F], F]:
    """Mark a view whose form reports NUL in ``fields`` as a field error itself: the app-wide NUL guard
    (``_refuse_nul``) leaves those fields to it and still checks every other parameter."""

    def decorator(view: F) -> F:
        view.reports_control_characters = frozenset(fields)  # type: ignore[attr-defined]
        return view

    return decorator


def _refuse_nul() -> Any:
    """A NUL in any query-string or form parameter (name or value) is refused here, once for the whole app:
    400 with a page naming the parameter, or 422 in the API's envelope — never a 500 from PostgreSQL, which
    cannot store NUL (SQLite would store it silently)."""
    view = current_app.view_functions.get(request.endpoint or "")
    left_to_view: frozenset[str] = getattr(view, "reports_control_characters", frozenset())
    api = request.path.startswith("/api/")
    sources = [request.args] if api else [request.args, request.form]
    for source in sources:
        whole_form = source is request.form and ALL_FORM_FIELDS in left_to_view
        for name, value in source.items(multi=True):
            if (whole_form or name in left_to_view) and "\x00" not in name:
                continue
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "\\0")[:60]
                message = _("The parameter %(name)s contains a NUL character.", name=shown)
                if api:
                    return json_error(422, "invalid", message, {shown: message})
                return render_template("errors/error.html", code=400, message=message), 400
    return None


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

    @app.before_request
    def _guard_input() -> Any:
        return _refuse_nul() or _require_password_change()

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
        if not request.path.startswith(STATIC_PREFIXES):
            # Every page, API answer and download (token-authenticated too): no shared or browser cache keeps
            # a copy. Only the versioned static files may be cached.
            headers["Cache-Control"] = "no-store"
        return response


#: Endpoints a user who must change the password may still open (the change page itself, logging out).
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.password", "auth.logout", "auth.language", "static"})
STATIC_PREFIXES = ("/static/", "/bootstrap/")


def _require_password_change() -> Any:
    """A session whose user must change the password (set by an admin, or a weak one typed at login) is sent
    to the change page until it is done. API tokens are not sessions: they carry on."""
    if request.path.startswith(("/api/", *STATIC_PREFIXES)) or request.endpoint in PASSWORD_CHANGE_ENDPOINTS:
        return None
    if "_user_id" not in session or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None


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
