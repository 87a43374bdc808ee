"""Per-day rollups of the activities: the summary rows the dashboard, the API stats and the reports read.

Two tables, both written only by :mod:`outreach.services.rollups`, in the same transaction as the activity
write they summarise, and both rebuildable from the raw rows (``flask --app outreach rollups rebuild``):

``rollups`` – sums per **scope unit** × dimension × key × programme × status × day. Every activity counts
once at each of its unit's ancestors-or-self (the *scope*), so a Polda's figures are the rows whose
``scope_unit_id`` is the Polda: a national query reads 34 × days rows, not a million activities. The
dimension says what ``key_id`` is:

- ``unit``: the child of the scope the activity lies under (the scope itself for its own activities) –
  activities, visits, parcels, beneficiaries; ``amount`` = messages delivered;
- ``kind``: the activity kind – the same sums, ``amount`` = messages;
- ``item``: the item kind (0 for free-text items) – ``activities`` = activities handing it over,
  ``amount`` = quantity;
- ``message``: the kamtibmas message (0 for free text) – ``activities`` = activities delivering it,
  ``amount`` = deliveries;
- ``leader``: the activity's leader (a :class:`Leader`, one per person: NRP, else person record, else rank and
  name within the activity's unit) – the same sums as ``unit``.

``location_rollups`` – visits, parcels and beneficiaries per unit × location × programme × status × day, the
source of distinct-location counts, location-kind breakdowns and the map. It is keyed by the activity's own
unit, so moving a unit in the tree does not touch it (subtrees are selected at read time).

Soft-deleted activities contribute nothing; every status is kept (the reader chooses). Rows whose counters
all fall to zero are removed by the writer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.activity import ActivityStatus
from outreach.models.base import Base
from outreach.models.types import enum_column


class Rollup(Base):
    __tablename__ = "rollups"
    __table_args__ = (
        # Scope, dimension and day lead: every read is "this scope, this dimension, this period".
        PrimaryKeyConstraint("scope_unit_id", "dim", "day", "key_id", "programme_id", "status"),
        {"sqlite_with_rowid": False},
    )

    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    dim: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    key_id: Mapped[int] = mapped_column(Integer)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus))
    activities: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    parcels: Mapped[int] = mapped_column(BigInteger, default=0)
    beneficiaries: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class LocationRollup(Base):
    __tablename__ = "location_rollups"
    __table_args__ = (
        # PostgreSQL keeps its rows in a heap: the values ride in the key's index (INCLUDE), so a Polda's period
        # is read index-only instead of one heap page per row (a Polda's year at 1M: 148 → 29 ms). SQLite's
        # table without rowid is its primary key already.
        PrimaryKeyConstraint(
            "unit_id",
            "day",
            "location_id",
            "programme_id",
            "status",
            postgresql_include=["visits", "parcels", "beneficiaries"],
        ),
        {"sqlite_with_rowid": False},
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[date] = mapped_column(Date)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus))
    visits: Mapped[int] = mapped_column(Integer, default=0)
    parcels: Mapped[int] = mapped_column(BigInteger, default=0)
    beneficiaries: Mapped[int] = mapped_column(BigInteger, default=0)


class Leader(Base):
    """A leader as a person: the key of the ``leader`` rollups.

    ``person_key`` tells people apart, from the activity's leader fields: ``nrp:<NRP>`` when the NRP is written,
    else ``person:<id>`` when the leader is linked to a person record, else ``unit:<unit id>:<rank>:<name>``
    (the same rank and name within one unit). Two officers who share a rank and a name are two leaders, and
    ``nrp`` or ``unit_id`` is what the label shows to tell them apart.

    Rows are added, never removed, by the rollup writer; rank and name are those of the first activity that
    introduced the leader. ``degrees`` keeps the greatest degrees recorded (in text order, as the raw
    ``max(leader_degrees)`` would: "S.H., M.H." after "S.H.").
    """

    __tablename__ = "leaders"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(220), unique=True)
    rank: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(160))
    degrees: Mapped[str | None] = mapped_column(String(80))
    nrp: Mapped[str | None] = mapped_column(String(18))
    #: The unit of a leader known by rank and name only (None when the NRP or the person record identifies them).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
