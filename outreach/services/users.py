"""Accounts: creation, passwords, deactivation, authentication with throttling."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.extensions import db
from outreach.models import LoginAttempt, Role, Unit, User, utcnow
from outreach.services import audit
from outreach.services.errors import Invalid

MIN_PASSWORD = 8
MAX_PASSWORD = 128


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash checked when the username is unknown, so both cases cost the same time."""
    return generate_password_hash("not-a-real-password-0000", method=method)


def hash_password(password: str) -> str:
    """Werkzeug's scrypt by default; ``OUTREACH_PASSWORD_METHOD`` may name another (tests use a cheap one)."""
    return generate_password_hash(
        password, method=current_app.config.get("OUTREACH_PASSWORD_METHOD", "scrypt")
    )


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid({field: _("Use at least %(n)d characters.", n=MIN_PASSWORD)})
    if len(password) > MAX_PASSWORD:
        raise Invalid({field: _("Use at most %(n)d characters.", n=MAX_PASSWORD)})


def create_user(
    username: str,
    password: str,
    role: Role,
    unit: Unit,
    *,
    full_name: str = "",
    actor: User | None = None,
    must_change_password: bool = False,
) -> User:
    username = username.strip().lower()
    if not username or len(username) > 60:
        raise Invalid({"username": _("Enter a username of at most 60 characters.")})
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid({"username": _("That username is taken.")})
    validate_password(password)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        full_name=full_name,
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor, "create", "user", user.id, unit_id=unit.id, changes={"role": role.value, "unit": unit.code}
    )
    return user


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    """Store a new password and end every existing session of the user."""
    validate_password(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    user.must_change_password = False
    audit.record(actor or user, "set_password", "user", user.id, unit_id=user.unit_id)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise Invalid({"current_password": _("The current password is wrong.")})
    set_password(user, new, actor=user)


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    """Deactivating also ends the user's sessions (the epoch changes)."""
    if user.is_active_account != active:
        user.is_active_account = active
        user.session_epoch += 1
        audit.record(actor, "activate" if active else "deactivate", "user", user.id, unit_id=user.unit_id)


def end_sessions(user: User, *, actor: User | None = None) -> None:
    user.session_epoch += 1
    audit.record(actor or user, "end_sessions", "user", user.id, unit_id=user.unit_id)


def is_throttled(username: str, ip: str, *, max_failures: int, window: timedelta) -> bool:
    """Too many recent failures for this account, or ten times as many from this address."""
    since = utcnow() - window
    by_user = db.session.scalar(
        select(func.count()).where(LoginAttempt.username == username.lower(), LoginAttempt.at >= since)
    )
    by_ip = db.session.scalar(select(func.count()).where(LoginAttempt.ip == ip, LoginAttempt.at >= since))
    return bool((by_user or 0) >= max_failures or (by_ip or 0) >= max_failures * 10)


def authenticate(
    username: str, password: str, ip: str, *, max_failures: int, window: timedelta
) -> User | None:
    """The user when the credentials are right and not throttled; records failures. Same cost either way."""
    username = username.strip().lower()
    dummy = _dummy_hash(current_app.config["OUTREACH_PASSWORD_METHOD"])
    if is_throttled(username, ip, max_failures=max_failures, window=window):
        check_password_hash(dummy, password)
        audit.record(None, "login_throttled", "user", None, username=username[:60])
        return None
    user: User | None = db.session.scalar(select(User).where(User.username == username))
    ok = check_password_hash(user.password_hash if user else dummy, password)
    if user is None or not ok or not user.is_active:
        db.session.add(LoginAttempt(username=username[:60], ip=ip[:64]))
        audit.record(None, "login_failed", "user", user.id if user else None, username=username[:60])
        return None
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    audit.record(user, "login", "user", user.id, unit_id=user.unit_id)
    return user
