"""Recap subscriptions (issue 17): a commander (or an admin) asks for the WhatsApp-ready recap of their unit or a
unit below it, daily or weekly, at an hour of Western Indonesian time, through a channel an admin configured.

The schedule (all times in Asia/Jakarta, which has no daylight saving):

- **daily** at hour *H*: due every day at *H*:00 and covering the day before;
- **weekly** on weekday *W* at hour *H*: due every *W* at *H*:00 and covering the seven days before
  (*W* − 7 … *W* − 1), the longest period the recap builder accepts.

A recap is built only from complete days, so an activity recorded late on the day still counts. The outbox
(services.recap_delivery) creates the delivery of the latest due period only: a worker that was down for three
days sends the latest recap, not three old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, select

from outreach.extensions import db
from outreach.models import (
    NotificationChannel,
    RecapDelivery,
    RecapFrequency,
    RecapSubscription,
    Role,
    Unit,
    User,
    utcnow,
)
from outreach.services import audit
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.scope import get_unit_in_scope, subtree_ids_query

#: the zone of the subscription's hour (the UI's zone, config BABEL_DEFAULT_TIMEZONE)
LOCAL_TZ = ZoneInfo("Asia/Jakarta")
SUBSCRIBERS = (Role.COMMANDER, Role.ADMIN)


# --------------------------------------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class Slot:
    """One due moment of a subscription and the period its recap covers."""

    due_at: datetime  # aware, UTC
    period_start: date
    period_end: date

    @property
    def key(self) -> str:
        """The delivery's ``schedule_key``: at most one scheduled delivery per subscription and key."""
        return f"{self.period_start.isoformat()}/{self.period_end.isoformat()}"


def _slot_on(day: date, frequency: RecapFrequency, hour: int) -> Slot:
    due = datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)
    days = 7 if frequency is RecapFrequency.WEEKLY else 1
    return Slot(due, day - timedelta(days=days), day - timedelta(days=1))


def latest_slot(frequency: RecapFrequency, weekday: int | None, hour: int, now: datetime) -> Slot:
    """The latest due moment at or before ``now`` (aware) and its period."""
    local = now.astimezone(LOCAL_TZ)
    day = local.date()
    step = 1
    if frequency is RecapFrequency.WEEKLY:
        day -= timedelta(days=(day.weekday() - (weekday or 0)) % 7)
        step = 7
    if datetime.combine(day, time(hour), LOCAL_TZ) > local:
        day -= timedelta(days=step)
    return _slot_on(day, frequency, hour)


def next_slot(frequency: RecapFrequency, weekday: int | None, hour: int, now: datetime) -> Slot:
    """The first due moment after ``now`` and its period (the preview's and "send now"'s period)."""
    latest = latest_slot(frequency, weekday, hour, now)
    step = 7 if frequency is RecapFrequency.WEEKLY else 1
    return _slot_on(latest.due_at.astimezone(LOCAL_TZ).date() + timedelta(days=step), frequency, hour)


def subscription_slot(subscription: RecapSubscription, now: datetime, *, upcoming: bool = False) -> Slot:
    pick = next_slot if upcoming else latest_slot
    return pick(subscription.frequency, subscription.weekday, subscription.hour, now)


# --------------------------------------------------------------------------------------------- subscriptions


@dataclass(frozen=True)
class SubscriptionInput:
    unit_code: str
    channel_id: int | None
    frequency: str
    weekday: int | None
    hour: int | None
    is_active: bool = True


def _check_role(actor: User) -> None:
    if actor.role not in SUBSCRIBERS:
        raise Forbidden(_("Only commanders and administrators can subscribe to recaps."))


def _validate(
    actor: User, data: SubscriptionInput
) -> tuple[Unit, NotificationChannel, RecapFrequency, int | None, int]:
    errors: dict[str, str] = {}
    unit = get_unit_in_scope(actor, data.unit_code.strip()) if data.unit_code.strip() else None
    if unit is None:
        errors["unit"] = _("Choose a unit in your area.")
    channel = db.session.get(NotificationChannel, data.channel_id) if data.channel_id else None
    if channel is None or not channel.is_enabled:
        errors["channel_id"] = _("Choose one of the channels set up by an administrator.")
    frequency = next((f for f in RecapFrequency if f.value == data.frequency), None)
    if frequency is None:
        errors["frequency"] = _("Choose daily or weekly.")
    weekday = data.weekday
    if frequency is RecapFrequency.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        errors["weekday"] = _("Choose the day of the week.")
    if frequency is RecapFrequency.DAILY:
        weekday = None
    if data.hour is None or not 0 <= data.hour <= 23:
        errors["hour"] = _("Choose an hour between 0 and 23.")
    if errors:
        raise Invalid(errors)
    assert unit is not None
    assert channel is not None
    assert frequency is not None
    assert data.hour is not None
    return unit, channel, frequency, weekday, data.hour


