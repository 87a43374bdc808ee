"""The recap outbox (issue 17): scheduled recaps created once per subscription and period, sent, logged, retried.

:func:`deliver_due` is the whole job: the queue's periodic task (and ``flask --app outreach recaps send-due``
from an operator's cron) calls it every few minutes, inside an app context. It

1. creates the delivery of each active subscription's latest due period — one ``INSERT … ON CONFLICT DO
   NOTHING`` against the unique ``(subscription_id, schedule_key)``, so two workers racing create it once;
2. claims each delivery that may be attempted (pending, or failed with attempts left and its retry time
   reached) with a conditional ``UPDATE`` that also sets a lease: only the worker whose update matched sends
   it, and a worker killed mid-send leaves a delivery that is retried when the lease ends;
3. builds the text (once: a retry sends the text of the first attempt), sends it through Apprise with no
   database transaction open, and records ``sent`` or ``failed`` with the error, retrying failures with
   a doubling delay up to ``OUTREACH_RECAP_MAX_ATTEMPTS`` attempts.

Unlike the other services this one commits (each step in its own short transaction, the network call outside
any): it is the edge of a background job, and an SQLite write lock must never wait on an SMTP server.
A subscription whose channel is disabled, or whose user lost the role or the account, gets no deliveries;
with no channel configured nothing is created and nothing leaves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from outreach.extensions import db, writing
from outreach.models import (
    DeliveryStatus,
    NotificationChannel,
    RecapDelivery,
    RecapSubscription,
    User,
    utcnow,
)
from outreach.services import audit, channels, downloads
from outreach.services.errors import DomainError, Invalid
from outreach.services.recap_subscriptions import SUBSCRIBERS, Slot, subscription_slot

#: how long an attempt may take before another worker may try the delivery again
LEASE = timedelta(minutes=10)
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_MINUTES = 10
#: deliveries attempted per call at most (the next call takes the rest)
BATCH = 200


def _max_attempts() -> int:
    return int(current_app.config.get("OUTREACH_RECAP_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def _retry_delay(attempts: int) -> timedelta:
    base = float(current_app.config.get("OUTREACH_RECAP_RETRY_MINUTES", DEFAULT_RETRY_MINUTES))
    return timedelta(minutes=base * 2 ** max(attempts - 1, 0))


def _live_subscriptions() -> Any:
    """Subscriptions that may receive recaps: active, not deleted, an enabled channel, a subscriber's account."""
    return (
        select(RecapSubscription)
        .join(NotificationChannel, NotificationChannel.id == RecapSubscription.channel_id)
        .join(User, User.id == RecapSubscription.user_id)
        .where(
            RecapSubscription.is_active.is_(True),
            RecapSubscription.deleted_at.is_(None),
            NotificationChannel.is_enabled.is_(True),
            User.is_active_account.is_(True),
            User.role.in_(SUBSCRIBERS),
        )
    )


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> int:
    """Insert scheduled deliveries; one that exists already (same subscription and period) is left alone."""
    if not rows:
        return 0
    table = RecapDelivery.__table__
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["subscription_id", "schedule_key"])
        .returning(table.c.id)
    )
    return len(db.session.execute(statement).all())  # the rows inserted (rowcount is -1 on psycopg here)


def schedule_due(now: datetime) -> int:
    """Create the delivery of every live subscription's latest due period (at most once); returns how many
    were new. A period that fell due before the subscription existed is not sent."""
    rows = []
    for sub in db.session.scalars(_live_subscriptions()):
        slot: Slot = subscription_slot(sub, now)
        if slot.due_at < sub.created_at:
            continue
        rows.append(
            {
                "subscription_id": sub.id,
                "period_start": slot.period_start,
                "period_end": slot.period_end,
                "schedule_key": slot.key,
                "text": "",
                "status": DeliveryStatus.PENDING,
                "attempt_count": 0,
                "error": "",
                "next_attempt_at": slot.due_at,
                "created_at": now,
                "updated_at": now,
            }
        )
    return _insert_ignoring_duplicates(rows)


def _attemptable(now: datetime) -> Any:
    return (
        RecapDelivery.status != DeliveryStatus.SENT,
        RecapDelivery.attempt_count < _max_attempts(),
        RecapDelivery.next_attempt_at.is_not(None),
        RecapDelivery.next_attempt_at <= now,
    )


def due_ids(now: datetime) -> list[int]:
    """Deliveries that may be attempted now, of live subscriptions, oldest first."""
    live = _live_subscriptions().with_only_columns(RecapSubscription.id)
    query = (
        select(RecapDelivery.id)
        .where(*_attemptable(now), RecapDelivery.subscription_id.in_(live))
        .order_by(RecapDelivery.next_attempt_at, RecapDelivery.id)
        .limit(BATCH)
    )
    return list(db.session.scalars(query))


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt (count it, lease it); False when another worker has it or it is done."""
    with writing():
        result: Any = db.session.execute(
            update(RecapDelivery)
            .where(RecapDelivery.id == delivery_id, *_attemptable(now))
            .values(
                attempt_count=RecapDelivery.attempt_count + 1,
                next_attempt_at=now + LEASE,
                last_attempt_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return int(result.rowcount or 0) == 1


def _language(user: User) -> str:
    return "en" if user.locale == "en" else "id"


def _title(sub: RecapSubscription, delivery: RecapDelivery, gettext: Any) -> str:
    period = delivery.period_start.isoformat()
    if delivery.period_end != delivery.period_start:
        period += f" – {delivery.period_end.isoformat()}"
    label = gettext("Binmas activity recap")
    return f"{label}: {sub.unit.name} ({period})"


def build_text(sub: RecapSubscription, period_start: Any, period_end: Any) -> str:
    """The recap text of ``sub``'s unit for a period, as its subscriber sees it (their scope, their language)."""
    from outreach.services import (  # the WhatsApp recap's builder and its out-of-request gettext
        recap,
        reports,
    )

    lang = _language(sub.user)
    return recap.build_recap(
        sub.user, sub.unit.code, period_start, period_end, reports.press_gettext(lang), lang
    )


