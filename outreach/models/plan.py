"""Plans (rencana kegiatan): what a unit intends to do on a day, approved by a commander before it happens.

An activity may be recorded against an approved plan (``activities.plan_id``); a plan with at least one live
(not deleted) activity is *realised*; an approved plan whose date has passed without one is *overdue*.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin
from outreach.models.catalogue import ActivityKind
from outreach.models.org import Unit, User
from outreach.models.programme import Programme
from outreach.models.types import UTCDateTime, enum_column


class PlanStatus(enum.Enum):
    SUBMITTED = "submitted"  # filed, waiting for the commander
    APPROVED = "approved"
    RETURNED = "returned"  # sent back with a comment; the author may change and file it again


class Plan(TimestampMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("expected_parcels >= 0", name="expected_parcels_non_negative"),
        Index("ix_plans_unit_date", "unit_id", "planned_on"),
        Index("ix_plans_programme_date", "programme_id", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("activity_kinds.id"))
    planned_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(250))
    #: The intended places and messages, one per line (a plan names them; the activity records the real ones).
    places: Mapped[str] = mapped_column(Text, default="")
    messages: Mapped[str] = mapped_column(Text, default="")
    expected_parcels: Mapped[int] = mapped_column(default=0)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.SUBMITTED)
    return_comment: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    programme: Mapped[Programme] = relationship()
    unit: Mapped[Unit] = relationship()
    kind: Mapped[ActivityKind] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    def place_list(self) -> list[str]:
        return [line.strip() for line in self.places.splitlines() if line.strip()]

    def message_list(self) -> list[str]:
        return [line.strip() for line in self.messages.splitlines() if line.strip()]
