"""Scheduled recaps (issue 17): notification channels, recap subscriptions and their delivery outbox.

- A :class:`NotificationChannel` is an Apprise URL (``mailtos://…``, ``ntfy://…``) that an administrator
  configured; nothing leaves the network through any other way. The URL holds credentials: it is never shown
  back in full, never logged and never written into the audit trail.
- A :class:`RecapSubscription` asks for the WhatsApp-ready recap of one unit (the subscriber's or one below
  it) every day or every week, at an hour of Western Indonesian time, through one channel. A deleted
  subscription is kept (``deleted_at``) so that its delivery log stays readable.
- A :class:`RecapDelivery` is one message of the outbox: the period it covers, the text that was (or is to
  be) sent, its status and attempts. A scheduled delivery carries ``schedule_key`` (its period) and the unique
  constraint on ``(subscription_id, schedule_key)`` makes it exist at most once, whichever worker creates it;
  a "send now" delivery has no key (NULLs are distinct in a unique constraint on SQLite and PostgreSQL).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin
from outreach.models.org import Unit, User
from outreach.models.types import UTCDateTime, enum_column


class RecapFrequency(enum.Enum):
    DAILY = "daily"  # every day at the hour: the day before
    WEEKLY = "weekly"  # on the weekday at the hour: the seven days before


class DeliveryStatus(enum.Enum):
    PENDING = "pending"  # created, not attempted yet (or being attempted)
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; retried while attempts remain (``next_attempt_at`` set)


class NotificationChannel(TimestampMixin, Base):
    __tablename__ = "notification_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: the Apprise URL, credentials included: a secret (see the module docstring)
    url: Mapped[str] = mapped_column(Text)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class RecapSubscription(TimestampMixin, Base):
    __tablename__ = "recap_subscriptions"
    __table_args__ = (
        CheckConstraint("hour >= 0 AND hour <= 23", name="hour_of_day"),
        CheckConstraint("weekday IS NULL OR (weekday >= 0 AND weekday <= 6)", name="weekday_range"),
        CheckConstraint("frequency <> 'weekly' OR weekday IS NOT NULL", name="weekly_has_weekday"),
        Index("ix_recap_subscriptions_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("notification_channels.id"))
    frequency: Mapped[RecapFrequency] = mapped_column(enum_column(RecapFrequency))
    #: 0 = Monday … 6 = Sunday (Python's ``date.weekday()``); weekly recaps only
    weekday: Mapped[int | None]
    #: the hour of the day in Western Indonesian time (Asia/Jakarta) when the recap is due
    hour: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    channel: Mapped[NotificationChannel] = relationship()


class RecapDelivery(TimestampMixin, Base):
    __tablename__ = "recap_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "schedule_key"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("attempt_count >= 0", name="attempt_count_non_negative"),
        Index("ix_recap_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("recap_subscriptions.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    #: ``"<period_start>/<period_end>"`` for a scheduled delivery; NULL for "send now"
    schedule_key: Mapped[str | None] = mapped_column(String(21))
    #: who pressed "send now" (NULL: the schedule)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the text as sent (filled when the first attempt builds it)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempt_count: Mapped[int] = mapped_column(default=0)
    #: the last attempt's error (secrets of the channel URL removed)
    error: Mapped[str] = mapped_column(Text, default="")
    #: when a worker may (re)try it; while an attempt runs, the end of its lease; NULL: nothing more to do
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    subscription: Mapped[RecapSubscription] = relationship()
