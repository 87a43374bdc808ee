"""What the API answers: response shapes as dataclasses (the OpenAPI document uses them) and builders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from outreach.models import Activity, Location, Programme, Unit
from outreach.services.activity_list import ActivityPage

from .schema import meta, to_json


@dataclass
class UnitOut:
    id: int
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str | None
    depth: int
    is_active: bool


@dataclass
class ProgrammeOut:
    id: int
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    description: str
    unit_code: str | None
    is_active: bool
    targets: dict[str, int] = field(metadata=meta(description="Overall targets by indicator."))
    lock_after_days: int | None = None


@dataclass
class LocationOut:
    id: int
    name: str
    kind: str
    village: str
    district: str
    regency: str
    province: str
    latitude: float | None
    longitude: float | None
    contact_name: str
    unit_code: str | None
    #: Kemendagri codes of the regions that matched (null where the name matched none).
    village_code: str | None
    district_code: str | None
    regency_code: str | None
    province_code: str | None
    #: A region name matched no Kemendagri region (or several): kept as written, flagged for an admin.
    region_unmatched: bool


@dataclass
class TotalsOut:
    visits: int
    locations: int
    parcels: int
    beneficiaries: int
    messages: int


@dataclass
class PersonOut:
    rank: str
    name: str
    degrees: str
    nrp: str
    position: str


@dataclass
class ItemOut:
    name: str
    quantity: int
    kind: str | None
    measure: str


@dataclass
class VisitOut:
    location_id: int
    location: LocationOut
    parcels: int
    beneficiaries: int
    beneficiary_group: str
    contact: str
    contact_role: str
    notes: str
    items: list[ItemOut]


@dataclass
class PartnerOut:
    name: str
    role: str
    kind: str | None


@dataclass
class CoverageOut:
    outlet: str
    url: str
    published_on: dt.date | None
    headline: str


@dataclass
class ActivityListItem:
    """An activity as the list shows it."""

    id: int
    status: str
    version: int
    programme_id: int
    unit_code: str
    kind: str
    date: dt.date
    title: str
    leader: str
    totals: TotalsOut
    deleted: bool


@dataclass
class ActivityOut:
    """An activity with everything recorded about it."""

    id: int
    status: str
    version: int
    programme_id: int
    programme_name: str
    unit_code: str
    unit_name: str
    kind: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    title: str
    summary: str
    quote_by: str
    quote_text: str
    leader: PersonOut
    officers: list[PersonOut]
    visits: list[VisitOut]
    messages: list[str]
    message_ids: list[int]
    partners: list[PartnerOut]
    coverage: list[CoverageOut]
    totals: TotalsOut
    return_comment: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    deleted_at: dt.datetime | None
    plan_id: int | None = None
    #: The UUID the client made for it (issue 14), if it sent one.
    client_id: str | None = None


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.id,
        code=unit.code,
        name=unit.name,
        level=unit.level.value,
        parent_code=unit.parent.code if unit.parent is not None else None,
        kind=unit.kind,
        depth=unit.depth,
        is_active=unit.is_active,
    )


def programme_out(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.id,
        name=programme.name,
        kind=programme.kind.value,
        start_date=programme.start_on,
        end_date=programme.end_on,
        description=programme.description,
        unit_code=programme.unit.code if programme.unit is not None else None,
        is_active=programme.is_active,
        targets={t.indicator.value: t.target for t in programme.targets if t.unit_id is None},
        lock_after_days=programme.lock_after_days,
    )


def location_out(location: Location) -> LocationOut:
    return LocationOut(
        id=location.id,
        name=location.name,
        kind=location.kind.code,
        village=location.village or "",
        district=location.district or "",
        regency=location.regency or "",
        province=location.province or "",
        latitude=location.latitude,
        longitude=location.longitude,
        contact_name=location.contact_name or "",
        unit_code=location.unit.code if location.unit is not None else None,
        village_code=location.village_code,
        district_code=location.district_code,
        regency_code=location.regency_code,
        province_code=location.province_code,
        region_unmatched=location.is_region_unmatched,
    )


def totals_out(activity: Activity) -> TotalsOut:
    return TotalsOut(
        visits=activity.visit_count,
        locations=activity.visit_count,  # one visit per location (uq_visits_activity_location)
        parcels=activity.parcel_count,
        beneficiaries=activity.beneficiary_count,
        messages=activity.message_count,
    )


def activity_list_item(activity: Activity) -> ActivityListItem:
    return ActivityListItem(
        id=activity.id,
        status=activity.status.value,
        version=activity.version,
        programme_id=activity.programme_id,
        unit_code=activity.unit.code,
        kind=activity.kind.code,
        date=activity.occurred_on,
        title=activity.title,
        leader=activity.leader_display,
        totals=totals_out(activity),
        deleted=activity.deleted_at is not None,
    )


def activity_out(activity: Activity) -> ActivityOut:
    return ActivityOut(
        id=activity.id,
        status=activity.status.value,
        version=activity.version,
        programme_id=activity.programme_id,
        programme_name=activity.programme.name,
        unit_code=activity.unit.code,
        unit_name=activity.unit.name,
        kind=activity.kind.code,
        date=activity.occurred_on,
        start_time=activity.start_time,
        end_time=activity.end_time,
        title=activity.title,
        summary=activity.summary,
        quote_by=activity.quote_by,
        quote_text=activity.quote_text,
        leader=PersonOut(
            rank=activity.leader_rank,
            name=activity.leader_name,
            degrees=activity.leader_degrees or "",
            nrp=activity.leader_nrp or "",
            position=activity.leader_position,
        ),
        officers=[
            PersonOut(rank=o.rank, name=o.name, degrees=o.degrees or "", nrp=o.nrp or "", position=o.position)
            for o in activity.officers
        ],
        visits=[
            VisitOut(
                location_id=v.location_id,
                location=location_out(v.location),
                parcels=v.parcel_count,
                beneficiaries=v.beneficiary_count,
                beneficiary_group=v.beneficiary_group,
                contact=v.contact_name,
                contact_role=v.contact_role,
                notes=v.notes,
                items=[
                    ItemOut(
                        name=i.name,
                        quantity=i.quantity,
                        kind=i.item_kind.code if i.item_kind else None,
                        measure=i.measure,
                    )
                    for i in v.items
                ],
            )
            for v in activity.visits
        ],
        messages=[m.text for m in activity.messages],
        message_ids=[m.message_id for m in activity.messages if m.message_id],
        partners=[
            PartnerOut(name=p.name, role=p.role, kind=p.kind.code if p.kind else None)
            for p in activity.partners
        ],
        coverage=[
            CoverageOut(outlet=c.outlet, url=c.url, published_on=c.published_on, headline=c.headline)
            for c in activity.coverage
        ],
        totals=totals_out(activity),
        return_comment=activity.return_comment,
        created_at=activity.created_at,
        updated_at=activity.updated_at,
        submitted_at=activity.submitted_at,
        verified_at=activity.verified_at,
        deleted_at=activity.deleted_at,
        plan_id=activity.plan_id,
        client_id=activity.client_id,
    )


def page(items: list[Any], total: int, page_no: int, per_page: int) -> dict[str, Any]:
    """The list envelope every collection answers with."""
    return {"items": to_json(items), "total": total, "page": page_no, "per_page": per_page}


def capped_page(items: list[Any], listed: ActivityPage) -> dict[str, Any]:
    """The list envelope with a total counted only up to a cap (the activities).

    ``total_exact`` false means "more than ``total``"; ``pages`` is then null. ``has_next`` says whether the
    next page has rows, so a client can walk every page without the total.
    """
    return {
        **page(items, listed.total, listed.page, listed.per_page),
        "total_exact": listed.total_exact,
        "pages": listed.pages,
        "has_next": listed.has_next,
    }


# --------------------------------------------------------------------------------------------- allocation


@dataclass
class AllocationOut:
    programme_id: int
    unit: str
    parent: str
    targets: dict[str, int] = field(metadata=meta(description="The unit's allocated targets by indicator."))
    parent_targets: dict[str, int] = field(metadata=meta(description="The parent unit's own targets."))
    allocated: dict[str, int] = field(metadata=meta(description="Allocated to all the parent's children."))
    remainder: dict[str, int] = field(
        metadata=meta(description="The parent's targets minus the allocations.")
    )


def allocation_out(programme_id: int, unit: Unit, state: Any) -> AllocationOut:
    """``state``: the parent's :class:`outreach.services.allocation.Allocation` after the change."""
    mine = next((c.targets for c in state.children if c.unit.id == unit.id), {})
    return AllocationOut(
        programme_id=programme_id,
        unit=unit.code,
        parent=state.parent.code,
        targets={k.value: v for k, v in mine.items()},
        parent_targets={k.value: v for k, v in state.own.items()},
        allocated={k.value: v for k, v in state.allocated.items()},
        remainder={k.value: v for k, v in state.remainder.items()},
    )


