"""Programmes (e.g. "Cooling System Pemilu 2024"), their targets and the editable report texts."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, TimestampMixin
from outreach.models.org import Unit
from outreach.models.types import enum_column


class ProgrammeKind(enum.Enum):
    PEMILU = "pemilu"
    PILKADA = "pilkada"
    OTHER = "other"


class Indicator(enum.Enum):
    """What a target counts. The same names are used by the stats module and the API."""

    ACTIVITIES = "activities"
    VISITS = "visits"
    LOCATIONS = "locations"
    PARCELS = "parcels"
    BENEFICIARIES = "beneficiaries"
    MESSAGES = "messages"


class Programme(TimestampMixin, Base):
    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ProgrammeKind] = mapped_column(enum_column(ProgrammeKind))
    start_on: Mapped[date]
    end_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    #: The unit that runs the programme (None: national).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: ANEV bands (issue 15): a score at or above ``anev_good_min`` % is Baik, at or above ``anev_fair_min`` %
    #: Cukup, below it Kurang.
    anev_good_min: Mapped[int] = mapped_column(default=90, server_default=text("90"))
    anev_fair_min: Mapped[int] = mapped_column(default=50, server_default=text("50"))
    #: Reporting lock (issue 15): a month's activities are closed to staff and commanders this many days after
    #: the month ends (None: never).
    lock_after_days: Mapped[int | None]

    unit: Mapped[Unit | None] = relationship()
    targets: Mapped[list[ProgrammeTarget]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeTarget.id"
    )


class ProgrammeTarget(Base):
    """A target for one indicator, overall (``unit_id`` NULL) or for one unit's subtree."""

    __tablename__ = "programme_targets"
    __table_args__ = (
        CheckConstraint("target >= 0", name="target_non_negative"),
        UniqueConstraint("programme_id", "unit_id", "indicator", name="uq_programme_targets_scope"),
        Index(
            "uq_programme_targets_overall",
            "programme_id",
            "indicator",
            unique=True,
            sqlite_where=text("unit_id IS NULL"),
            postgresql_where=text("unit_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    indicator: Mapped[Indicator] = mapped_column(enum_column(Indicator))
    target: Mapped[int]

    programme: Mapped[Programme] = relationship(back_populates="targets")
    unit: Mapped[Unit | None] = relationship()


class ReportSection(enum.Enum):
    DASAR = "dasar"
    TUJUAN = "tujuan"
    RUANG_LINGKUP = "ruang_lingkup"
    KENDALA = "kendala"
    KESIMPULAN = "kesimpulan"
    SARAN = "saran"


class ReportText(TimestampMixin, Base):
    """An editable free-text section of the programme report, kept per programme and unit."""

    __tablename__ = "report_texts"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id", "section", name="uq_report_texts_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    section: Mapped[ReportSection] = mapped_column(enum_column(ReportSection))
    body: Mapped[str] = mapped_column(Text, default="")


class AnevDirective(TimestampMixin, Base):
    """The follow-up directive ("arahan tindak lanjut") a commander writes for one ANEV band of their unit."""

    __tablename__ = "anev_directives"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id", "band", name="uq_anev_directives_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    band: Mapped[str] = mapped_column(String(10))  # baik, cukup, kurang
    body: Mapped[str] = mapped_column(Text, default="")


class LockException(TimestampMixin, Base):
    """An exception to the reporting lock: one month reopened for a unit and the units below it."""

    __tablename__ = "lock_exceptions"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id", "month", name="uq_lock_exceptions_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The first day of the month.
    month: Mapped[date]
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship()
