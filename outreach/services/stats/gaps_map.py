"""What is missing: units with no activity, registered places never visited, activities waiting for
verification (:func:`gaps`), and the most visited places for the map (:func:`visited_map`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Executable, Integer, bindparam, func, select
from sqlalchemy.orm import aliased

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Location,
    LocationKind,
    Rollup,
    Unit,
    User,
    Visit,
)
from outreach.services.clock import local_today
from outreach.services.scope import subtree_ids_query
from outreach.services.stats.filter import StatsFilter
from outreach.services.stats.query import (
    Shape,
    activity_conditions,
    as_date,
    as_int,
    as_of_date,
    level_value,
    per_location,
    resolve_scope,
)
from outreach.services.stats.types import (
    Gaps,
    IdleUnit,
    MapPoint,
    UnvisitedLocation,
    VisitedMap,
    WaitingActivity,
)

GAP_LIST_LIMIT = 200
#: The map and its table show the most visited locations, at most this many (a national map of 100,000
#: markers would be unreadable and the page enormous).
MAP_POINT_LIMIT = 500


def _idle_units(
    root: Unit, filters: StatsFilter, statuses: list[ActivityStatus], reference: date, cutoff: date
) -> list[IdleUnit]:
    """Units below ``root`` whose subtree has no activity in ``(cutoff, reference]`` (at most GAP_LIST_LIMIT).

    One statement: the subtree's units in tree order, each with the last day its own scope's rollups count an
    activity on (a scope's rollup rows cover its whole subtree, so nothing is rolled up here), found by walking
    the rollups' primary key (scope, dimension, day) backwards from the reference day to the first row of the
    chosen statuses and programme – not a ``GROUP BY`` over every activity (0.7 s nationally at 1M).
    """
    conditions = [
        Rollup.scope_unit_id == Unit.id,
        Rollup.dim == "unit",
        Rollup.day <= reference,
        Rollup.status.in_(statuses),
    ]
    if filters.programme_id is not None:
        conditions.append(Rollup.programme_id == filters.programme_id)
    last_on = (
        select(Rollup.day)
        .where(*conditions)
        .order_by(Rollup.day.desc())
        .limit(1)
        .correlate(Unit)
        .scalar_subquery()
    )
    units = db.session.execute(
        select(Unit.code, Unit.name, Unit.level, last_on.label("last_on"))
        .where(Unit.id.in_(subtree_ids_query(root)), Unit.id != root.id, Unit.is_active.is_(True))
        .order_by(Unit.path)
    )
    idle: list[IdleUnit] = []
    for u in units:  # the subtree's units (thousands at most), never activity rows
        last = as_date(u.last_on)
        if last is None or last < cutoff:
            idle.append(
                IdleUnit(
                    u.code, u.name, level_value(u.level), last, (reference - last).days if last else None
                )
            )
            if len(idle) >= GAP_LIST_LIMIT:
                break
    return idle


def gaps(
    user: User,
    filters: StatsFilter,
    idle_days: int = 30,
    waiting_days: int = 7,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> Gaps:
    """Where to look next: idle units, key locations not yet visited in the programme, submissions waiting."""
    scope = resolve_scope(user, filters)
    root, statuses = scope.root, scope.statuses
    # "The last N days" end at the period's end: the filter's end date, the programme's end, or today.
    reference = as_of_date(scope.programme, filters, today or local_today())
    cutoff = reference - timedelta(days=idle_days)

    # Idle units: each unit below the root, activity rolled up over its subtree, up to the reference date.
    idle_units = _idle_units(root, filters, statuses, reference, cutoff)

    # Key locations in the area never visited in the programme (any date, the chosen statuses).
    visited = (
        select(Visit.id)
        .join(Activity, Activity.id == Visit.activity_id)
        .where(
            Visit.location_id == Location.id,
            Activity.deleted_at.is_(None),
            Activity.status.in_(statuses),
        )
    )
    if filters.programme_id is not None:
        visited = visited.where(Activity.programme_id == filters.programme_id)
    location_unit = aliased(Unit, name="location_unit")
    unvisited_where = [
        Location.unit_id.in_(subtree_ids_query(root)),
        LocationKind.is_key.is_(True),
        ~visited.correlate(Location).exists(),
    ]
    unvisited_query = (
        select(
            Location.id,
            Location.name,
            Location.village,
            Location.district,
            Location.regency,
            LocationKind.code.label("kind_code"),
            LocationKind.label_id,
            LocationKind.label_en,
            location_unit.code.label("unit_code"),
            location_unit.name.label("unit_name"),
            func.count().over().label("total"),
        )
        .join(LocationKind, LocationKind.id == Location.kind_id)
        .outerjoin(location_unit, location_unit.id == Location.unit_id)
        .where(*unvisited_where)
        .order_by(location_unit.path, LocationKind.sort_order, Location.name)
        .limit(GAP_LIST_LIMIT)
    )
    unvisited: list[UnvisitedLocation] = []
    unvisited_total = 0
    for loc in db.session.execute(unvisited_query):
        unvisited_total = as_int(loc.total)
        address = ", ".join(p for p in (loc.village, loc.district, loc.regency) if p)
        unvisited.append(
            UnvisitedLocation(
                loc.id,
                loc.name,
                loc.kind_code,
                loc.label_id,
                loc.label_en,
                address,
                loc.unit_code,
                loc.unit_name,
            )
        )

    # Submissions waiting for verification for longer than ``waiting_days`` (PR users see none).
    waiting: list[WaitingActivity] = []
    if ActivityStatus.SUBMITTED in statuses:
        now = now or datetime.now(UTC)
        wait_where = [
            *activity_conditions(scope, [ActivityStatus.SUBMITTED], dated=True),
            Activity.submitted_at.is_not(None),
            Activity.submitted_at < now - timedelta(days=waiting_days),
        ]
        wait_rows = db.session.execute(
            select(
                Activity.id,
                Activity.occurred_on,
                Activity.title,
                Activity.submitted_at,
                ActivityKind.label_id,
                ActivityKind.label_en,
                Unit.code.label("unit_code"),
                Unit.name.label("unit_name"),
            )
            .join(ActivityKind, ActivityKind.id == Activity.kind_id)
            .join(Unit, Unit.id == Activity.unit_id)
            .where(*wait_where)
            .order_by(Activity.submitted_at, Activity.id)
            .limit(GAP_LIST_LIMIT)
        )
        for w in wait_rows:
            submitted = w.submitted_at if w.submitted_at.tzinfo else w.submitted_at.replace(tzinfo=UTC)
            waiting.append(
                WaitingActivity(
                    w.id,
                    w.occurred_on,
                    w.title,
                    w.label_id,
                    w.label_en,
                    w.unit_code,
                    w.unit_name,
                    submitted,
                    (now - submitted).days,
                )
            )
    return Gaps(
        reference_date=reference,
        idle_days=idle_days,
        waiting_days=waiting_days,
        idle_units=tuple(idle_units),
        unvisited_locations=tuple(unvisited),
        unvisited_total=unvisited_total,
        waiting=tuple(waiting),
    )


def visited_map(user: User, filters: StatsFilter, limit: int | None = None) -> VisitedMap:
    """The ``limit`` (default :data:`MAP_POINT_LIMIT`) most visited locations that have coordinates, with their
    visit counts (most visited first), and how many distinct locations the scope visited, coordinates or not:
    the total the map's "the N most visited of M" sentence states (``summarize(...).totals.locations``, which
    the dashboard's deferred map no longer computes beside it).

    One statement: the count is a window over the per-location grouping the map reads anyway (every group is
    needed to sort by visits), taken before the coordinates are required, so the total costs no second read of
    the location rollups (~1.2 s nationally at 1M, bench/analysis.md). It is read off the returned rows: 0 when
    no point is returned (no located place, or ``limit=0``), when the map shows nothing and says no total.
    """
    scope = resolve_scope(user, filters)
    limit = MAP_POINT_LIMIT if limit is None else limit
    rows = db.session.execute(_map_statement(scope.shape), scope.params | {"limit": limit}).all()
    points = tuple(
        MapPoint(
            r.id,
            r.name,
            float(r.latitude),
            float(r.longitude),
            r.kind_code,
            r.label_id,
            r.label_en,
            as_int(r.visits),
            as_int(r.parcels),
            as_int(r.beneficiaries),
        )
        for r in rows
    )
    return VisitedMap(points, as_int(rows[0].located_total) if rows else 0)


@cache
def _map_statement(shape: Shape) -> Executable:
    counted = select(per_location(shape), func.count().over().label("located_total")).subquery()
    return (
        select(
            Location.id,
            Location.name,
            Location.latitude,
            Location.longitude,
            LocationKind.code.label("kind_code"),
            LocationKind.label_id,
            LocationKind.label_en,
            counted.c.visits,
            counted.c.parcels,
            counted.c.beneficiaries,
            counted.c.located_total,
        )
        .select_from(counted)
        .join(Location, Location.id == counted.c.location_id)
        .join(LocationKind, LocationKind.id == Location.kind_id)
        .where(Location.latitude.is_not(None), Location.longitude.is_not(None))
        .order_by(counted.c.visits.desc(), Location.name)
        .limit(bindparam("limit", type_=Integer))
    )
