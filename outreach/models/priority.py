"""Priority messages (issue 15): a commander marks a kamtibmas message as the priority for a period and a subtree.

A row applies to its unit and every unit below it, from ``date_from`` to ``date_to`` (both included), in one
programme or (``programme_id`` empty) in every programme. The coverage matrix (services.priorities) counts
the deliveries of these messages per child unit and per kecamatan.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin
from outreach.models.catalogue import KamtibmasMessage
from outreach.models.org import Unit, User
from outreach.models.programme import Programme


class PriorityMessage(TimestampMixin, Base):
    __tablename__ = "priority_messages"
    __table_args__ = (
        CheckConstraint("date_to >= date_from", name="period_ordered"),
        Index("ix_priority_messages_unit_period", "unit_id", "date_from", "date_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("kamtibmas_messages.id"))
    date_from: Mapped[date]
    date_to: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    programme: Mapped[Programme | None] = relationship()
    unit: Mapped[Unit] = relationship()
    message: Mapped[KamtibmasMessage] = relationship()
    created_by: Mapped[User] = relationship()
