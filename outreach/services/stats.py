"""The one aggregation module: dashboard, API stats and programme reports all read their figures from here.

Every figure is an SQL ``GROUP BY`` over the rollup tables (:mod:`outreach.models.rollup`), kept equal to the
raw rows in the same transaction as every write: per-scope, per-day sums for activity figures, kinds, items
and messages (a Polda reads its own rows, a few per child unit and day, never its activities), and per-unit,
per-location, per-day rows for distinct locations, location kinds and the map. Only the gaps read the raw
activities (through covering indexes).
A call issues a fixed number of statements whatever the data size, and no Python loop runs over activity rows
(only over the small grouped results).

Rules shared by every function here:
- the unit scope is the chosen unit's subtree (``unit_code`` must lie in the user's subtree, else NotFound);
- soft-deleted activities never count;
- the default statuses are submitted and verified; PR users only ever see verified activities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Subquery, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from outreach.extensions import db
from outreach.models import (
    Activity,
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
    Role,
    Rollup,
    Unit,
    User,
    Visit,
)
from outreach.models.types import MAX_ID
from outreach.services import filters as shared
from outreach.services import regions
from outreach.services.activities import local_today
from outreach.services.errors import NotFound
from outreach.services.scope import get_unit_in_scope, is_whole_tree, subtree_ids_query

DEFAULT_STATUSES = shared.DEFAULT_STATUSES
TOP_LEADERS = 10
GAP_LIST_LIMIT = 200
#: The map and its table show the most visited locations, at most this many (a national map of 100,000
#: markers would be unreadable and the page enormous).
MAP_POINT_LIMIT = 500


# --------------------------------------------------------------------------------------------- filters


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


# --------------------------------------------------------------------------------------------- result types


class UnitRef(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str | None


class ProgrammeRef(NamedTuple):
    id: int
    name: str
    start_on: date
    end_on: date


@dataclass(frozen=True)
class Totals:
    activities: int = 0
    verified_activities: int = 0
    visits: int = 0
    locations: int = 0
    parcels: int = 0
    beneficiaries: int = 0
    messages: int = 0

    def get(self, indicator: Indicator) -> int:
        return int(getattr(self, indicator.value))


class ItemTotal(NamedTuple):
    code: str | None
    label_id: str
    label_en: str
    quantity: int


class TargetProgress(NamedTuple):
    indicator: str
    target: int
    achieved: int
    expected: int
    on_track: bool
    percent: float
    #: "unit" when the target is set for the chosen unit, "programme" for the programme-wide target.
    scope: str


class UnitRow(NamedTuple):
    code: str
    name: str
    level: str
    #: True for the chosen unit's own activities (recorded at the unit itself, not below it).
    is_self: bool
    has_children: bool
    activities: int
    visits: int
    locations: int
    parcels: int
    beneficiaries: int
    last_activity_on: date | None
    targets: tuple[TargetProgress, ...]

    def target(self, indicator: str) -> TargetProgress | None:
        return next((t for t in self.targets if t.indicator == indicator), None)


class KindRow(NamedTuple):
    code: str | None
    label_id: str
    label_en: str
    activities: int
    visits: int
    parcels: int
    beneficiaries: int


class LocationKindRow(NamedTuple):
    code: str
    label_id: str
    label_en: str
    visits: int
    locations: int
    parcels: int
    beneficiaries: int


class DistrictRow(NamedTuple):
    """One kecamatan (by its Kemendagri code, with the official names); ``code`` None: places not placed in one."""

    code: str | None
    name: str
    regency: str
    visits: int
    locations: int
    parcels: int
    beneficiaries: int


class MessageRow(NamedTuple):
    code: str | None
    label_id: str
    label_en: str
    deliveries: int
    activities: int


class TrendRow(NamedTuple):
    period_start: date
    activities: int
    visits: int
    parcels: int
    beneficiaries: int


class LeaderRow(NamedTuple):
    """One leader (a person: see :class:`~outreach.models.rollup.Leader`) and their figures. ``nrp`` or, for
    a leader known by rank and name only, ``unit_name`` tells apart two leaders who share a rank and name."""

    rank: str
    name: str
    degrees: str | None
    activities: int
    visits: int
    parcels: int
    nrp: str | None = None
    unit_name: str | None = None

    @property
    def distinction(self) -> str:
        """What tells this leader apart from a namesake: "NRP 76030412", or the unit's name."""
        if self.nrp:
            return f"NRP {self.nrp}"
        return self.unit_name or ""


