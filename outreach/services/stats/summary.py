"""The dashboard's figures (:func:`summarize`): totals, targets, breakdowns by unit, kind, place, district and
message, trends and the most active leaders — each one SQL ``GROUP BY`` over the rollups.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from outreach.extensions import db
from outreach.models import (
    ActivityKind,
    ActivityStatus,
    Indicator,
    ItemKind,
    KamtibmasMessage,
    Leader,
    Location,
    LocationKind,
    LocationRollup,
    Programme,
    ProgrammeTarget,
    Rollup,
    Unit,
    User,
)
from outreach.services import regions
from outreach.services.clock import local_today
from outreach.services.stats.filter import StatsFilter
from outreach.services.stats.query import (
    Scope,
    as_date,
    as_int,
    as_of_date,
    dialect,
    level_value,
    progress,
    resolve_scope,
)
from outreach.services.stats.types import (
    DistrictRow,
    ItemTotal,
    KindRow,
    LeaderRow,
    LocationKindRow,
    MessageFigures,
    ProgrammeRef,
    Summary,
    TargetProgress,
    Totals,
    TrendRow,
    UnitFigures,
    UnitRef,
)

TOP_LEADERS = 10


def summarize(user: User, filters: StatsFilter, *, today: date | None = None) -> Summary:
    """Every figure of the dashboard for ``filters`` as seen by ``user``."""
    scope = resolve_scope(user, filters)
    root, programme = scope.root, scope.programme
    as_of = as_of_date(programme, filters, today or local_today())

    targets_by_unit = _targets(programme)
    units = _child_units(root)
    figures, totals_row = _unit_figures(scope)
    by_location_kind = _by_location_kind(scope)
    totals = Totals(
        activities=totals_row["activities"],
        verified_activities=totals_row["verified"],
        visits=totals_row["visits"],
        # Every location has exactly one kind, so the per-kind distinct counts add up to the distinct total.
        locations=sum(r.locations for r in by_location_kind),
        parcels=totals_row["parcels"],
        beneficiaries=totals_row["beneficiaries"],
        messages=totals_row["messages"],
    )
    overall_targets: list[TargetProgress] = []
    if programme is not None:
        own = targets_by_unit.get(root.id)
        chosen: dict[Indicator, int] = {}
        kind = "unit"
        if own:
            chosen = own
        elif runs_programme(root, programme):
            chosen, kind = targets_by_unit.get(None, {}), "programme"
        for indicator in Indicator:
            if indicator in chosen:
                overall_targets.append(
                    progress(indicator, chosen[indicator], totals.get(indicator), programme, as_of, kind)
                )

    parent_code = next((u.code for u in units if u.id == root.parent_id), None) if root.parent_id else None
    by_month, by_week = _trends(scope)
    return Summary(
        filters=filters,
        statuses=tuple(scope.statuses),
        unit=UnitRef(root.code, root.name, level_value(root.level), parent_code),
        programme=ProgrammeRef(programme.id, programme.name, programme.start_on, programme.end_on)
        if programme
        else None,
        as_of=as_of,
        totals=totals,
        items=_items(scope),
        by_unit=_by_unit(root, units, figures, targets_by_unit, programme, as_of),
        by_kind=_by_kind(scope),
        by_location_kind=by_location_kind,
        by_district=_by_district(scope),
        by_message=_by_message(scope),
        by_month=by_month,
        by_week=by_week,
        leaders=_leaders(scope),
        targets=tuple(overall_targets),
    )


def runs_programme(root: Unit, programme: Programme) -> bool:
    """Whether the programme-wide target is ``root``'s: ``root`` is the unit that runs the programme or
    lies above it (the whole tree for a national programme). A unit below it is scored against its own
    target only, never against the whole programme's figure (a Polsek is not behind a Polres's 600)."""
    if programme.unit_id is None:
        return root.parent_id is None
    if programme.unit_id == root.id:
        return True
    runner = db.session.get(Unit, programme.unit_id)
    return runner is not None and runner.path.startswith(root.path) and runner.path != root.path


def _items(scope: Scope) -> tuple[ItemTotal, ...]:
    rows = db.session.execute(
        select(ItemKind.code, ItemKind.label_id, ItemKind.label_en, func.sum(Rollup.amount).label("qty"))
        .select_from(Rollup)
        .outerjoin(ItemKind, ItemKind.id == Rollup.key_id)  # key 0: free-text items
        .where(*scope.rollups("item"))
        .group_by(ItemKind.id, ItemKind.code, ItemKind.label_id, ItemKind.label_en, ItemKind.sort_order)
        .order_by(ItemKind.sort_order)
    )
    return tuple(
        ItemTotal(r.code, r.label_id or "Lainnya", r.label_en or "Other", as_int(r.qty)) for r in rows
    )


def _targets(programme: Programme | None) -> dict[int | None, dict[Indicator, int]]:
    if programme is None:
        return {}
    found: dict[int | None, dict[Indicator, int]] = {}
    rows = db.session.execute(
        select(ProgrammeTarget.unit_id, ProgrammeTarget.indicator, ProgrammeTarget.target).where(
            ProgrammeTarget.programme_id == programme.id
        )
    )
    for r in rows:
        found.setdefault(r.unit_id, {})[r.indicator] = r.target
    return found


class _UnitInfo(NamedTuple):
    id: int
    code: str
    name: str
    level: Any
    path: str
    parent_id: int | None
    is_active: bool
    has_children: bool


def _child_units(root: Unit) -> list[_UnitInfo]:
    """``root``, its children (root first, then the children by name) and its parent, in one statement."""
    grandchild = aliased(Unit, name="grandchild")
    has_children = select(grandchild.id).where(grandchild.parent_id == Unit.id).exists()
    wanted = [Unit.parent_id == root.id, Unit.id == root.id]
    if root.parent_id is not None:
        wanted.append(Unit.id == root.parent_id)
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.level,
            Unit.path,
            Unit.parent_id,
            Unit.is_active,
            has_children.label("has_children"),
        )
        .where(or_(*wanted))
        .order_by(case((Unit.id == root.id, 0), else_=1), Unit.name)
    )
    return [_UnitInfo(*r) for r in rows]


def _child_key(root: Unit) -> ColumnElement[Any]:
    """For an activity's unit (``Unit`` joined on ``Activity.unit_id``), the path of the child of ``root`` it
    lies under (``root.path`` itself for the root's own activities): ``/1/4/9/12/`` under ``/1/4/`` gives
    ``/1/4/9/``. Computed from the unit row, so the rollup is one equi-join on the primary key, not a
    prefix join."""
    size = len(root.path)
    rest = func.substr(Unit.path, size + 1)
    slash = func.strpos(rest, "/") if dialect() == "postgresql" else func.instr(rest, "/")
    return func.substr(Unit.path, 1, size + slash)


def _unit_figures(scope: Scope) -> tuple[dict[int, Any], dict[str, int]]:
    """Activity figures and distinct locations per child of the root (by unit id; the root's own activities
    under its own id), and the totals (the sums over the children: every activity lies under exactly one)."""
    activity_rows = db.session.execute(
        select(
            Rollup.key_id,
            func.sum(Rollup.activities).label("activities"),
            func.sum(case((Rollup.status == ActivityStatus.VERIFIED, Rollup.activities), else_=0)).label(
                "verified"
            ),
            func.sum(Rollup.visits).label("visits"),
            func.sum(Rollup.parcels).label("parcels"),
            func.sum(Rollup.beneficiaries).label("beneficiaries"),
            func.sum(Rollup.amount).label("messages"),
            func.max(Rollup.day).label("last_on"),
        )
        .where(*scope.rollups("unit"))
        .group_by(Rollup.key_id)
    ).all()
    key = _child_key(scope.root).label("child_key")
    location_rows = db.session.execute(
        select(key, func.count(distinct(LocationRollup.location_id)).label("locations"))
        .select_from(LocationRollup)
        .join(Unit, Unit.id == LocationRollup.unit_id)
        .where(*scope.locations())
        .group_by(key)
    )
    # The child key is the child's path ("/1/4/9/"): its last id is the child's.
    locations = {int(r.child_key.rstrip("/").rsplit("/", 1)[-1]): as_int(r.locations) for r in location_rows}
    names = ("activities", "verified", "visits", "parcels", "beneficiaries", "messages")
    totals = {n: sum(as_int(getattr(r, n)) for r in activity_rows) for n in names}
    figures = {
        r.key_id: {
            **{n: as_int(getattr(r, n)) for n in names},
            "last_on": as_date(r.last_on),
            "locations": locations.get(r.key_id, 0),
        }
        for r in activity_rows
    }
    return figures, totals


def _by_unit(
    root: Unit,
    units: list[_UnitInfo],
    figures: dict[int, Any],
    targets_by_unit: dict[int | None, dict[Indicator, int]],
    programme: Programme | None,
    as_of: date,
) -> tuple[UnitFigures, ...]:
    """One row per child of ``root`` rolled up over the child's subtree, plus ``root``'s own activities."""
    rows: list[UnitFigures] = []
    for u in units:
        is_root = u.id == root.id
        if not is_root and (u.parent_id != root.id or not u.is_active):
            continue  # the parent (read for the summary's parent code) or an inactive child
        f = figures.get(u.id)
        if is_root and f is None:
            continue  # the root's own row only when activities are recorded at the root itself
        activities, visits = (f["activities"], f["visits"]) if f else (0, 0)
        parcels, beneficiaries = (f["parcels"], f["beneficiaries"]) if f else (0, 0)
        locations = f["locations"] if f else 0
        achieved = {
            Indicator.ACTIVITIES: activities,
            Indicator.VISITS: visits,
            Indicator.LOCATIONS: locations,
            Indicator.PARCELS: parcels,
            Indicator.BENEFICIARIES: beneficiaries,
            Indicator.MESSAGES: 0,
        }
        unit_targets: tuple[TargetProgress, ...] = ()
        if programme is not None and not is_root:
            own = targets_by_unit.get(u.id, {})
            unit_targets = tuple(
                progress(ind, own[ind], achieved[ind], programme, as_of, "unit")
                for ind in Indicator
                if ind in own and ind is not Indicator.MESSAGES
            )
        rows.append(
            UnitFigures(
                code=u.code,
                name=u.name,
                level=level_value(u.level),
                is_self=is_root,
                has_children=bool(u.has_children) and not is_root,
                activities=activities,
                visits=visits,
                locations=locations,
                parcels=parcels,
                beneficiaries=beneficiaries,
                last_activity_on=f["last_on"] if f else None,
                targets=unit_targets,
            )
        )
    return tuple(rows)


def _by_kind(scope: Scope) -> tuple[KindRow, ...]:
    activities = func.sum(Rollup.activities)
    rows = db.session.execute(
        select(
            ActivityKind.code,
            ActivityKind.label_id,
            ActivityKind.label_en,
            activities.label("activities"),
            func.sum(Rollup.visits).label("visits"),
            func.sum(Rollup.parcels).label("parcels"),
            func.sum(Rollup.beneficiaries).label("beneficiaries"),
        )
        .select_from(Rollup)
        .join(ActivityKind, ActivityKind.id == Rollup.key_id)
        .where(*scope.rollups("kind"))
        .group_by(ActivityKind.id, ActivityKind.code, ActivityKind.label_id, ActivityKind.label_en)
        .order_by(activities.desc(), ActivityKind.code)
    )
    return tuple(
        KindRow(
            r.code,
            r.label_id,
            r.label_en,
            as_int(r.activities),
            as_int(r.visits),
            as_int(r.parcels),
            as_int(r.beneficiaries),
        )
        for r in rows
    )


def _by_location_kind(scope: Scope) -> tuple[LocationKindRow, ...]:
    per_location = scope.per_location()
    visits = func.sum(per_location.c.visits)
    rows = db.session.execute(
        select(
            LocationKind.code,
            LocationKind.label_id,
            LocationKind.label_en,
            visits.label("visits"),
            func.count().label("locations"),
            func.sum(per_location.c.parcels).label("parcels"),
            func.sum(per_location.c.beneficiaries).label("beneficiaries"),
        )
        .select_from(per_location)
        .join(Location, Location.id == per_location.c.location_id)
        .join(LocationKind, LocationKind.id == Location.kind_id)
        .group_by(LocationKind.id, LocationKind.code, LocationKind.label_id, LocationKind.label_en)
        .order_by(visits.desc(), LocationKind.code)
    )
    return tuple(
        LocationKindRow(
            r.code,
            r.label_id,
            r.label_en,
            as_int(r.visits),
            as_int(r.locations),
            as_int(r.parcels),
            as_int(r.beneficiaries),
        )
        for r in rows
    )


def _by_district(scope: Scope) -> tuple[DistrictRow, ...]:
    """Visits, distinct places, parcels and beneficiaries per kecamatan: one aggregate over the scope's location
    rollups joined to the places' district codes; the names come from ``services.regions`` (official, by code)."""
    per_location = scope.per_location()
    visits = func.sum(per_location.c.visits)
    rows = db.session.execute(
        select(
            Location.district_code,
            visits.label("visits"),
            func.count().label("locations"),
            func.sum(per_location.c.parcels).label("parcels"),
            func.sum(per_location.c.beneficiaries).label("beneficiaries"),
        )
        .select_from(per_location)
        .join(Location, Location.id == per_location.c.location_id)
        .group_by(Location.district_code)
    ).all()
    names = regions.names_of({r.district_code for r in rows if r.district_code})
    names |= regions.names_of({r.district_code.rsplit(".", 1)[0] for r in rows if r.district_code})
    out = [
        DistrictRow(
            r.district_code,
            names.get(r.district_code, r.district_code) if r.district_code else "",
            names.get(r.district_code.rsplit(".", 1)[0], "") if r.district_code else "",
            as_int(r.visits),
            as_int(r.locations),
            as_int(r.parcels),
            as_int(r.beneficiaries),
        )
        for r in rows
    ]
    out.sort(key=lambda r: (r.code is None, -r.visits, r.code or ""))
    return tuple(out)


def _by_message(scope: Scope) -> tuple[MessageFigures, ...]:
    deliveries = func.sum(Rollup.amount)
    rows = db.session.execute(
        select(
            KamtibmasMessage.code,
            KamtibmasMessage.label_id,
            KamtibmasMessage.label_en,
            deliveries.label("deliveries"),
            func.sum(Rollup.activities).label("activities"),
        )
        .select_from(Rollup)
        .outerjoin(KamtibmasMessage, KamtibmasMessage.id == Rollup.key_id)  # key 0: free text
        .where(*scope.rollups("message"))
        .group_by(
            KamtibmasMessage.id, KamtibmasMessage.code, KamtibmasMessage.label_id, KamtibmasMessage.label_en
        )
        .order_by(deliveries.desc(), KamtibmasMessage.code)
    )
    return tuple(
        MessageFigures(
            r.code,
            r.label_id or "Imbauan lain (teks bebas)",
            r.label_en or "Other messages (free text)",
            as_int(r.deliveries),
            as_int(r.activities),
        )
        for r in rows
    )


def _fill(found: dict[date, TrendRow], grain: str) -> tuple[TrendRow, ...]:
    if not found:
        return ()
    # Fill the empty periods between the first and the last one, so a chart's x axis is even.
    keys = sorted(found)
    result: list[TrendRow] = []
    current, last = keys[0], keys[-1]
    while current <= last:
        result.append(found.get(current) or TrendRow(current, 0, 0, 0, 0))
        if grain == "week":
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return tuple(result)


def _trends(scope: Scope) -> tuple[tuple[TrendRow, ...], tuple[TrendRow, ...]]:
    """Monthly and (ISO, Monday-based) weekly trends from one ``GROUP BY day``: the days in the period are
    few (hundreds), so both bucketings run in Python over the grouped days."""
    rows = db.session.execute(
        select(
            Rollup.day.label("occurred_on"),
            func.sum(Rollup.activities).label("activities"),
            func.sum(Rollup.visits).label("visits"),
            func.sum(Rollup.parcels).label("parcels"),
            func.sum(Rollup.beneficiaries).label("beneficiaries"),
        )
        .where(*scope.rollups("unit"))
        .group_by(Rollup.day)
    )
    months: dict[date, list[int]] = {}
    weeks: dict[date, list[int]] = {}
    for r in rows:
        day = as_date(r.occurred_on)
        if day is None:
            continue
        figures = (as_int(r.activities), as_int(r.visits), as_int(r.parcels), as_int(r.beneficiaries))
        for bucket, start in ((months, day.replace(day=1)), (weeks, day - timedelta(days=day.weekday()))):
            sums = bucket.setdefault(start, [0, 0, 0, 0])
            for i, value in enumerate(figures):
                sums[i] += value
    return (
        _fill({k: TrendRow(k, *v) for k, v in months.items()}, "month"),
        _fill({k: TrendRow(k, *v) for k, v in weeks.items()}, "week"),
    )


def _leaders(scope: Scope) -> tuple[LeaderRow, ...]:
    activities, visits = func.sum(Rollup.activities), func.sum(Rollup.visits)
    leader_unit = aliased(Unit, name="leader_unit")
    rows = db.session.execute(
        select(
            Leader.rank,
            Leader.name,
            Leader.degrees,
            Leader.nrp,
            leader_unit.name.label("unit_name"),
            activities.label("activities"),
            visits.label("visits"),
            func.sum(Rollup.parcels).label("parcels"),
        )
        .select_from(Rollup)
        .join(Leader, Leader.id == Rollup.key_id)
        .outerjoin(leader_unit, leader_unit.id == Leader.unit_id)
        .where(*scope.rollups("leader"))
        .group_by(Leader.id, Leader.rank, Leader.name, Leader.degrees, Leader.nrp, leader_unit.name)
        .order_by(activities.desc(), visits.desc(), Leader.name, Leader.id)
        .limit(TOP_LEADERS)
    )
    return tuple(
        LeaderRow(
            r.rank,
            r.name,
            r.degrees,
            as_int(r.activities),
            as_int(r.visits),
            as_int(r.parcels),
            r.nrp,
            r.unit_name,
        )
        for r in rows
    )
