"""API bearer tokens: only a SHA-256 of each token is stored; a token acts with its user's role and unit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ApiToken, User, utcnow
from outreach.services import audit
from outreach.services.errors import Invalid, NotFound

TOKEN_PREFIX = "otk_"  # noqa: S105 - a marker, not a secret
PREFIX_LENGTH = 12
#: ``last_used_at`` is refreshed at most this often (a write per request would contend on SQLite).
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "", *, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the raw token (shown once, never stored)."""
    name = name.strip()
    if len(name) > 80:
        raise Invalid({"name": _("At most %(n)d characters.", n=80)})
    if not user.is_active:
        raise Invalid({"username": _("This account is deactivated.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH], name=name)
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "api_token",
        token.id,
        unit_id=user.unit_id,
        changes={"user": user.username, "prefix": token.prefix},
    )
    return token, raw


def verify_token(raw: str) -> ApiToken | None:
    """The live token for ``raw``; None when unknown, revoked, or its user is deactivated."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def needs_touch(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL


def touch(token: ApiToken) -> None:
    token.last_used_at = utcnow()
    db.session.flush()


def find_tokens(token_or_prefix: str) -> list[ApiToken]:
    """Tokens matching a whole raw token or the start of one (at least 8 characters, as listings show it)."""
    value = token_or_prefix.strip()
    if len(value) > PREFIX_LENGTH:
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(value)))
        return [token] if token is not None else []
    if len(value) < 8:
        return []
    query = select(ApiToken).where(ApiToken.prefix.startswith(value, autoescape=True))
    return list(db.session.scalars(query.order_by(ApiToken.id)))


def revoke_token(token_or_prefix: str, *, actor: User | None = None) -> ApiToken:
    """Revoke the one token that matches; an unknown or ambiguous prefix is refused."""
    matches = [t for t in find_tokens(token_or_prefix) if t.revoked_at is None]
    if not matches:
        raise NotFound(_("No live token matches."))
    if len(matches) > 1:
        raise Invalid({"token": _("Several tokens match; give more characters.")})
    token = matches[0]
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "revoke", "api_token", token.id, unit_id=token.user.unit_id, changes={"prefix": token.prefix}
    )
    return token


def revoke_user_tokens(user: User, *, actor: User | None, reason: str) -> list[ApiToken]:
    """Revoke every live token of ``user`` (each audited); the revoked tokens, oldest first."""
    live = list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at, ApiToken.id)
        )
    )
    now = utcnow()
    for token in live:
        token.revoked_at = now
        audit.record(
            actor,
            "revoke",
            "api_token",
            token.id,
            unit_id=user.unit_id,
            changes={"prefix": token.prefix, "name": token.name},
            comment=reason,
        )
    db.session.flush()
    return live


def list_tokens(user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))