@dataclass(frozen=True)
class Summary:
    filters: StatsFilter
    statuses: tuple[ActivityStatus, ...]
    unit: UnitRef
    programme: ProgrammeRef | None
    as_of: date
    totals: Totals
    items: tuple[ItemTotal, ...]
    by_unit: tuple[UnitRow, ...]
    by_kind: tuple[KindRow, ...]
    by_location_kind: tuple[LocationKindRow, ...]
    #: Per kecamatan (Kemendagri district code), biggest first; places without a code last, in one row.
    by_district: tuple[DistrictRow, ...]
    by_message: tuple[MessageRow, ...]
    by_month: tuple[TrendRow, ...]
    by_week: tuple[TrendRow, ...]
    leaders: tuple[LeaderRow, ...]
    targets: tuple[TargetProgress, ...]

    def target(self, indicator: str) -> TargetProgress | None:
        """The progress against the target for ``indicator`` ("parcels" …), if the programme sets one."""
        return next((t for t in self.targets if t.indicator == indicator), None)


class IdleUnit(NamedTuple):
    code: str
    name: str
    level: str
    last_activity_on: date | None
    days_idle: int | None


class UnvisitedLocation(NamedTuple):
    id: int
    name: str
    kind_code: str
    kind_label_id: str
    kind_label_en: str
    address: str
    unit_code: str | None
    unit_name: str | None


class WaitingActivity(NamedTuple):
    id: int
    occurred_on: date
    title: str
    kind_label_id: str
    kind_label_en: str
    unit_code: str
    unit_name: str
    submitted_at: datetime
    days_waiting: int


@dataclass(frozen=True)
class Gaps:
    reference_date: date
    idle_days: int
    waiting_days: int
    idle_units: tuple[IdleUnit, ...]
    unvisited_locations: tuple[UnvisitedLocation, ...]
    unvisited_total: int
    waiting: tuple[WaitingActivity, ...]


class MapPoint(NamedTuple):
    location_id: int
    name: str
    latitude: float
    longitude: float
    kind_code: str
    kind_label_id: str
    kind_label_en: str
    visits: int
    parcels: int
    beneficiaries: int


# --------------------------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Scope:
    root: Unit
    programme: Programme | None
    statuses: list[ActivityStatus]
    filters: StatsFilter
    #: The ids of the root's subtree, or None for the whole tree (no unit filter then).
    unit_ids: list[int] | None

    def rollups(self, dim: str) -> list[ColumnElement[bool]]:
        """Conditions on the ``rollups`` rows of ``dim`` for this scope."""
        conditions = [
            Rollup.scope_unit_id == self.root.id,
            Rollup.dim == dim,
            Rollup.status.in_(self.statuses),
        ]
        return conditions + _period(Rollup.programme_id, Rollup.day, self.filters)

    def per_location(self) -> Subquery:
        """Visits, parcels and beneficiaries per location in scope: one pass over the location rollups, so the
        caller joins only the distinct locations (to their kind, their coordinates)."""
        return (
            select(
                LocationRollup.location_id,
                func.sum(LocationRollup.visits).label("visits"),
                func.sum(LocationRollup.parcels).label("parcels"),
                func.sum(LocationRollup.beneficiaries).label("beneficiaries"),
            )
            .where(*self.locations())
            .group_by(LocationRollup.location_id)
            .subquery()
        )

    def locations(self) -> list[ColumnElement[bool]]:
        """Conditions on the ``location_rollups`` rows of this scope (the root's subtree)."""
        conditions = [LocationRollup.status.in_(self.statuses)]
        if self.unit_ids is not None:
            # The ids themselves, not a subquery: PostgreSQL then sees how few units a Polda has and probes the
            # primary key per unit instead of scanning every row (225 ms → a few ms for a Polda at 1M).
            conditions.append(LocationRollup.unit_id.in_(self.unit_ids))
        return conditions + _period(LocationRollup.programme_id, LocationRollup.day, self.filters)


