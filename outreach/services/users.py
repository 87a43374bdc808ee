"""Accounts: creation, passwords, deactivation, authentication with throttling."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.extensions import db
from outreach.models import ApiToken, LoginAttempt, LoginLock, Role, Unit, User, utcnow
from outreach.services import audit, tokens
from outreach.services.errors import Invalid
from outreach.services.schema.base import has_control

MIN_PASSWORD = 10
MAX_PASSWORD = 128
#: A username shorter than this is not looked for inside a password (it would refuse too much by chance).
MIN_USERNAME_IN_PASSWORD = 3


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash checked when the username is unknown, so both cases cost the same time."""
    return generate_password_hash("not-a-real-password-0000", method=method)


def hash_password(password: str) -> str:
    """Werkzeug's scrypt by default; ``OUTREACH_PASSWORD_METHOD`` may name another (tests use a cheap one)."""
    return generate_password_hash(
        password, method=current_app.config.get("OUTREACH_PASSWORD_METHOD", "scrypt")
    )


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of leaked sets, as the zxcvbn package ships them (casefolded)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def _is_trivial(password: str) -> bool:
    """One or two characters repeated ("aaaaaaaaaa", "abababab…"), or one straight run ("abcdefghij")."""
    text = password.casefold()
    if len(set(text)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` breaks the policy (NIST SP 800-63B 5.1.1.2), or None when it is acceptable.

    At least MIN_PASSWORD characters (any characters, spaces included); not the username nor containing it;
    not a common or leaked password; not a repetition or a straight run. No composition rules, as NIST asks.
    """
    if len(password) < MIN_PASSWORD:
        return str(_("Use at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        return str(_("Use at most %(n)d characters.", n=MAX_PASSWORD))
    if has_control(password):  # the login form refuses them: such a password could never be used
        return str(_("Remove the control characters from this field."))
    folded = password.casefold()
    name = username.strip().casefold()
    if name and (folded == name or (len(name) >= MIN_USERNAME_IN_PASSWORD and name in folded)):
        return str(_("The password must not contain the username."))
    if folded in common_passwords() or folded.strip() in common_passwords():
        return str(_("This password is on the list of common or leaked passwords. Choose another."))
    if _is_trivial(password):
        return str(_("Avoid repeated or sequential characters."))
    return None


def validate_password(password: str, field: str = "password", *, username: str = "") -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise Invalid({field: problem})


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
    if has_control(username):
        raise Invalid({"username": _("Remove the control characters from this field.")})
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid({"username": _("That username is taken.")})
    validate_password(password, username=username)
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


def set_password(
    user: User, password: str, *, actor: User | None = None, reset: bool = False
) -> list[ApiToken]:
    """Store a new password and end every existing session of the user.

    ``reset`` (someone else sets it: an admin page, the CLI) also revokes the user's live API tokens, which
    whoever knew the old password may have made; the revoked tokens are returned so the caller can list them.
    """
    validate_password(password, username=user.username)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    user.must_change_password = False
    audit.record(
        actor or user, "set_password", "user", user.id, unit_id=user.unit_id, changes={"reset": reset}
    )
    return tokens.revoke_user_tokens(user, actor=actor, reason="password reset") if reset else []


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise Invalid({"current_password": _("The current password is wrong.")})
    if check_password_hash(user.password_hash, new):
        raise Invalid({"new_password": _("Choose a password different from the current one.")})
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


# --------------------------------------------------------------------------- login throttling


@dataclass(frozen=True)
class LoginLimits:
    """The throttle's settings (OUTREACH_LOGIN_*)."""

    per_account_address: int = 5
    per_address: int = 50
    backoff_after: int = 10
    backoff_max: timedelta = timedelta(seconds=60)
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginLimits:
        return cls(
            per_account_address=int(config["OUTREACH_LOGIN_MAX_FAILURES"]),
            per_address=int(config["OUTREACH_LOGIN_MAX_FAILURES_PER_ADDRESS"]),
            backoff_after=int(config["OUTREACH_LOGIN_BACKOFF_AFTER"]),
            backoff_max=config["OUTREACH_LOGIN_BACKOFF_MAX"],
            window=config["OUTREACH_LOGIN_WINDOW"],
        )

    def backoff(self, failures: int) -> timedelta:
        """The wait after ``failures`` failures of one account: 1 s at the threshold, doubling to the cap."""
        exponent = min(failures - self.backoff_after, 30)
        return min(timedelta(seconds=2**exponent), self.backoff_max)


ADDRESS, ACCOUNT_ADDRESS, ACCOUNT = "address", "account_address", "account"


def _lock_details(lock: LoginLock, **extra: Any) -> dict[str, Any]:
    return {"scope": lock.scope, "address": lock.ip, "until": lock.until, **extra}


def expire_locks(now: datetime | None = None) -> int:
    """Drop the locks whose time is over, each with a ``login_unlocked`` audit entry; how many there were."""
    now = now or utcnow()
    expired = list(db.session.scalars(select(LoginLock).where(LoginLock.until <= now).order_by(LoginLock.id)))
    for lock in expired:
        _unlock(lock, actor=None, reason="expired")
    return len(expired)


def _unlock(lock: LoginLock, *, actor: User | None, reason: str) -> None:
    # A statement, not session.delete(): a parallel attempt in another worker may have lifted the same lock,
    # and then only the one that deleted the row records the unlock.
    if db.session.execute(delete(LoginLock).where(LoginLock.id == lock.id)).rowcount != 1:  # type: ignore[attr-defined]
        return
    user_id = (
        db.session.scalar(select(User.id).where(User.username == lock.username)) if lock.username else None
    )
    audit.record(
        actor,
        "login_unlocked",
        "user",
        user_id,
        username=lock.username,
        changes=_lock_details(lock, reason=reason),
    )


def unlock(username: str = "", ip: str = "", *, actor: User | None = None) -> list[LoginLock]:
    """Lift every lock in force on ``username`` (all its scopes) and/or on the address ``ip`` (an operator's
    decision, audited); the failures behind them are forgotten too so the locks do not come back at once."""
    username = username.strip().lower()
    conditions = []
    if username:
        conditions.append(LoginLock.username == username)
    if ip:
        conditions.append(LoginLock.ip == ip)
    if not conditions:
        raise Invalid({"username": _("Name an account or an address.")})
    locks = list(db.session.scalars(select(LoginLock).where(or_(*conditions)).order_by(LoginLock.id)))
    for lock in locks:
        _unlock(lock, actor=actor, reason="operator")
    attempts = []
    if username:
        attempts.append(LoginAttempt.username == username)
    if ip:
        attempts.append(LoginAttempt.ip == ip)
    db.session.execute(delete(LoginAttempt).where(or_(*attempts)))
    db.session.flush()
    return locks


def _active_locks(username: str, ip: str, *, trusted_device: bool, now: datetime) -> list[LoginLock]:
    keys = [
        and_(LoginLock.scope == ADDRESS, LoginLock.ip == ip),
        and_(LoginLock.scope == ACCOUNT_ADDRESS, LoginLock.username == username, LoginLock.ip == ip),
    ]
    if not trusted_device:
        keys.append(and_(LoginLock.scope == ACCOUNT, LoginLock.username == username))
    return list(db.session.scalars(select(LoginLock).where(or_(*keys), LoginLock.until > now)))


def _lock(scope: str, username: str, ip: str, until: datetime, *, user: User | None, failures: int) -> None:
    """Start a lock (audited ``login_locked``) or push back the end of the one in force."""
    found = db.session.scalar(
        select(LoginLock).where(LoginLock.scope == scope, LoginLock.username == username, LoginLock.ip == ip)
    )
    if found is not None:
        found.until = max(found.until, until)
        return
    lock = LoginLock(scope=scope, username=username, ip=ip, until=until)
    db.session.add(lock)
    audit.record(
        None,
        "login_locked",
        "user",
        user.id if user is not None and username else None,
        unit_id=user.unit_id if user is not None and username else None,
        username=username,
        changes=_lock_details(lock, failures=failures),
    )


def _count_failures(username: str, ip: str, since: datetime) -> tuple[int, int, int]:
    """Failures since ``since``: from this address, of this account from this address, of this account."""
    same_ip = LoginAttempt.ip == ip
    same_user = LoginAttempt.username == username
    row = db.session.execute(
        select(
            func.count().filter(same_ip),
            func.count().filter(same_ip, same_user),
            func.count().filter(same_user),
        ).where(LoginAttempt.at >= since, or_(same_ip, same_user))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def _record_failure(username: str, ip: str, user: User | None, limits: LoginLimits, now: datetime) -> None:
    # Failures older than the window count for nothing: drop them, so a flood cannot grow the table forever.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - limits.window))
    db.session.add(LoginAttempt(username=username, ip=ip, at=now))
    db.session.flush()
    by_ip, by_pair, by_user = _count_failures(username, ip, now - limits.window)
    if by_pair >= limits.per_account_address:
        _lock(ACCOUNT_ADDRESS, username, ip, now + limits.window, user=user, failures=by_pair)
    if by_ip >= limits.per_address:
        _lock(ADDRESS, "", ip, now + limits.window, user=None, failures=by_ip)
    if by_user >= limits.backoff_after:
        _lock(ACCOUNT, username, "", now + limits.backoff(by_user), user=user, failures=by_user)


def authenticate(
    username: str,
    password: str,
    ip: str,
    *,
    limits: LoginLimits | None = None,
    trusted_device: bool = False,
) -> User | None:
    """The user when the credentials are right and no lock applies; records failures. Same cost either way.

    Failures lock the address (``per_address``, whatever the accounts) and the account from that address
    (``per_account_address``), so a stranger cannot lock an owner out from elsewhere. Past ``backoff_after``
    failures of one account from all addresses, each attempt waits a doubling delay (capped): guessing
    from many addresses slows down, while the owner's browser with a trusted-device cookie (set at its last
    successful login) skips that delay. Every lock and unlock is in the audit trail.
    """
    limits = limits or LoginLimits.from_config(current_app.config)
    username = username.strip().lower()[:60]
    ip = ip[:64]
    now = utcnow()
    dummy = _dummy_hash(current_app.config["OUTREACH_PASSWORD_METHOD"])
    expire_locks(now)
    locks = _active_locks(username, ip, trusted_device=trusted_device, now=now)
    if locks:
        check_password_hash(dummy, password)
        audit.record(
            None,
            "login_throttled",
            "user",
            None,
            username=username,
            changes={"scopes": sorted({lock.scope for lock in locks}), "address": ip},
        )
        return None
    user: User | None = db.session.scalar(select(User).where(User.username == username))
    ok = check_password_hash(user.password_hash if user else dummy, password)
    if user is None or not ok or not user.is_active:
        audit.record(None, "login_failed", "user", user.id if user else None, username=username)
        _record_failure(username, ip, user, limits, now)
        return None
    user.last_login_at = now
    # The owner's own failures from this address are forgiven; other addresses' failures still count.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.ip == ip))
    if not user.must_change_password and password_problem(password, user.username) is not None:
        # NIST SP 800-63B: a password that no longer meets the policy is changed at the next login.
        user.must_change_password = True
        audit.record(user, "password_weak", "user", user.id, unit_id=user.unit_id)
    audit.record(user, "login", "user", user.id, unit_id=user.unit_id)
    return user
