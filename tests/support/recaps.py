"""Scheduled-recap test helpers (issue 17): a local SMTP sink, a local ntfy-compatible endpoint, a channel and a
subscription with an activity to report.

Both servers listen on 127.0.0.1 on a free port and live only for the test: nothing leaves the machine.
"""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from outreach.extensions import db
from outreach.models import NotificationChannel, RecapSubscription
from outreach.services import activities as svc
from outreach.services import channels, recap_subscriptions
from tests import factories

#: the activity's day; a daily recap due the next morning covers it
DAY = date(2024, 1, 3)
#: 07:05 WIB on the next day: the daily 07:00 recap of DAY is due
DUE = datetime(2024, 1, 4, 0, 5, tzinfo=UTC)
SECRET_TOPIC = "rahasia-topik-binmas"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sink:
    port: int
    messages: list[Message] = field(default_factory=list)

    def url(self, to: str = "kapolres@polri.test") -> str:
        """An Apprise URL for plain SMTP to the sink (``mailto://`` is SMTP without TLS)."""
        return f"mailto://127.0.0.1:{self.port}?from=binmas@polri.test&to={to}&mode=insecure"

    def bodies(self) -> list[str]:
        out = []
        for message in self.messages:
            part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
            payload = part.get_payload(decode=True)
            out.append(
                payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
            )
        return out


@contextmanager
def smtp_sink() -> Iterator[Sink]:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""
    from aiosmtpd.controller import Controller

    sink = Sink(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
            content = envelope.original_content or envelope.content
            sink.messages.append(email.message_from_bytes(content))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Ntfy:
    port: int
    #: HTTP status the next requests get (a test sets 500 to make the channel fail)
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)

    def url(self, topic: str = SECRET_TOPIC) -> str:
        return f"ntfy://127.0.0.1:{self.port}/{topic}"

    def messages(self) -> list[str]:
        return [str(r.get("message", "")) for r in self.received]


@contextmanager
def ntfy_server() -> Iterator[Ntfy]:
    """A tiny ntfy-compatible endpoint: accepts a POST/PUT of a message, answers ``status``."""
    state = Ntfy(free_port())

    class Handler(BaseHTTPRequestHandler):
        def _take(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"message": raw, "topic": self.path.strip("/")}
            if state.status == 200:
                state.received.append(body if isinstance(body, dict) else {"message": raw})
            reply = json.dumps({"id": "x", "event": "message"} if state.status == 200 else {"error": "boom"})
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply.encode())

        do_POST = _take  # noqa: N815 - http.server's method names
        do_PUT = _take  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the access log
            return

    server = ThreadingHTTPServer(("127.0.0.1", state.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def add_channel(world: factories.World, url: str, name: str = "Surel Polres") -> NotificationChannel:
    channel = channels.create_channel(world.users["admin"], channels.ChannelInput(name=name, url=url))
    db.session.commit()
    return channel


def subscribe(
    world: factories.World,
    channel: NotificationChannel,
    *,
    username: str = "commander.a1",
    unit: str = "POLSEK-A1X",
    frequency: str = "daily",
    weekday: int | None = None,
    hour: int = 7,
) -> RecapSubscription:
    """A subscription created (for the schedule) well before the due moments the tests use."""
    sub = recap_subscriptions.create_subscription(
        world.users[username],
        recap_subscriptions.SubscriptionInput(
            unit_code=unit, channel_id=channel.id, frequency=frequency, weekday=weekday, hour=hour
        ),
    )
    sub.created_at = datetime(2023, 12, 1, tzinfo=UTC)
    db.session.commit()
    return sub


def record_activity(world: factories.World, unit: str = "POLSEK-A1X", day: date = DAY) -> None:
    """A submitted activity of ``unit`` on ``day`` (the recap lists it)."""
    assert world.programme is not None
    staff = world.users["staff.a1x"] if unit == "POLSEK-A1X" else world.users["staff.a1y"]
    activity = factories.make_activity(
        staff, world.programme, world.u(unit), [world.locations[unit]], occurred_on=day
    )
    svc.submit_activity(staff, activity)
    db.session.commit()