def _period(programme_id: Any, day: Any, filters: StatsFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.programme_id is not None:
        conditions.append(programme_id == filters.programme_id)
    if filters.date_from:
        conditions.append(day >= filters.date_from)
    if filters.date_to:
        conditions.append(day <= filters.date_to)
    return conditions


def _resolve(user: User, filters: StatsFilter) -> _Scope:
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
    unit_ids = None if is_whole_tree(root) else list(db.session.scalars(subtree_ids_query(root)))
    return _Scope(root, programme, statuses, filters, unit_ids)


def _activity_conditions(
    root: Unit, filters: StatsFilter, statuses: list[ActivityStatus], *, dated: bool
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        Activity.status.in_(statuses),
        Activity.unit_id.in_(subtree_ids_query(root)),
    ]
    if filters.programme_id is not None:
        conditions.append(Activity.programme_id == filters.programme_id)
    if dated and filters.date_from:
        conditions.append(Activity.occurred_on >= filters.date_from)
    if dated and filters.date_to:
        conditions.append(Activity.occurred_on <= filters.date_to)
    return conditions


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _int(value: Any) -> int:
    return int(value or 0)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_of(programme: Programme | None, filters: StatsFilter, today: date) -> date:
    as_of = today
    if filters.date_to and filters.date_to < as_of:
        as_of = filters.date_to
    if programme is not None and programme.end_on < as_of:
        as_of = programme.end_on
    return as_of


def _progress(
    indicator: Indicator, target: int, achieved: int, programme: Programme, as_of: date, scope: str
) -> TargetProgress:
    days = (programme.end_on - programme.start_on).days + 1
    elapsed = min(max((as_of - programme.start_on).days + 1, 0), days)
    expected = round(target * elapsed / days) if days > 0 else target
    percent = round(100.0 * achieved / target, 1) if target else 100.0
    return TargetProgress(indicator.value, target, achieved, expected, achieved >= expected, percent, scope)


def _level(value: Any) -> str:
    return str(getattr(value, "value", value))


# --------------------------------------------------------------------------------------------- summarize


def summarize(user: User, filters: StatsFilter, *, today: date | None = None) -> Summary:
    """Every figure of the dashboard for ``filters`` as seen by ``user``."""
    scope = _resolve(user, filters)
    root, programme = scope.root, scope.programme
    as_of = _as_of(programme, filters, today or local_today())

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
        elif _runs_programme(root, programme):
            chosen, kind = targets_by_unit.get(None, {}), "programme"
        for indicator in Indicator:
            if indicator in chosen:
                overall_targets.append(
                    _progress(indicator, chosen[indicator], totals.get(indicator), programme, as_of, kind)
                )

    parent_code = next((u.code for u in units if u.id == root.parent_id), None) if root.parent_id else None
    by_month, by_week = _trends(scope)
    return Summary(
        filters=filters,
        statuses=tuple(scope.statuses),
        unit=UnitRef(root.code, root.name, _level(root.level), parent_code),
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


def _runs_programme(root: Unit, programme: Programme) -> bool:
    """Whether the programme-wide target is ``root``'s: ``root`` is the unit that runs the programme or
    lies above it (the whole tree for a national programme). A unit below it is scored against its own
    target only, never against the whole programme's figure (a Polsek is not behind a Polres's 600)."""
    if programme.unit_id is None:
        return root.parent_id is None
    if programme.unit_id == root.id:
        return True
    runner = db.session.get(Unit, programme.unit_id)
    return runner is not None and runner.path.startswith(root.path) and runner.path != root.path


def _items(scope: _Scope) -> tuple[ItemTotal, ...]:
    rows = db.session.execute(
        select(ItemKind.code, ItemKind.label_id, ItemKind.label_en, func.sum(Rollup.amount).label("qty"))
        .select_from(Rollup)
        .outerjoin(ItemKind, ItemKind.id == Rollup.key_id)  # key 0: free-text items
        .where(*scope.rollups("item"))
        .group_by(ItemKind.id, ItemKind.code, ItemKind.label_id, ItemKind.label_en, ItemKind.sort_order)
        .order_by(ItemKind.sort_order)
    )
    return tuple(ItemTotal(r.code, r.label_id or "Lainnya", r.label_en or "Other", _int(r.qty)) for r in rows)


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
    slash = func.strpos(rest, "/") if _dialect() == "postgresql" else func.instr(rest, "/")
    return func.substr(Unit.path, 1, size + slash)


def _unit_figures(scope: _Scope) -> tuple[dict[int, Any], dict[str, int]]:
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
    locations = {int(r.child_key.rstrip("/").rsplit("/", 1)[-1]): _int(r.locations) for r in location_rows}
    names = ("activities", "verified", "visits", "parcels", "beneficiaries", "messages")
    totals = {n: sum(_int(getattr(r, n)) for r in activity_rows) for n in names}
    figures = {
        r.key_id: {
            **{n: _int(getattr(r, n)) for n in names},
            "last_on": _as_date(r.last_on),
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
) -> tuple[UnitRow, ...]:
    """One row per child of ``root`` rolled up over the child's subtree, plus ``root``'s own activities."""
    rows: list[UnitRow] = []
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
                _progress(ind, own[ind], achieved[ind], programme, as_of, "unit")
                for ind in Indicator
                if ind in own and ind is not Indicator.MESSAGES
            )
        rows.append(
            UnitRow(
                code=u.code,
                name=u.name,
                level=_level(u.level),
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


def _by_kind(scope: _Scope) -> tuple[KindRow, ...]:
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
            _int(r.activities),
            _int(r.visits),
            _int(r.parcels),
            _int(r.beneficiaries),
        )
        for r in rows
    )


def _by_location_kind(scope: _Scope) -> tuple[LocationKindRow, ...]:
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
            _int(r.visits),
            _int(r.locations),
            _int(r.parcels),
            _int(r.beneficiaries),
        )
        for r in rows
    )


