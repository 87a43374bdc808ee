"""The result types of the figures: frozen and named, so templates, the PDF and JSON read them by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from outreach.models import (
    ActivityStatus,
    Indicator,
)
from outreach.services.stats.filter import StatsFilter


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


class UnitFigures(NamedTuple):
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


class MessageFigures(NamedTuple):
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
    by_unit: tuple[UnitFigures, ...]
    by_kind: tuple[KindRow, ...]
    by_location_kind: tuple[LocationKindRow, ...]
    #: Per kecamatan (Kemendagri district code), biggest first; places without a code last, in one row.
    by_district: tuple[DistrictRow, ...]
    by_message: tuple[MessageFigures, ...]
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


class VisitedMap(NamedTuple):
    """The map's points (the most visited located places) and the number of distinct places visited in the
    scope, located or not (the dashboard's "the N most visited of M")."""

    points: tuple[MapPoint, ...]
    locations: int
