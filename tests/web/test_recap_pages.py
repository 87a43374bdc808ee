"""Scheduled-recap pages (issue 17): the admin's channels, a commander's subscriptions, preview, "Kirim sekarang",
the delivery log, scope, and the `recaps send-due` command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry, DeliveryStatus, NotificationChannel, RecapDelivery, RecapSubscription
from tests import factories
from tests.support.recaps import SECRET_TOPIC, add_channel, ntfy_server, record_activity, smtp_sink, subscribe


def test_admin_adds_tests_and_disables_a_channel_without_showing_its_url(
    world: factories.World, login_as: Any
) -> None:
    client = login_as("admin")
    with ntfy_server() as ntfy:
        empty = client.post("/admin/channels", data={})
        assert empty.status_code == 422 and "is-invalid" in empty.get_data(as_text=True)
        bad = client.post("/admin/channels", data={"name": "x", "url": "nonsense://foo"})
        assert bad.status_code == 422 and "nonsense" not in bad.get_data(as_text=True)
        added = client.post(
            "/admin/channels", data={"name": "ntfy Polres", "url": ntfy.url(), "is_enabled": "y"}
        )
        assert added.status_code == 302
        channel = db.session.scalar(select(NotificationChannel))
        assert channel is not None and channel.url == ntfy.url()
        listing = client.get("/admin/channels").get_data(as_text=True)
        assert "ntfy Polres" in listing and f"ntfy://127.0.0.1:{ntfy.port}/…" in listing
        assert SECRET_TOPIC not in listing
        edit = client.get(f"/admin/channels/{channel.id}/edit").get_data(as_text=True)
        assert SECRET_TOPIC not in edit
        # saving without a URL keeps the stored one
        kept = client.post(f"/admin/channels/{channel.id}/edit", data={"name": "ntfy", "is_enabled": "y"})
        assert kept.status_code == 302
        assert db.session.get(NotificationChannel, channel.id, populate_existing=True).url == ntfy.url()
        tested = client.post(f"/admin/channels/{channel.id}/test", follow_redirects=True)
        assert len(ntfy.received) == 1
        assert "Pesan uji" in tested.get_data(as_text=True) or "test message" in tested.get_data(as_text=True)
        ntfy.status = 500
        failed = client.post(f"/admin/channels/{channel.id}/test", follow_redirects=True).get_data(
            as_text=True
        )
        assert "500" in failed and SECRET_TOPIC not in failed
        assert client.post(f"/admin/channels/{channel.id}/toggle").status_code == 302
        assert db.session.get(NotificationChannel, channel.id, populate_existing=True).is_enabled is False
    for entry in db.session.scalars(select(AuditEntry)):
        assert SECRET_TOPIC not in str(entry.changes) and SECRET_TOPIC not in entry.comment
    # only admins
    client.post("/logout")
    assert login_as("commander.a1").get("/admin/channels").status_code == 403


def test_commander_subscribes_previews_sends_now_and_reads_the_log(
    world: factories.World, login_as: Any
) -> None:
    record_activity(world)
    client = login_as("commander.a1")
    # no channel yet: the page says nothing is sent
    assert 'data-testid="no-channel"' in client.get("/reports/recaps").get_data(as_text=True)
    with smtp_sink() as sink:
        channel = add_channel(world, sink.url())
        form = client.get("/reports/recaps/new").get_data(as_text=True)
        assert "Surel Polres" in form and "POLSEK-A1X" in form
        # per-field errors; a sibling Polres is outside the area
        bad = client.post(
            "/reports/recaps/new",
            data={"unit": "POLRES-A2", "channel_id": "", "frequency": "weekly", "weekday": "", "hour": "99"},
        )
        page = bad.get_data(as_text=True)
        assert bad.status_code == 422 and page.count("is-invalid") >= 4
        assert db.session.scalar(select(RecapSubscription)) is None
        ok = client.post(
            "/reports/recaps/new",
            data={"unit": "POLSEK-A1X", "channel_id": str(channel.id), "frequency": "daily", "hour": "0",
                  "is_active": "y"},
        )  # fmt: skip
        assert ok.status_code == 302
        sub = db.session.scalar(select(RecapSubscription))
        assert sub is not None and sub.hour == 0 and sub.weekday is None
        listing = client.get("/reports/recaps").get_data(as_text=True)
        assert 'data-testid="recap-subscriptions"' in listing and world.u("POLSEK-A1X").name in listing
        # edit: weekly on Monday at 07
        edited = client.post(
            f"/reports/recaps/{sub.id}/edit",
            data={"unit": "POLSEK-A1X", "channel_id": str(channel.id), "frequency": "weekly", "weekday": "0",
                  "hour": "7", "is_active": "y"},
        )  # fmt: skip
        assert edited.status_code == 302
        sub = db.session.get(RecapSubscription, sub.id, populate_existing=True)
        assert sub is not None and (sub.weekday, sub.hour) == (0, 7)
        preview = client.get(f"/reports/recaps/{sub.id}/preview")
        assert preview.status_code == 200 and 'data-testid="recap-preview"' in preview.get_data(as_text=True)
        sent = client.post(f"/reports/recaps/{sub.id}/send", follow_redirects=True)
        assert sent.status_code == 200 and len(sink.messages) == 1
        log = sent.get_data(as_text=True)
        assert 'data-testid="recap-log"' in log and 'data-status="sent"' in log
    delivery = db.session.scalar(select(RecapDelivery))
    assert delivery is not None and delivery.status is DeliveryStatus.SENT
    assert delivery.requested_by_id == world.users["commander.a1"].id and delivery.schedule_key is None
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"recap_subscription_add", "recap_subscription_edit", "recap_send_now"} <= actions
    # another commander finds none of it
    client.post("/logout")
    other = login_as("commander.b1")
    assert other.get(f"/reports/recaps/{sub.id}/edit").status_code == 404
    assert other.get(f"/reports/recaps/{sub.id}/preview").status_code == 404
    assert other.post(f"/reports/recaps/{sub.id}/send").status_code == 404
    assert other.post(f"/reports/recaps/{sub.id}/delete").status_code == 404
    assert "recap-log" not in other.get("/reports/recaps").get_data(as_text=True)
    other.post("/logout")
    # the owner deletes it; the log stays
    owner = login_as("commander.a1")
    assert owner.post(f"/reports/recaps/{sub.id}/delete").status_code == 302
    page = owner.get("/reports/recaps").get_data(as_text=True)
    assert 'data-testid="recap-subscriptions"' not in page and 'data-testid="recap-log"' in page
    owner.post("/logout")
    # staff and humas have no subscriptions
    assert login_as("staff.a1x").get("/reports/recaps").status_code == 403


def test_send_due_command_delivers_the_scheduled_recap(world: factories.World, runner: Any) -> None:
    record_activity(world)
    with smtp_sink() as sink:
        subscribe(world, add_channel(world, sink.url()))
        result = runner.invoke(args=["recaps", "send-due", "--now", "2024-01-04T07:05+07:00"])
        assert result.exit_code == 0, result.output
        assert "Recaps sent: 1." in result.output and len(sink.messages) == 1
        again = runner.invoke(args=["recaps", "send-due", "--now", "2024-01-04T07:10+07:00"])
        assert "Recaps sent: 0." in again.output and len(sink.messages) == 1
    assert runner.invoke(args=["recaps", "send-due", "--now", "2024-01-04T07:05"]).exit_code == 1
