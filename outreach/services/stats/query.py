"""What every figure shares: the resolved scope (unit subtree, programme, statuses, period) and the small
conversions between SQL results and Python values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Subquery, bindparam, func, select

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityStatus,
    Indicator,
    LocationRollup,
    Programme,
    Rollup,
    Unit,
    User,
)
from outreach.services.errors import NotFound
from outreach.services.scope import get_unit_in_scope, is_whole_tree
from outreach.services.stats.filter import StatsFilter, effective_statuses
from outreach.services.stats.types import TargetProgress


class Shape(NamedTuple):
    """Which conditions a scope's statements carry. The statements of a summary are built once per shape, with
    bound parameters for the values (:attr:`Scope.params`): for a Polsek, building them (SQLAlchemy's coercions,
    column collections of the CTEs and subqueries) cost more than running them (bench/analysis.md)."""

    programme: bool
    date_from: bool
    date_to: bool
    #: The root is not the whole tree: the location rollups are restricted to its units.
    subtree: bool


@dataclass(frozen=True)
class Scope:
    root: Unit
    programme: Programme | None
    statuses: list[ActivityStatus]
    filters: StatsFilter
    #: The ids of the root's subtree, or None for the whole tree (no unit filter then).
    unit_ids: list[int] | None

    @property
    def shape(self) -> Shape:
        f = self.filters
        return Shape(
            f.programme_id is not None,
            f.date_from is not None,
            f.date_to is not None,
            self.unit_ids is not None,
        )

    @property
    def params(self) -> dict[str, Any]:
        """The values of the bound parameters of :func:`rollup_conditions`, :func:`location_conditions` and
        the statements built on them (``root_*``: the chosen unit)."""
        f = self.filters
        return {
            "root_id": self.root.id,
            "root_parent_id": self.root.parent_id,
            # Paths hold digits and slashes only ("/1/4/"), so the prefix needs no LIKE escaping.
            "root_prefix": self.root.path + "%",
            "root_path_length": len(self.root.path),
            "statuses": list(self.statuses),
            "programme_id": f.programme_id,
            "date_from": f.date_from,
            "date_to": f.date_to,
            "unit_ids": self.unit_ids or [],
        }


def rollup_conditions(dim: str, shape: Shape) -> list[ColumnElement[bool]]:
    """Conditions on the ``rollups`` rows of ``dim`` for a scope of this shape, as bound parameters."""
    conditions = [
        Rollup.scope_unit_id == bindparam("root_id"),
        Rollup.dim == dim,
        Rollup.status.in_(bindparam("statuses", expanding=True)),
    ]
    return conditions + period_conditions(Rollup.programme_id, Rollup.day, shape)


def location_conditions(shape: Shape) -> list[ColumnElement[bool]]:
    """Conditions on the ``location_rollups`` rows of a scope of this shape (the root's subtree), bound."""
    conditions = [LocationRollup.status.in_(bindparam("statuses", expanding=True))]
    if shape.subtree:
        # The ids themselves, not a subquery: PostgreSQL then sees how few units a Polda has and probes the
        # primary key per unit instead of scanning every row (225 ms → a few ms for a Polda at 1M).
        conditions.append(LocationRollup.unit_id.in_(bindparam("unit_ids", expanding=True)))
    return conditions + period_conditions(LocationRollup.programme_id, LocationRollup.day, shape)


@cache
def per_location(shape: Shape) -> Subquery:
    """Visits, parcels and beneficiaries per location in a scope of this shape: one pass over the location
    rollups, so the caller joins only the distinct locations (to their kind, their coordinates)."""
    return (
        select(
            LocationRollup.location_id,
            func.sum(LocationRollup.visits).label("visits"),
            func.sum(LocationRollup.parcels).label("parcels"),
            func.sum(LocationRollup.beneficiaries).label("beneficiaries"),
        )
        .where(*location_conditions(shape))
        .group_by(LocationRollup.location_id)
        .subquery()
    )


def period_conditions(programme_id: Any, day: Any, shape: Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if shape.programme:
        conditions.append(programme_id == bindparam("programme_id"))
    if shape.date_from:
        conditions.append(day >= bindparam("date_from"))
    if shape.date_to:
        conditions.append(day <= bindparam("date_to"))
    return conditions


#: The ids of a unit's subtree (``subtree_ids_query``, prebuilt: paths hold digits and slashes, no LIKE escape).
_SUBTREE_IDS = select(Unit.id).where(Unit.path.like(bindparam("root_prefix")))


def resolve_scope(user: User, filters: StatsFilter) -> Scope:
    root = user.unit
    if filters.unit_code:
        chosen = get_unit_in_scope(user, filters.unit_code)
        if chosen is None:
            raise NotFound(_("Unit not found."))
        root = chosen
    programme = None
    if filters.programme_id is not None:
        programme = db.session.get(Programme, filters.programme_id)
        if programme is None:
            raise NotFound(_("Programme not found."))
    statuses = effective_statuses(user, filters)
    unit_ids = None
    if not is_whole_tree(root):
        unit_ids = list(db.session.scalars(_SUBTREE_IDS, {"root_prefix": root.path + "%"}))
    return Scope(root, programme, statuses, filters, unit_ids)


def activity_conditions(
    scope: Scope, statuses: list[ActivityStatus], *, dated: bool
) -> list[ColumnElement[bool]]:
    """Conditions on the raw activities of ``scope`` with these statuses (and its period when ``dated``).

    The whole tree has no unit condition: SQLite takes ``unit_id IN (every unit)`` for a selective condition
    and walks the unit index, then sorts, instead of the index the caller's order needs (as the lists do)."""
    filters = scope.filters
    conditions: list[ColumnElement[bool]] = [Activity.deleted_at.is_(None), Activity.status.in_(statuses)]
    if scope.unit_ids is not None:
        conditions.append(Activity.unit_id.in_(scope.unit_ids))
    if filters.programme_id is not None:
        conditions.append(Activity.programme_id == filters.programme_id)
    if dated and filters.date_from:
        conditions.append(Activity.occurred_on >= filters.date_from)
    if dated and filters.date_to:
        conditions.append(Activity.occurred_on <= filters.date_to)
    return conditions


def dialect() -> str:
    return db.session.get_bind().dialect.name


def as_int(value: Any) -> int:
    return int(value or 0)


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_of_date(programme: Programme | None, filters: StatsFilter, today: date) -> date:
    as_of = today
    if filters.date_to and filters.date_to < as_of:
        as_of = filters.date_to
    if programme is not None and programme.end_on < as_of:
        as_of = programme.end_on
    return as_of


def progress(
    indicator: Indicator, target: int, achieved: int, programme: Programme, as_of: date, scope: str
) -> TargetProgress:
    days = (programme.end_on - programme.start_on).days + 1
    elapsed = min(max((as_of - programme.start_on).days + 1, 0), days)
    expected = round(target * elapsed / days) if days > 0 else target
    percent = round(100.0 * achieved / target, 1) if target else 100.0
    return TargetProgress(indicator.value, target, achieved, expected, achieved >= expected, percent, scope)


def level_value(value: Any) -> str:
    return str(getattr(value, "value", value))
