"""Notification channels (issue 17): the Apprise URLs through which scheduled recaps leave the network.

Only an administrator adds, changes, tests or disables a channel; commanders choose one of the enabled
channels for their subscriptions. Nothing is sent anywhere else: with no enabled channel, nothing leaves.

The URL carries credentials (an SMTP password, an ntfy topic, a token), so it is a secret:

- pages show :func:`mask_url` (scheme and host only), the edit form never fills the URL back in;
- the audit trail records the masked URL and whether it changed, never the URL;
- Apprise's own log lines can quote a URL: they are captured while a channel is used (never passed on to the
  application's log) and stored as the delivery's error only after :func:`redact` removed the URL's parts.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from outreach.extensions import db
from outreach.models import NotificationChannel, RecapSubscription, Role, User
from outreach.services import audit
from outreach.services.errors import Forbidden, Invalid, NotFound

#: longest URL accepted (Apprise URLs with several recipients stay far below)
MAX_URL = 2000
MAX_NAME = 100
#: longest error kept on a delivery
MAX_ERROR = 1000


@dataclass(frozen=True)
class ChannelInput:
    name: str
    #: the Apprise URL; empty on an edit keeps the stored one
    url: str
    is_enabled: bool = True


def mask_url(url: str) -> str:
    """What may be shown of a channel URL: its scheme and host, e.g. ``mailto://smtp.polri.local/…``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "…"
    scheme = parts.scheme or "?"
    return f"{scheme}://{host}{port}/…" if host else f"{scheme}://…"


def redact(text: str, url: str) -> str:
    """``text`` with every secret-looking part of ``url`` (userinfo, path, query values, the URL itself) replaced."""
    secrets: set[str] = {url}
    try:
        parts = urlsplit(url)
        for piece in (parts.username, parts.password, parts.path, parts.query, parts.netloc):
            if piece:
                secrets.add(piece)
                secrets.add(unquote(piece))
        secrets.update(s for s in parts.path.split("/") if s)
        for _key, value in parse_qsl(parts.query):
            secrets.add(value)
    except ValueError:
        pass
    host = ""
    with suppress(ValueError):
        host = urlsplit(url).hostname or ""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3 and secret != host:
            text = text.replace(secret, "***")
    return text


@contextmanager
def _captured_apprise_log() -> Iterator[io.StringIO]:
    """Apprise's log lines of the block, kept from the application's log (they may quote the URL)."""
    logger = logging.getLogger("apprise")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    propagate, level = logger.propagate, logger.level
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield buffer
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = propagate, level


def _apprise(url: str) -> Any:
    import apprise  # imported on use: it loads its plugins on first use (~0.3 s), not at app start

    instance = apprise.Apprise()
    return instance if instance.add(url) else None


def understood(url: str) -> bool:
    """True when Apprise knows the URL's service and its syntax (no network is used)."""
    with _captured_apprise_log():
        return _apprise(url) is not None


def send(url: str, title: str, body: str) -> str:
    """Send ``body`` through the channel ``url``: ``""`` on success, else the error (secrets removed)."""
    import apprise

    with _captured_apprise_log() as log:
        instance = _apprise(url)
        if instance is None:
            return str(_("Apprise does not understand the channel's URL."))
        try:
            ok = bool(instance.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT))
        except Exception as exc:  # noqa: BLE001 - a plugin's failure is the delivery's error, never a crash
            ok = False
            log.write(f"{type(exc).__name__}: {exc}\n")
    if ok:
        return ""
    lines = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
    message = " | ".join(dict.fromkeys(lines)) or _("The channel refused the message.")
    return redact(message, url)[:MAX_ERROR]


# --------------------------------------------------------------------------------------------- administration


def _check_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only administrators manage notification channels."))