def _by_district(scope: _Scope) -> tuple[DistrictRow, ...]:
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
            _int(r.visits),
            _int(r.locations),
            _int(r.parcels),
            _int(r.beneficiaries),
        )
        for r in rows
    ]
    out.sort(key=lambda r: (r.code is None, -r.visits, r.code or ""))
    return tuple(out)


def _by_message(scope: _Scope) -> tuple[MessageRow, ...]:
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
        MessageRow(
            r.code,
            r.label_id or "Imbauan lain (teks bebas)",
            r.label_en or "Other messages (free text)",
            _int(r.deliveries),
            _int(r.activities),
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


def _trends(scope: _Scope) -> tuple[tuple[TrendRow, ...], tuple[TrendRow, ...]]:
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
        day = _as_date(r.occurred_on)
        if day is None:
            continue
        figures = (_int(r.activities), _int(r.visits), _int(r.parcels), _int(r.beneficiaries))
        for bucket, start in ((months, day.replace(day=1)), (weeks, day - timedelta(days=day.weekday()))):
            sums = bucket.setdefault(start, [0, 0, 0, 0])
            for i, value in enumerate(figures):
                sums[i] += value
    return (
        _fill({k: TrendRow(k, *v) for k, v in months.items()}, "month"),
        _fill({k: TrendRow(k, *v) for k, v in weeks.items()}, "week"),
    )


def _leaders(scope: _Scope) -> tuple[LeaderRow, ...]:
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
            _int(r.activities),
            _int(r.visits),
            _int(r.parcels),
            r.nrp,
            r.unit_name,
        )
        for r in rows
    )


# --------------------------------------------------------------------------------------------- gaps and map


