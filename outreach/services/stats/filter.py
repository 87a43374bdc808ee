"""Which activities the figures count: the stats filter, the statuses it means for a user, and the defaults
and choices of the filter forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import (
    ActivityStatus,
    Programme,
    Role,
    Rollup,
    Unit,
    User,
)
from outreach.models.types import MAX_ID
from outreach.services import filters as shared
from outreach.services.scope import subtree_ids_query

DEFAULT_STATUSES = shared.DEFAULT_STATUSES


@dataclass
class StatsFilter:
    """The filters shared by the dashboard URL and ``/api/v1/stats`` (same query parameter names)."""

    programme_id: int | None = None
    unit_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: list[ActivityStatus] = field(default_factory=lambda: list(DEFAULT_STATUSES))

    @classmethod
    def of(cls, found: shared.Filters) -> StatsFilter:
        """The figures' part of the shared filters (:mod:`outreach.services.filters`)."""
        return cls(
            programme_id=found.programme_id,
            unit_code=found.unit,
            date_from=found.date_from,
            date_to=found.date_to,
            statuses=list(found.statuses_or_default()),
        )

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> StatsFilter:
        """Parse the figures' parameters of the shared vocabulary (``programme_id``, ``unit``, ``from``,
        ``to``, ``status``); raises :class:`Invalid` naming each bad parameter (``kind`` and ``q`` included:
        figures cannot apply them)."""
        return cls.of(shared.parse(args, allowed=shared.FIGURE_PARAMETERS))

    def to_args(self) -> dict[str, str]:
        """The query parameters that reproduce these filters (for links and drill-down)."""
        args: dict[str, str] = {}
        if self.programme_id is not None:
            args["programme_id"] = str(self.programme_id)
        if self.unit_code:
            args["unit"] = self.unit_code
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        if list(self.statuses) != list(DEFAULT_STATUSES):
            args["status"] = ",".join(s.value for s in self.statuses)
        return args


def effective_statuses(user: User, filters: StatsFilter) -> list[ActivityStatus]:
    if user.role is Role.PR:
        return [ActivityStatus.VERIFIED]
    return list(filters.statuses) or list(DEFAULT_STATUSES)


def default_month(programme_id: int | None, today: date) -> tuple[date, date]:
    """The period a monthly page (ANEV, priority messages) opens on: this month up to today while the
    programme runs, else the programme's last month (or its first, before it starts) — never an empty month
    outside the programme."""
    programme = (
        db.session.get(Programme, programme_id) if programme_id and 0 < programme_id <= MAX_ID else None
    )
    if programme is None or programme.start_on <= today <= programme.end_on:
        return today.replace(day=1), today
    if today > programme.end_on:
        return programme.end_on.replace(day=1), programme.end_on
    month_end = (programme.start_on.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return programme.start_on, min(month_end, programme.end_on)


def default_programme_id(user: User | None = None) -> int | None:
    """The dashboard's default: the active programme with the most activities in the user's area
    (the main programme there), the latest-starting one when none has activities yet."""
    # Each activity counts once at each scope, so the area's count is its own scope's rows (the roots' rows
    # for everyone).
    scopes = select(Unit.id).where(Unit.parent_id.is_(None)) if user is None else [user.unit_id]
    counts = (
        select(Rollup.programme_id, func.sum(Rollup.activities).label("n"))
        .where(Rollup.dim == "unit", Rollup.scope_unit_id.in_(scopes))
        .group_by(Rollup.programme_id)
        .subquery()
    )
    query = (
        select(Programme.id)
        .outerjoin(counts, counts.c.programme_id == Programme.id)
        .where(Programme.is_active.is_(True))
        .order_by(func.coalesce(counts.c.n, 0).desc(), Programme.start_on.desc(), Programme.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def programme_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Programme.id, Programme.name).order_by(Programme.is_active.desc(), Programme.start_on.desc())
    )
    return [(r.id, r.name) for r in rows]


def unit_choices(user: User) -> list[tuple[str, str, int]]:
    """(code, name, depth below the user's unit) for the user's subtree, in tree order."""
    rows = db.session.execute(
        select(Unit.code, Unit.name, Unit.depth)
        .where(Unit.id.in_(subtree_ids_query(user.unit)), Unit.is_active.is_(True))
        .order_by(Unit.path)
    )
    return [(r.code, r.name, r.depth - user.unit.depth) for r in rows]