def _snapshot(sub: RecapSubscription) -> dict[str, object]:
    return {
        "unit": sub.unit.code,
        "channel": sub.channel.name,
        "frequency": sub.frequency.value,
        "weekday": sub.weekday,
        "hour": sub.hour,
        "active": sub.is_active,
    }


def _check_duplicate(
    actor: User, unit: Unit, channel: NotificationChannel, frequency: RecapFrequency, current: int | None
) -> None:
    query = select(RecapSubscription.id).where(
        RecapSubscription.user_id == actor.id,
        RecapSubscription.unit_id == unit.id,
        RecapSubscription.channel_id == channel.id,
        RecapSubscription.frequency == frequency,
        RecapSubscription.deleted_at.is_(None),
    )
    if current is not None:
        query = query.where(RecapSubscription.id != current)
    if db.session.scalar(query) is not None:
        raise Invalid({"unit": _("You already receive this recap through this channel.")})


def create_subscription(actor: User, data: SubscriptionInput) -> RecapSubscription:
    """Subscribe ``actor`` to a unit's recap (their unit or below). Audited."""
    _check_role(actor)
    unit, channel, frequency, weekday, hour = _validate(actor, data)
    _check_duplicate(actor, unit, channel, frequency, None)
    sub = RecapSubscription(
        user_id=actor.id,
        unit_id=unit.id,
        channel_id=channel.id,
        frequency=frequency,
        weekday=weekday,
        hour=hour,
        is_active=data.is_active,
        user=actor,
        unit=unit,
        channel=channel,
    )
    db.session.add(sub)
    db.session.flush()
    audit.record(
        actor,
        "recap_subscription_add",
        "recap_subscription",
        sub.id,
        unit_id=unit.id,
        changes={k: [None, v] for k, v in _snapshot(sub).items()},
    )
    return sub


def update_subscription(actor: User, sub: RecapSubscription, data: SubscriptionInput) -> None:
    """Change one of the actor's subscriptions. Audited."""
    _check_role(actor)
    unit, channel, frequency, weekday, hour = _validate(actor, data)
    _check_duplicate(actor, unit, channel, frequency, sub.id)
    before = _snapshot(sub)
    sub.unit, sub.channel, sub.frequency = unit, channel, frequency
    sub.weekday, sub.hour, sub.is_active = weekday, hour, data.is_active
    changes = audit.diff(before, _snapshot(sub))
    if changes:
        audit.record(
            actor, "recap_subscription_edit", "recap_subscription", sub.id, unit_id=unit.id, changes=changes
        )


def delete_subscription(actor: User, sub: RecapSubscription) -> None:
    """End a subscription: kept (deleted) for its delivery log; its waiting deliveries are dropped. Audited."""
    _check_role(actor)
    from outreach.services import recap_delivery  # the outbox sits on top of this module

    now = utcnow()
    sub.deleted_at = now
    sub.is_active = False
    recap_delivery.cancel_waiting(sub, _("The subscription was deleted."))
    audit.record(
        actor,
        "recap_subscription_delete",
        "recap_subscription",
        sub.id,
        unit_id=sub.unit_id,
        changes={k: [v, None] for k, v in _snapshot(sub).items()},
    )


def get_subscription(actor: User, subscription_id: int) -> RecapSubscription:
    """One of the actor's own live subscriptions (anybody else's is not found, as ids must not be probed)."""
    _check_role(actor)
    sub = db.session.get(RecapSubscription, subscription_id)
    if sub is None or sub.user_id != actor.id or sub.deleted_at is not None:
        raise NotFound(_("Subscription not found."))
    return sub


def subscriptions_query(actor: User) -> Select[RecapSubscription]:
    """The actor's live subscriptions, by unit."""
    return (
        select(RecapSubscription)
        .join(Unit, Unit.id == RecapSubscription.unit_id)
        .where(RecapSubscription.user_id == actor.id, RecapSubscription.deleted_at.is_(None))
        .order_by(Unit.path, RecapSubscription.id)
    )


def deliveries_query(actor: User) -> Select[RecapDelivery]:
    """The delivery log of the actor's subscriptions (deleted ones included), newest first."""
    return (
        select(RecapDelivery)
        .join(RecapSubscription, RecapSubscription.id == RecapDelivery.subscription_id)
        .where(RecapSubscription.user_id == actor.id)
        .order_by(RecapDelivery.created_at.desc(), RecapDelivery.id.desc())
    )


def unit_choices(actor: User) -> list[tuple[str, str, int]]:
    """(code, name, depth below the actor's unit) of the active units the actor may subscribe to."""
    rows = db.session.execute(
        select(Unit.code, Unit.name, Unit.depth)
        .where(Unit.id.in_(subtree_ids_query(actor.unit)), Unit.is_active.is_(True))
        .order_by(Unit.path)
    )
    return [(r.code, r.name, r.depth - actor.unit.depth) for r in rows]