def _idle_units(
    root: Unit, filters: StatsFilter, statuses: list[ActivityStatus], reference: date, cutoff: date
) -> list[IdleUnit]:
    """Units below ``root`` whose subtree has no activity in ``(cutoff, reference]`` (at most GAP_LIST_LIMIT).

    Two statements, neither quadratic: the last activity date per unit (one ``GROUP BY unit_id`` over
    ``ix_activities_unit_date``), then the subtree's units in tree order; the per-unit dates are rolled up
    the tree in Python over the unit rows (units are thousands, never activity rows).
    """
    undated = _activity_conditions(root, filters, statuses, dated=False)
    last_by_unit = {
        r.unit_id: _as_date(r.last_on)
        for r in db.session.execute(
            select(Activity.unit_id, func.max(Activity.occurred_on).label("last_on"))
            .where(*undated, Activity.occurred_on <= reference)
            .group_by(Activity.unit_id)
        )
    }
    units = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.level, Unit.path, Unit.is_active)
        .where(Unit.id.in_(subtree_ids_query(root)))
        .order_by(Unit.path)
    ).all()
    # Every unit's latest date goes to each of its ancestors (the ids along its materialised path).
    rolled: dict[str, date] = {}
    for u in units:
        last = last_by_unit.get(u.id)
        if last is None:
            continue
        for part in u.path.strip("/").split("/"):
            known = rolled.get(part)
            if known is None or last > known:
                rolled[part] = last
    idle: list[IdleUnit] = []
    for u in units:
        if u.id == root.id or not u.is_active:
            continue
        last = rolled.get(str(u.id))
        if last is None or last < cutoff:
            idle.append(
                IdleUnit(u.code, u.name, _level(u.level), last, (reference - last).days if last else None)
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
    scope = _resolve(user, filters)
    root, statuses = scope.root, scope.statuses
    # "The last N days" end at the period's end: the filter's end date, the programme's end, or today.
    reference = _as_of(scope.programme, filters, today or local_today())
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
        unvisited_total = _int(loc.total)
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
            *_activity_conditions(root, filters, [ActivityStatus.SUBMITTED], dated=True),
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


def map_points(user: User, filters: StatsFilter, limit: int | None = None) -> tuple[MapPoint, ...]:
    """The ``limit`` (default :data:`MAP_POINT_LIMIT`) most visited locations that have coordinates, with their
    visit counts (most visited first)."""
    scope = _resolve(user, filters)
    per_location = scope.per_location()
    rows = db.session.execute(
        select(
            Location.id,
            Location.name,
            Location.latitude,
            Location.longitude,
            LocationKind.code.label("kind_code"),
            LocationKind.label_id,
            LocationKind.label_en,
            per_location.c.visits,
            per_location.c.parcels,
            per_location.c.beneficiaries,
        )
        .select_from(per_location)
        .join(Location, Location.id == per_location.c.location_id)
        .join(LocationKind, LocationKind.id == Location.kind_id)
        .where(Location.latitude.is_not(None), Location.longitude.is_not(None))
        .order_by(per_location.c.visits.desc(), Location.name)
        .limit(MAP_POINT_LIMIT if limit is None else limit)
    )
    return tuple(
        MapPoint(
            r.id,
            r.name,
            float(r.latitude),
            float(r.longitude),
            r.kind_code,
            r.label_id,
            r.label_en,
            _int(r.visits),
            _int(r.parcels),
            _int(r.beneficiaries),
        )
        for r in rows
    )


# --------------------------------------------------------------------------------------------- JSON


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, ActivityStatus):
        return value.value
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """A JSON-ready dict: the totals at the top level, then the breakdowns as lists of objects."""
    t = summary.totals
    return {
        "filters": {
            "programme_id": summary.filters.programme_id,
            "unit": summary.unit.code,
            "from": _jsonable(summary.filters.date_from),
            "to": _jsonable(summary.filters.date_to),
            "status": [s.value for s in summary.statuses],
        },
        "unit": _jsonable(summary.unit),
        "programme": _jsonable(summary.programme),
        "as_of": summary.as_of.isoformat(),
        "activities": t.activities,
        "verified_activities": t.verified_activities,
        "visits": t.visits,
        "locations": t.locations,
        "parcels": t.parcels,
        "beneficiaries": t.beneficiaries,
        "messages": t.messages,
        "items": _jsonable(summary.items),
        "targets": _jsonable(summary.targets),
        "by_unit": _jsonable(summary.by_unit),
        "by_kind": _jsonable(summary.by_kind),
        "by_location_kind": _jsonable(summary.by_location_kind),
        "by_district": _jsonable(summary.by_district),
        "by_message": _jsonable(summary.by_message),
        "by_month": _jsonable(summary.by_month),
        "by_week": _jsonable(summary.by_week),
        "leaders": _jsonable(summary.leaders),
    }


def map_points_to_list(points: tuple[MapPoint, ...]) -> list[dict[str, Any]]:
    """JSON-ready map points."""
    return list(_jsonable(points))


__all__ = [
    "DEFAULT_STATUSES", "Gaps", "ItemTotal", "MapPoint", "StatsFilter", "Summary", "Totals",
    "default_programme_id", "gaps", "map_points", "map_points_to_list", "summarize", "summary_to_dict",
]  # fmt: skip