def attempt(delivery_id: int, now: datetime | None = None) -> bool:
    """Claim, build, send and record one delivery; True when it was sent. Commits (see the module docstring)."""
    now = now or utcnow()
    if not _claim(delivery_id, now):
        return False
    delivery = db.session.get(RecapDelivery, delivery_id, populate_existing=True)
    assert delivery is not None
    sub = delivery.subscription
    channel = sub.channel
    error = ""
    retry = True
    text = delivery.text
    from outreach.services import reports

    gettext = reports.press_gettext(_language(sub.user))
    # (a paused subscription still sends its "Kirim sekarang"; its scheduled rows are not picked: due_ids)
    if not channel.is_enabled or sub.deleted_at is not None:
        error, retry = gettext("The channel is disabled or the subscription ended."), False
    elif not text:
        try:
            text = build_text(sub, delivery.period_start, delivery.period_end)
        except DomainError as exc:  # e.g. the subscriber was moved out of the unit's area: no retry helps
            error, retry = exc.message, False
    url, title = channel.url, _title(sub, delivery, gettext)
    db.session.commit()  # end the read transaction: no transaction stays open during the network call
    if not error:
        error = channels.send(url, title, text)
    return _record(delivery_id, now, text, error, retry=retry)


def _record(delivery_id: int, now: datetime, text: str, error: str, *, retry: bool = True) -> bool:
    with writing():
        delivery = db.session.get(RecapDelivery, delivery_id, populate_existing=True)
        assert delivery is not None
        delivery.text = text
        delivery.updated_at = now
        if not error:
            delivery.status = DeliveryStatus.SENT
            delivery.error = ""
            delivery.sent_at = now
            delivery.next_attempt_at = None
            sub = delivery.subscription
            downloads.record_download(
                sub.user,
                downloads.Download(
                    "recap",
                    "recap.txt",
                    "web" if delivery.requested_by_id else "schedule",
                    {
                        "unit": sub.unit.code,
                        "date_from": delivery.period_start.isoformat(),
                        "date_to": delivery.period_end.isoformat(),
                        "channel": sub.channel.name,
                    },
                    size_bytes=len(text.encode("utf-8")),
                ),
                entity_id=delivery.id,
                unit_id=sub.unit_id,
            )
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.error = error[: channels.MAX_ERROR]
            retry = retry and delivery.attempt_count < _max_attempts()
            delivery.next_attempt_at = now + _retry_delay(delivery.attempt_count) if retry else None
        db.session.commit()
    return not error


def deliver_due(now: datetime | None = None) -> int:
    """Create the due scheduled deliveries and attempt every delivery that may go now; returns how many were
    sent. The periodic job and ``flask --app outreach recaps send-due`` call it; needs an app context."""
    now = now or utcnow()
    with writing():
        schedule_due(now)
        db.session.commit()
    ids = due_ids(now)
    db.session.commit()
    return sum(1 for delivery_id in ids if attempt(delivery_id, now))


# --------------------------------------------------------------------------------------------- from the pages


def request_now(actor: User, sub: RecapSubscription, now: datetime | None = None) -> RecapDelivery:
    """ "Kirim sekarang": a delivery of the upcoming period's recap (as recorded so far), to attempt at once.
    Flushes; the caller commits, then calls :func:`attempt`. Audited."""
    now = now or utcnow()
    if sub.user_id != actor.id:
        raise Invalid({"subscription": _("Subscription not found.")})
    if not sub.channel.is_enabled:
        raise Invalid({"channel_id": _("The channel is disabled: ask an administrator.")})
    slot = subscription_slot(sub, now, upcoming=True)
    delivery = RecapDelivery(
        subscription_id=sub.id,
        period_start=slot.period_start,
        period_end=slot.period_end,
        schedule_key=None,
        requested_by_id=actor.id,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record(
        actor,
        "recap_send_now",
        "recap_subscription",
        sub.id,
        unit_id=sub.unit_id,
        changes={
            "delivery_id": [None, delivery.id],
            "from": [None, slot.period_start.isoformat()],
            "to": [None, slot.period_end.isoformat()],
            "channel": [None, sub.channel.name],
        },
    )
    return delivery


def cancel_waiting(sub: RecapSubscription, reason: str) -> None:
    """Mark the subscription's unsent deliveries failed for good (its subscription ended)."""
    db.session.execute(
        update(RecapDelivery)
        .where(RecapDelivery.subscription_id == sub.id, RecapDelivery.status != DeliveryStatus.SENT)
        .values(status=DeliveryStatus.FAILED, error=reason, next_attempt_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