def _validate(data: ChannelInput, *, current: NotificationChannel | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("At most %(n)s characters.", n=MAX_NAME)
    else:
        clash = select(NotificationChannel.id).where(func.lower(NotificationChannel.name) == name.lower())
        if current is not None:
            clash = clash.where(NotificationChannel.id != current.id)
        if db.session.scalar(clash) is not None:
            errors["name"] = _("A channel with this name exists already.")
    url = data.url.strip()
    if not url and current is None:
        errors["url"] = _("This field is required.")
    elif url and (
        len(url) > MAX_URL or any(ord(c) < 32 or ord(c) == 127 for c in url) or not understood(url)
    ):
        errors["url"] = _("Not a valid Apprise URL.")
    return errors


def create_channel(actor: User, data: ChannelInput) -> NotificationChannel:
    """Add a channel. Audited (its masked URL only)."""
    _check_admin(actor)
    errors = _validate(data, current=None)
    if errors:
        raise Invalid(errors)
    channel = NotificationChannel(
        name=data.name.strip(), url=data.url.strip(), is_enabled=data.is_enabled, created_by_id=actor.id
    )
    db.session.add(channel)
    db.session.flush()
    audit.record(
        actor,
        "notification_channel_add",
        "notification_channel",
        channel.id,
        changes={
            "name": [None, channel.name],
            "url": [None, mask_url(channel.url)],
            "enabled": [None, channel.is_enabled],
        },
    )
    return channel


def update_channel(actor: User, channel: NotificationChannel, data: ChannelInput) -> None:
    """Change a channel's name, URL (an empty one keeps it) and state. Audited (never the URL itself)."""
    _check_admin(actor)
    errors = _validate(data, current=channel)
    if errors:
        raise Invalid(errors)
    before = {"name": channel.name, "url": mask_url(channel.url), "enabled": channel.is_enabled}
    url_changed = bool(data.url.strip()) and data.url.strip() != channel.url
    channel.name = data.name.strip()
    if url_changed:
        channel.url = data.url.strip()
    channel.is_enabled = data.is_enabled
    after = {"name": channel.name, "url": mask_url(channel.url), "enabled": channel.is_enabled}
    changes = audit.diff(before, after)
    if url_changed:
        changes["url_changed"] = [False, True]
    if changes:
        audit.record(actor, "notification_channel_edit", "notification_channel", channel.id, changes=changes)


def set_enabled(actor: User, channel: NotificationChannel, enabled: bool) -> None:
    """Enable or disable a channel (a disabled one sends nothing, pending recaps wait). Audited."""
    _check_admin(actor)
    if channel.is_enabled == enabled:
        return
    audit.record(
        actor,
        "notification_channel_enable" if enabled else "notification_channel_disable",
        "notification_channel",
        channel.id,
        changes={"enabled": [channel.is_enabled, enabled]},
    )
    channel.is_enabled = enabled


def test_channel(actor: User, channel: NotificationChannel) -> str:
    """Send a test message through the channel: ``""`` on success, else the error. Audited."""
    _check_admin(actor)
    error = send(
        channel.url,
        _("Outreach: test message"),
        _("This is a test message from Outreach: the channel %(name)s works.", name=channel.name),
    )
    audit.record(
        actor,
        "notification_channel_test",
        "notification_channel",
        channel.id,
        changes={"ok": [None, not error]},
        comment=error,
    )
    return error


def get_channel(actor: User, channel_id: int) -> NotificationChannel:
    _check_admin(actor)
    channel = db.session.get(NotificationChannel, channel_id)
    if channel is None:
        raise NotFound(_("Notification channel not found."))
    return channel


@dataclass(frozen=True)
class ChannelRow:
    channel: NotificationChannel
    subscriptions: int


def channels_with_usage() -> list[ChannelRow]:
    """Every channel with its number of live subscriptions (one grouped statement)."""
    live = (
        select(RecapSubscription.channel_id, func.count().label("n"))
        .where(RecapSubscription.deleted_at.is_(None))
        .group_by(RecapSubscription.channel_id)
        .subquery()
    )
    rows = db.session.execute(
        select(NotificationChannel, func.coalesce(live.c.n, 0))
        .outerjoin(live, live.c.channel_id == NotificationChannel.id)
        .order_by(NotificationChannel.name)
    ).all()
    return [ChannelRow(channel, int(n)) for channel, n in rows]


def enabled_channels_query() -> Select[NotificationChannel]:
    return (
        select(NotificationChannel)
        .where(NotificationChannel.is_enabled.is_(True))
        .order_by(NotificationChannel.name)
    )
