"""The dashboard's figures (:func:`summarize`): totals, targets, breakdowns by unit, kind, place, district and
message, trends and the most active leaders — each one SQL ``GROUP BY`` over the rollups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Executable,
    Integer,
    String,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
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
    Shape,
    as_date,
    as_int,
    as_of_date,
    dialect,
    level_value,
    location_conditions,
    progress,
    resolve_scope,
    rollup_conditions,
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
    units = _child_units(scope)
    places = _place_figures(scope)
    figures, totals_row = _unit_figures(scope, places.by_child)
    by_location_kind = places.by_kind
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
    dimensions = _dimensions(scope)
    return Summary(
        filters=filters,
        statuses=tuple(scope.statuses),
        unit=UnitRef(root.code, root.name, level_value(root.level), parent_code),
        programme=ProgrammeRef(programme.id, programme.name, programme.start_on, programme.end_on)
        if programme
        else None,
        as_of=as_of,
        totals=totals,
        items=dimensions.items,
        by_unit=_by_unit(root, units, figures, targets_by_unit, programme, as_of),
        by_kind=dimensions.kinds,
        by_location_kind=by_location_kind,
        by_district=places.by_district,
        by_message=dimensions.messages,
        by_month=by_month,
        by_week=by_week,
        leaders=dimensions.leaders,
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


def _targets(programme: Programme | None) -> dict[int | None, dict[Indicator, int]]:
    if programme is None:
        return {}
    found: dict[int | None, dict[Indicator, int]] = {}
    for r in db.session.execute(_TARGETS, {"programme_id": programme.id}):
        found.setdefault(r.unit_id, {})[r.indicator] = r.target
    return found


_TARGETS = select(ProgrammeTarget.unit_id, ProgrammeTarget.indicator, ProgrammeTarget.target).where(
    ProgrammeTarget.programme_id == bindparam("programme_id")
)


class _UnitInfo(NamedTuple):
    id: int
    code: str
    name: str
    level: Any
    path: str
    parent_id: int | None
    is_active: bool
    has_children: bool


def _child_units_statement() -> Executable:
    grandchild = aliased(Unit, name="grandchild")
    has_children = select(grandchild.id).where(grandchild.parent_id == Unit.id).exists()
    root_id: Any = bindparam("root_id")
    return (
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
        # The root's parent: ``id = NULL`` matches nothing for the one root.
        .where(or_(Unit.parent_id == root_id, Unit.id == root_id, Unit.id == bindparam("root_parent_id")))
        .order_by(case((Unit.id == root_id, 0), else_=1), Unit.name)
    )


_CHILD_UNITS = _child_units_statement()


def _child_units(scope: Scope) -> list[_UnitInfo]:
    """The root, its children (root first, then the children by name) and its parent, in one statement."""
    return [_UnitInfo(*r) for r in db.session.execute(_CHILD_UNITS, scope.params)]


def _unit_figures(scope: Scope, locations: dict[int, int]) -> tuple[dict[int, Any], dict[str, int]]:
    """Activity figures per child of the root (by unit id; the root's own activities under its own id), with
    the distinct ``locations`` per child, and the totals (the sums over the children: every activity lies under
    exactly one)."""
    activity_rows = db.session.execute(_unit_figures_statement(scope.shape), scope.params).all()
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


@cache
def _unit_figures_statement(shape: Shape) -> Executable:
    return (
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
        .where(*rollup_conditions("unit", shape))
        .group_by(Rollup.key_id)
    )


class _Places(NamedTuple):
    by_child: dict[int, int]
    by_kind: tuple[LocationKindRow, ...]
    by_district: tuple[DistrictRow, ...]


def _child_of(dialect_name: str) -> Any:
    """Each unit of the root's subtree with the child of the root it lies under (the root for itself), computed
    from the units' paths (``/1/4/9/12/`` under ``/1/4/`` lies under 9): thousands of unit rows, not a path
    operation per location row. The root comes from the bound ``root_*`` parameters."""
    size = bindparam("root_path_length", type_=Integer)
    rest = func.substr(Unit.path, size + 1)
    slash = func.strpos(rest, "/") if dialect_name == "postgresql" else func.instr(rest, "/")
    child = case(
        (Unit.id == bindparam("root_id"), Unit.id),
        else_=func.cast(func.substr(Unit.path, size + 1, slash - 1), Integer),
    )
    return (
        select(Unit.id.label("unit_id"), child.label("child_id"))
        .where(Unit.path.like(bindparam("root_prefix")))
        .cte("child_of")
    )


def _place_figures(scope: Scope) -> _Places:
    """Distinct locations per child of the root, and visits, distinct places, parcels and beneficiaries per kind
    of location and per kecamatan, in one statement and one pass over the location rollups (they were three:
    at the national scope each pass groups millions of rows).

    The pass groups the rollups by (child, location); the child rows count the locations per child; a second,
    small grouping by location (a place visited under two children counts once) feeds one row per (kind,
    kecamatan). Every place has exactly one kind and one kecamatan, so the kind and kecamatan figures are sums
    of those rows, added up here over at most kinds × kecamatan rows."""
    rows = db.session.execute(_place_statement(scope.shape, dialect()), scope.params).all()
    by_child = {int(r.key): as_int(r.locations) for r in rows if r.part == "child"}
    kinds: dict[int, list[int]] = {}
    districts: dict[str | None, list[int]] = {}
    for r in rows:  # grouped rows: at most kinds × kecamatan, not one per visit or place
        if r.part != "place":
            continue
        figures = (as_int(r.visits), as_int(r.locations), as_int(r.parcels), as_int(r.beneficiaries))
        for sums in (
            kinds.setdefault(int(r.key), [0, 0, 0, 0]),
            districts.setdefault(r.district, [0, 0, 0, 0]),
        ):
            for i, value in enumerate(figures):
                sums[i] += value
    return _Places(by_child, _location_kinds(kinds), _districts(districts))


@cache
def _place_statement(shape: Shape, dialect_name: str) -> Executable:
    child_of = _child_of(dialect_name)
    per_child = (
        select(
            child_of.c.child_id,
            LocationRollup.location_id,
            func.sum(LocationRollup.visits).label("visits"),
            func.sum(LocationRollup.parcels).label("parcels"),
            func.sum(LocationRollup.beneficiaries).label("beneficiaries"),
        )
        # An outer join, so that the rollups are the outer loop, read in their own order: as an inner join SQLite
        # looped over the units and sought each one's rows (8 s against 3 s nationally at 1M). Every row's
        # unit lies in the subtree (``location_conditions`` say so), so no row goes without its child.
        .outerjoin(child_of, child_of.c.unit_id == LocationRollup.unit_id)
        .where(*location_conditions(shape))
        .group_by(child_of.c.child_id, LocationRollup.location_id)
        .cte("per_child")
    )
    per_place = (
        select(
            per_child.c.location_id,
            func.sum(per_child.c.visits).label("visits"),
            func.sum(per_child.c.parcels).label("parcels"),
            func.sum(per_child.c.beneficiaries).label("beneficiaries"),
        )
        .group_by(per_child.c.location_id)
        .subquery("per_place")
    )
    children = select(
        literal("child").label("part"),
        per_child.c.child_id.label("key"),
        null().label("district"),
        func.count().label("locations"),
        literal(0).label("visits"),
        literal(0).label("parcels"),
        literal(0).label("beneficiaries"),
    ).group_by(per_child.c.child_id)
    places = (
        select(
            literal("place").label("part"),
            Location.kind_id.label("key"),
            Location.district_code.label("district"),
            func.count().label("locations"),
            func.sum(per_place.c.visits).label("visits"),
            func.sum(per_place.c.parcels).label("parcels"),
            func.sum(per_place.c.beneficiaries).label("beneficiaries"),
        )
        .select_from(per_place)
        .join(Location, Location.id == per_place.c.location_id)
        .group_by(Location.kind_id, Location.district_code)
    )
    return union_all(children, places)


_LOCATION_KINDS = select(
    LocationKind.id, LocationKind.code, LocationKind.label_id, LocationKind.label_en
).where(LocationKind.id.in_(bindparam("ids", expanding=True)))


def _location_kinds(found: dict[int, list[int]]) -> tuple[LocationKindRow, ...]:
    """The kinds of location with their figures (visits, places, parcels, beneficiaries), most visited first."""
    if not found:
        return ()
    labels = db.session.execute(_LOCATION_KINDS, {"ids": list(found)})
    rows = [LocationKindRow(r.code, r.label_id, r.label_en, *found[r.id]) for r in labels]
    rows.sort(key=lambda r: (-r.visits, r.code))
    return tuple(rows)


def _districts(found: dict[str | None, list[int]]) -> tuple[DistrictRow, ...]:
    """The kecamatan with their figures; the names come from ``services.regions`` (official, by code)."""
    codes = {c for c in found if c}
    names = regions.names_of(codes) | regions.names_of({c.rsplit(".", 1)[0] for c in codes})
    out = [
        DistrictRow(
            code,
            names.get(code, code) if code else "",
            names.get(code.rsplit(".", 1)[0], "") if code else "",
            *found[code],
        )
        for code in found
    ]
    out.sort(key=lambda r: (r.code is None, -r.visits, r.code or ""))
    return tuple(out)


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
    rows = db.session.execute(_trends_statement(scope.shape), scope.params)
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


@cache
def _trends_statement(shape: Shape) -> Executable:
    return (
        select(
            Rollup.day.label("occurred_on"),
            func.sum(Rollup.activities).label("activities"),
            func.sum(Rollup.visits).label("visits"),
            func.sum(Rollup.parcels).label("parcels"),
            func.sum(Rollup.beneficiaries).label("beneficiaries"),
        )
        .where(*rollup_conditions("unit", shape))
        .group_by(Rollup.day)
    )


class _Dimensions(NamedTuple):
    items: tuple[ItemTotal, ...]
    kinds: tuple[KindRow, ...]
    messages: tuple[MessageFigures, ...]
    leaders: tuple[LeaderRow, ...]


def _dimensions(scope: Scope) -> _Dimensions:
    """The small breakdowns – activity kinds, items, kamtibmas messages and the most active leaders – in one
    statement over the rollups (one ``UNION ALL`` arm per dimension, each labelled by ``part``): for a Polsek
    the time goes to statements, not rows. Each arm returns tens of grouped rows (leaders: the top ten)."""
    rows: Sequence[Any] = db.session.execute(_dimensions_statement(scope.shape), scope.params).all()
    by_part: dict[str, list[Any]] = {"kind": [], "item": [], "message": [], "leader": []}
    for r in rows:  # tens of grouped rows
        by_part[r.part].append(r)
    # The orders of the four statements this one replaced; an unlabelled key (free text) comes last.
    by_part["kind"].sort(key=lambda r: (-as_int(r.activities), r.code or ""))
    by_part["item"].sort(key=lambda r: (r.sort_key is None, r.sort_key or 0))
    by_part["message"].sort(key=lambda r: (-as_int(r.amount), r.code is None, r.code or ""))
    by_part["leader"].sort(key=lambda r: (-as_int(r.activities), -as_int(r.visits), r.name, r.sort_key))
    return _Dimensions(
        items=tuple(
            ItemTotal(r.code, r.label_id or "Lainnya", r.label_en or "Other", as_int(r.amount))
            for r in by_part["item"]
        ),
        kinds=tuple(
            KindRow(
                r.code,
                r.label_id,
                r.label_en,
                as_int(r.activities),
                as_int(r.visits),
                as_int(r.parcels),
                as_int(r.beneficiaries),
            )
            for r in by_part["kind"]
        ),
        messages=tuple(
            MessageFigures(
                r.code,
                r.label_id or "Imbauan lain (teks bebas)",
                r.label_en or "Other messages (free text)",
                as_int(r.amount),
                as_int(r.activities),
            )
            for r in by_part["message"]
        ),
        leaders=tuple(
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
            for r in by_part["leader"]
        ),
    )


@cache
def _dimensions_statement(shape: Shape) -> Executable:
    text_none, number = null().cast(String), literal(0)

    def arm(part: str, code: Any, label_id: Any, label_en: Any, *, sort: Any = number, **sums: Any) -> Any:
        values = {
            name: sums.get(name, number) for name in ("activities", "visits", "parcels", "beneficiaries")
        }
        return [
            literal(part).label("part"),
            code.label("code"),
            label_id.label("label_id"),
            label_en.label("label_en"),
            *(text_none.label(n) for n in ("rank", "name", "degrees", "nrp", "unit_name")),
            *(value.label(name) for name, value in values.items()),
            sums.get("amount", number).label("amount"),
            sort.label("sort_key"),
        ]

    activities, visits, parcels = (
        func.sum(Rollup.activities),
        func.sum(Rollup.visits),
        func.sum(Rollup.parcels),
    )
    kinds = (
        select(
            *arm(
                "kind",
                ActivityKind.code,
                ActivityKind.label_id,
                ActivityKind.label_en,
                activities=activities,
                visits=visits,
                parcels=parcels,
                beneficiaries=func.sum(Rollup.beneficiaries),
            )
        )
        .join(ActivityKind, ActivityKind.id == Rollup.key_id)
        .where(*rollup_conditions("kind", shape))
        .group_by(ActivityKind.id, ActivityKind.code, ActivityKind.label_id, ActivityKind.label_en)
    )
    items = (
        select(
            *arm(
                "item",
                ItemKind.code,
                ItemKind.label_id,
                ItemKind.label_en,
                amount=func.sum(Rollup.amount),
                sort=ItemKind.sort_order,
            )
        )
        .select_from(Rollup)
        .outerjoin(ItemKind, ItemKind.id == Rollup.key_id)  # key 0: free-text items
        .where(*rollup_conditions("item", shape))
        .group_by(ItemKind.id, ItemKind.code, ItemKind.label_id, ItemKind.label_en, ItemKind.sort_order)
    )
    messages = (
        select(
            *arm(
                "message",
                KamtibmasMessage.code,
                KamtibmasMessage.label_id,
                KamtibmasMessage.label_en,
                activities=activities,
                amount=func.sum(Rollup.amount),
            )
        )
        .select_from(Rollup)
        .outerjoin(KamtibmasMessage, KamtibmasMessage.id == Rollup.key_id)  # key 0: free text
        .where(*rollup_conditions("message", shape))
        .group_by(
            KamtibmasMessage.id, KamtibmasMessage.code, KamtibmasMessage.label_id, KamtibmasMessage.label_en
        )
    )
    # Summed per leader id first, then joined to the leaders: nationally the rollups hold about one leader row
    # per activity (~1M at N = 1M), and joining each of them to its leader and unit before grouping took 2.5 s
    # of SQLite's 8 s national summary, against 0.6 s for the grouping alone (the join then meets one row per
    # leader). The ranking's ties are broken by name, so the join comes before the limit.
    per_leader = (
        select(
            Rollup.key_id.label("leader_id"),
            activities.label("activities"),
            visits.label("visits"),
            parcels.label("parcels"),
        )
        .where(*rollup_conditions("leader", shape))
        .group_by(Rollup.key_id)
        .subquery("per_leader")
    )
    leader_unit = aliased(Unit, name="leader_unit")
    top = (
        select(
            Leader.id,
            Leader.rank,
            Leader.name,
            Leader.degrees,
            Leader.nrp,
            leader_unit.name.label("unit_name"),
            per_leader.c.activities,
            per_leader.c.visits,
            per_leader.c.parcels,
        )
        .select_from(per_leader)
        .join(Leader, Leader.id == per_leader.c.leader_id)
        .outerjoin(leader_unit, leader_unit.id == Leader.unit_id)
        .order_by(per_leader.c.activities.desc(), per_leader.c.visits.desc(), Leader.name, Leader.id)
        .limit(TOP_LEADERS)
        .subquery("top_leaders")
    )
    leaders = select(
        literal("leader").label("part"),
        *(text_none.label(n) for n in ("code", "label_id", "label_en")),
        top.c.rank,
        top.c.name,
        top.c.degrees,
        top.c.nrp,
        top.c.unit_name,
        top.c.activities,
        top.c.visits,
        top.c.parcels,
        number.label("beneficiaries"),
        number.label("amount"),
        top.c.id.label("sort_key"),
    )
    return union_all(kinds, items, messages, leaders)
