"""Scheduled recaps (issue 17): the schedule, delivery through a configured channel, retries, exactly-once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from outreach.extensions import db
from outreach.models import AuditEntry, DeliveryStatus, RecapDelivery, RecapFrequency
from outreach.services import channels, recap_delivery, recap_subscriptions
from outreach.services.errors import Invalid, NotFound
from outreach.services.recap_subscriptions import latest_slot, next_slot
from tests import factories
from tests.support.recaps import (
    DUE,
    SECRET_TOPIC,
    add_channel,
    ntfy_server,
    record_activity,
    smtp_sink,
    subscribe,
)


def _deliveries() -> list[RecapDelivery]:
    return list(db.session.scalars(select(RecapDelivery).order_by(RecapDelivery.id)))


# --------------------------------------------------------------------------------------------- the schedule


def test_daily_slot_covers_the_day_before() -> None:
    wib_0659 = datetime(2024, 1, 4, 6, 59, tzinfo=UTC) - timedelta(hours=7)
    before = latest_slot(RecapFrequency.DAILY, None, 7, wib_0659)
    assert (before.period_start, before.period_end) == (date(2024, 1, 2), date(2024, 1, 2))
    at = latest_slot(RecapFrequency.DAILY, None, 7, DUE)
    assert at.due_at == datetime(2024, 1, 4, 0, 0, tzinfo=UTC)  # 07:00 WIB
    assert (at.period_start, at.period_end, at.key) == (
        date(2024, 1, 3),
        date(2024, 1, 3),
        "2024-01-03/2024-01-03",
    )
    upcoming = next_slot(RecapFrequency.DAILY, None, 7, DUE)
    assert upcoming.period_start == date(2024, 1, 4) and upcoming.due_at == at.due_at + timedelta(days=1)


def test_weekly_slot_covers_the_seven_days_before() -> None:
    # Monday 2024-01-08 08:00 WIB, subscription on Mondays at 07:00: the week 1–7 January
    now = datetime(2024, 1, 8, 1, 0, tzinfo=UTC)
    slot = latest_slot(RecapFrequency.WEEKLY, 0, 7, now)
    assert (slot.period_start, slot.period_end) == (date(2024, 1, 1), date(2024, 1, 7))
    # Sunday: the latest Monday was 2024-01-01
    sunday = latest_slot(RecapFrequency.WEEKLY, 0, 7, datetime(2024, 1, 7, 12, tzinfo=UTC))
    assert sunday.period_end == date(2023, 12, 31)
    assert next_slot(RecapFrequency.WEEKLY, 0, 7, now).period_start == date(2024, 1, 8)
    # late evening WIB is already the next day in Jakarta
    late = latest_slot(RecapFrequency.DAILY, None, 23, datetime(2024, 1, 4, 16, 30, tzinfo=UTC))
    assert late.period_start == date(2024, 1, 3)


# --------------------------------------------------------------------------------------------- delivery


def test_scheduled_recap_is_delivered_by_email_and_logged(world: factories.World) -> None:
    record_activity(world)
    with smtp_sink() as sink:
        channel = add_channel(world, sink.url())
        sub = subscribe(world, channel)
        assert recap_delivery.deliver_due(DUE) == 1
        assert len(sink.messages) == 1
        body = sink.bodies()[0]
        assert "REKAP KEGIATAN BINMAS" in body and world.u("POLSEK-A1X").name in body
        assert "Ponpes POLSEK-A1X" in body
        assert world.u("POLSEK-A1X").name in sink.messages[0]["Subject"]
        # again, and again later the same day: the period was delivered once
        assert recap_delivery.deliver_due(DUE) == 0
        assert recap_delivery.deliver_due(DUE + timedelta(hours=5)) == 0
        assert len(sink.messages) == 1
    [delivery] = _deliveries()
    assert delivery.subscription_id == sub.id
    assert delivery.status is DeliveryStatus.SENT and delivery.attempt_count == 1 and delivery.error == ""
    assert (delivery.period_start, delivery.period_end) == (date(2024, 1, 3), date(2024, 1, 3))
    assert delivery.text.strip() == body.strip().replace("\r\n", "\n")
    assert delivery.sent_at == DUE
    audited = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "download", AuditEntry.entity_type == "recap")
    )
    assert audited is not None and audited.changes["channel"] == "schedule"
    assert audited.actor_username == "commander.a1"


def test_failing_channel_is_failed_with_its_error_and_retried(world: factories.World, app) -> None:
    app.config["OUTREACH_RECAP_RETRY_MINUTES"] = 10
    record_activity(world)
    with ntfy_server() as ntfy:
        channel = add_channel(world, ntfy.url(), name="ntfy")
        subscribe(world, channel)
        ntfy.status = 500
        assert recap_delivery.deliver_due(DUE) == 0
        [delivery] = _deliveries()
        assert delivery.status is DeliveryStatus.FAILED and delivery.attempt_count == 1
        assert delivery.error and SECRET_TOPIC not in delivery.error  # the channel's secret stays out
        assert delivery.text  # the text is kept: a retry sends the same message
        assert delivery.next_attempt_at == DUE + timedelta(minutes=10)
        # not before its retry time
        assert recap_delivery.deliver_due(DUE + timedelta(minutes=5)) == 0
        assert db.session.get(RecapDelivery, delivery.id, populate_existing=True).attempt_count == 1
        # the channel is back: the retry sends it
        ntfy.status = 200
        assert recap_delivery.deliver_due(DUE + timedelta(minutes=11)) == 1
        assert "REKAP KEGIATAN BINMAS" in ntfy.messages()[0]
    delivery = db.session.get(RecapDelivery, delivery.id, populate_existing=True)
    assert delivery.status is DeliveryStatus.SENT and delivery.attempt_count == 2 and delivery.error == ""


def test_retries_are_bounded(world: factories.World, app) -> None:
    app.config["OUTREACH_RECAP_MAX_ATTEMPTS"] = 3
    record_activity(world)
    with ntfy_server() as ntfy:
        ntfy.status = 500
        subscribe(world, add_channel(world, ntfy.url(), name="ntfy"))
        moment = DUE
        for _ in range(6):
            recap_delivery.deliver_due(moment)
            moment += timedelta(
                days=0, hours=3
            )  # far past any retry delay, still before the next day's 07:00
        assert ntfy.received == []
    [delivery] = _deliveries()
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempt_count == 3
    assert delivery.next_attempt_at is None


def test_no_channel_configured_nothing_is_created_or_sent(world: factories.World) -> None:
    record_activity(world)
    assert recap_delivery.deliver_due(DUE) == 0
    assert _deliveries() == []
    # a channel an admin disabled sends nothing either, and its subscriptions get no deliveries
    with smtp_sink() as sink:
        channel = add_channel(world, sink.url())
        subscribe(world, channel)
        channels.set_enabled(world.users["admin"], channel, False)
        db.session.commit()
        assert recap_delivery.deliver_due(DUE) == 0
        assert sink.messages == []
    assert _deliveries() == []


def test_one_delivery_per_subscription_and_period_even_when_workers_race(world: factories.World) -> None:
    with ntfy_server() as ntfy:
        sub = subscribe(world, add_channel(world, ntfy.url(), name="ntfy"))
        # two workers create the due deliveries: one row
        assert recap_delivery.schedule_due(DUE) == 1
        assert recap_delivery.schedule_due(DUE) == 0
        db.session.commit()
        [delivery] = _deliveries()
        # two workers claim it: only the first gets it
        assert recap_delivery._claim(delivery.id, DUE) is True
        assert recap_delivery._claim(delivery.id, DUE) is False
        # the database refuses a second scheduled row for the period whatever the code does
        db.session.add(
            RecapDelivery(
                subscription_id=sub.id,
                period_start=delivery.period_start,
                period_end=delivery.period_end,
                schedule_key=delivery.schedule_key,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # a worker killed mid-send: after the lease another one retries it
        assert recap_delivery.deliver_due(DUE + recap_delivery.LEASE + timedelta(minutes=1)) == 1
        assert len(ntfy.received) == 1
    assert db.session.scalar(select(func.count()).select_from(RecapDelivery)) == 1


# --------------------------------------------------------------------------------------------- subscriptions


def test_scope_and_rules_of_subscriptions(world: factories.World) -> None:
    with ntfy_server() as ntfy:
        channel = add_channel(world, ntfy.url(), name="ntfy")
        commander = world.users["commander.a1"]

        def data(**kw: object) -> recap_subscriptions.SubscriptionInput:
            base: dict[str, object] = {
                "unit_code": "POLSEK-A1X",
                "channel_id": channel.id,
                "frequency": "weekly",
                "weekday": 0,
                "hour": 7,
            }
            return recap_subscriptions.SubscriptionInput(**{**base, **kw})  # type: ignore[arg-type]

        # a sibling unit (another Polres) is outside the commander's area
        with pytest.raises(Invalid) as sibling:
            recap_subscriptions.create_subscription(commander, data(unit_code="POLRES-A2"))
        assert set(sibling.value.fields) == {"unit"}
        with pytest.raises(Invalid) as bad:
            recap_subscriptions.create_subscription(
                commander, data(channel_id=None, frequency="weekly", weekday=None, hour=24)
            )
        assert set(bad.value.fields) == {"channel_id", "weekday", "hour"}
        sub = recap_subscriptions.create_subscription(commander, data())
        db.session.commit()
        with pytest.raises(Invalid) as twice:
            recap_subscriptions.create_subscription(commander, data(hour=9))
        assert "unit" in twice.value.fields
        # another commander cannot see or change it
        with pytest.raises(NotFound):
            recap_subscriptions.get_subscription(world.users["commander.b1"], sub.id)
        # deleting keeps the log; waiting deliveries are dropped
        recap_delivery.schedule_due(datetime(2024, 1, 8, 1, tzinfo=UTC) - timedelta(days=0))
        db.session.commit()
        recap_subscriptions.delete_subscription(commander, sub)
        db.session.commit()
        assert all(d.status is DeliveryStatus.FAILED for d in _deliveries())
        with pytest.raises(NotFound):
            recap_subscriptions.get_subscription(commander, sub.id)
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"recap_subscription_add", "recap_subscription_delete", "notification_channel_add"} <= actions


def test_channel_url_is_a_secret(world: factories.World) -> None:
    url = "mailto://binmas:S3cret-Pass@smtp.polri.test:2525?from=binmas@polri.test&to=kapolres@polri.test"
    channel = add_channel(world, url)
    assert channels.mask_url(url) == "mailto://smtp.polri.test:2525/…"
    for entry in db.session.scalars(select(AuditEntry)):
        assert "S3cret" not in str(entry.changes) and "S3cret" not in entry.comment
    assert "S3cret" not in channels.redact(f"could not log in to {url} as binmas:S3cret-Pass", url)
    with pytest.raises(Invalid) as bad:
        channels.create_channel(world.users["admin"], channels.ChannelInput(name="x", url="nonsense://foo"))
    assert set(bad.value.fields) == {"url"}
    with pytest.raises(Invalid) as dup:
        channels.create_channel(
            world.users["admin"], channels.ChannelInput(name=channel.name.upper(), url=url)
        )
    assert set(dup.value.fields) == {"name"}


def test_two_workers_at_the_same_moment_send_once(world: factories.World, app) -> None:
    import threading

    record_activity(world)
    with ntfy_server() as ntfy:
        subscribe(world, add_channel(world, ntfy.url(), name="ntfy"))
        db.session.remove()
        results: list[int] = []
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def worker() -> None:
            try:
                with app.app_context():
                    start.wait(timeout=10)
                    results.append(recap_delivery.deliver_due(DUE))
                    db.session.remove()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert sorted(results) == [0, 1]
        assert len(ntfy.received) == 1
    assert db.session.scalar(select(func.count()).select_from(RecapDelivery)) == 1