# --------------------------------------------------------------------------------------------- bulk verify


@dataclass
class SkippedOut:
    id: int
    code: str = field(metadata=meta(description="not_found, conflict, forbidden …"))
    reason: str


@dataclass
class VerifyManyOut:
    verified: int
    verified_ids: list[int]
    skipped: list[SkippedOut]


def verify_many_out(result: Any) -> VerifyManyOut:
    """``result``: an :class:`outreach.services.bulk.BulkResult`."""
    return VerifyManyOut(
        verified=len(result.verified),
        verified_ids=list(result.verified),
        skipped=[SkippedOut(s.id, s.code, s.reason) for s in result.skipped],
    )


# --------------------------------------------------------------------------------------------- plans


@dataclass
class PlanOut:
    id: int
    status: str = field(metadata=meta(description="submitted, approved or returned"))
    programme_id: int
    unit_code: str
    unit_name: str
    kind: str
    date: dt.date
    title: str
    places: list[str]
    messages: list[str]
    expected_parcels: int
    return_comment: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


def plan_out(plan: Any) -> PlanOut:
    return PlanOut(
        id=plan.id,
        status=plan.status.value,
        programme_id=plan.programme_id,
        unit_code=plan.unit.code,
        unit_name=plan.unit.name,
        kind=plan.kind.code,
        date=plan.planned_on,
        title=plan.title,
        places=plan.place_list(),
        messages=plan.message_list(),
        expected_parcels=plan.expected_parcels,
        return_comment=plan.return_comment,
        created_at=plan.created_at,
        decided_at=plan.decided_at,
    )


@dataclass
class LockExceptionOut:
    programme_id: int
    unit: str
    month: dt.date
    reason: str


def lock_exception_out(row: Any) -> LockExceptionOut:
    return LockExceptionOut(
        programme_id=row.programme_id, unit=row.unit.code, month=row.month, reason=row.reason
    )


# issue 15, item 6: priority messages


@dataclass
class PriorityOut:
    id: int
    programme_id: int | None
    unit: str
    unit_name: str
    message_id: int
    message_code: str
    message: str
    date_from: dt.date = field(metadata=meta(alias="from"))
    date_to: dt.date = field(metadata=meta(alias="to"))
    created_at: dt.datetime


def priority_out(row: Any) -> PriorityOut:
    return PriorityOut(
        id=row.id,
        programme_id=row.programme_id,
        unit=row.unit.code,
        unit_name=row.unit.name,
        message_id=row.message_id,
        message_code=row.message.code,
        message=row.message.label_id,
        date_from=row.date_from,
        date_to=row.date_to,
        created_at=row.created_at,
    )
