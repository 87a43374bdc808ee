"""What clients send: request bodies and query strings as dataclasses, and their conversion to service inputs.

The parser in :mod:`outreach.api.schema` checks shape and types against these classes; the services then
check the rules (scope, dates, duplicates) and raise :class:`~outreach.services.errors.Invalid` with the
same field paths.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from outreach.models import ActivityStatus, Indicator, ProgrammeKind, UnitLevel
from outreach.models.types import MAX_ID
from outreach.services import activities as svc
from outreach.services.activities import MAX_COUNT

from .schema import meta

COUNT = meta(minimum=0, maximum=MAX_COUNT)
#: Ids are 32-bit integers in the database (PostgreSQL ``integer``).
ID = meta(minimum=1, maximum=MAX_ID)


# --------------------------------------------------------------------------------------------- activities


@dataclass
class LocationBody:
    """A place: an institution, a market, a hamlet, a whole village."""

    name: str = field(metadata=meta(max_length=200))
    kind: str = field(
        metadata=meta(description="Location kind code, e.g. pondok_pesantren, panti_asuhan, masjid.")
    )
    village: str = field(default="", metadata=meta(max_length=120))
    district: str = field(default="", metadata=meta(max_length=120))
    regency: str = field(default="", metadata=meta(max_length=120))
    province: str = field(default="", metadata=meta(max_length=120))
    latitude: float | None = field(default=None, metadata=meta(minimum=-90, maximum=90))
    longitude: float | None = field(default=None, metadata=meta(minimum=-180, maximum=180))
    contact_name: str = field(default="", metadata=meta(max_length=160))


@dataclass
class LocationCreateBody(LocationBody):
    """A place to register; ``unit_code`` (default: the caller's unit) is the unit whose area it lies in."""

    unit_code: str | None = None


@dataclass
class ItemBody:
    """Something handed over besides the headline parcels (rice, leaflets, cash aid …)."""

    name: str
    quantity: int = field(metadata=COUNT)
    kind: str | None = field(default=None, metadata=meta(description="Item kind code, e.g. beras, brosur."))
    measure: str = ""


@dataclass
class VisitBody:
    """One location visited: give ``location_id`` of a registered place or describe it in ``location``."""

    location_id: int | None = field(default=None, metadata=ID)
    location: LocationBody | None = None
    parcels: int = field(default=0, metadata=COUNT)
    beneficiaries: int = field(default=0, metadata=COUNT)
    beneficiary_group: str = ""
    contact: str = field(
        default="", metadata=meta(description="The person met (e.g. the head of the ponpes).")
    )
    contact_role: str = ""
    notes: str = ""
    items: list[ItemBody] = field(default_factory=list)


@dataclass
class PersonBody:
    """An officer: rank as Polri writes it (AKP, Bripka, Kombes Pol …), name, optional NRP (8 digits)."""

    rank: str
    name: str
    position: str = ""
    nrp: str = ""
    degrees: str = ""
    person_id: int | None = field(default=None, metadata=ID)


@dataclass
class PartnerBody:
    """Someone present who is not police (Camat, Danramil, kepala desa …)."""

    name: str
    role: str = ""
    kind: str | None = None


@dataclass
class CoverageBody:
    """A news item about the activity."""

    outlet: str
    url: str = ""
    published_on: dt.date | None = None
    headline: str = ""


@dataclass
class ActivityBody:
    """An activity with its visits, as POST /api/v1/activities takes it (PATCH: any subset of the keys)."""

    programme_id: int = field(metadata=ID)
    unit_code: str
    kind: str = field(
        metadata=meta(description="Activity kind code, e.g. bakti_sosial, sambang, penyuluhan.")
    )
    date: dt.date
    leader: PersonBody
    visits: list[VisitBody]
    title: str = ""
    summary: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    officers: list[PersonBody] = field(default_factory=list)
    messages: list[str] = field(
        default_factory=list,
        metadata=meta(description="Kamtibmas messages; a text equal to a catalogue entry links to it."),
    )
    message_ids: list[int] = field(default_factory=list, metadata=ID)
    partners: list[str | PartnerBody] = field(default_factory=list)
    coverage: list[CoverageBody] = field(default_factory=list)
    plan_id: int | None = field(
        default=None, metadata=meta(minimum=1, maximum=MAX_ID, description="The approved plan this realises.")
    )


@dataclass
class CommentBody:
    """The commander's comment (required when returning an activity)."""

    comment: str = ""


@dataclass
class ReasonBody:
    """Why a verified activity is reopened."""

    reason: str = ""


def _location_input(body: LocationBody) -> svc.LocationInput:
    return svc.LocationInput(
        name=body.name,
        kind=body.kind,
        village=body.village,
        district=body.district,
        regency=body.regency,
        province=body.province,
        latitude=body.latitude,
        longitude=body.longitude,
        contact_name=body.contact_name,
    )


def _person_input(body: PersonBody) -> svc.PersonInput:
    return svc.PersonInput(
        rank=body.rank,
        name=body.name,
        degrees=body.degrees,
        nrp=body.nrp,
        position=body.position,
        person_id=body.person_id,
    )


def activity_input(body: ActivityBody) -> svc.ActivityInput:
    """The service input for a parsed body."""
    return svc.ActivityInput(
        programme_id=body.programme_id,
        unit_code=body.unit_code,
        kind=body.kind,
        occurred_on=body.date,
        leader=_person_input(body.leader),
        visits=[
            svc.VisitInput(
                location_id=v.location_id,
                location=_location_input(v.location) if v.location is not None else None,
                parcels=v.parcels,
                beneficiaries=v.beneficiaries,
                beneficiary_group=v.beneficiary_group,
                contact_name=v.contact,
                contact_role=v.contact_role,
                notes=v.notes,
                items=[
                    svc.ItemInput(name=i.name, quantity=i.quantity, kind=i.kind, measure=i.measure)
                    for i in v.items
                ],
            )
            for v in body.visits
        ],
        title=body.title,
        summary=body.summary,
        start_time=body.start_time,
        end_time=body.end_time,
        officers=[_person_input(o) for o in body.officers],
        message_ids=list(body.message_ids),
        messages=list(body.messages),
        partners=[
            svc.PartnerInput(name=p)
            if isinstance(p, str)
            else svc.PartnerInput(name=p.name, role=p.role, kind=p.kind)
            for p in body.partners
        ],
        coverage=[
            svc.CoverageInput(outlet=c.outlet, url=c.url, published_on=c.published_on, headline=c.headline)
            for c in body.coverage
        ],
        plan_id=body.plan_id,
    )


def body_dict(data: svc.ActivityInput) -> dict[str, Any]:
    """The JSON body that would produce ``data`` (PATCH merges the client's keys onto it)."""

    def person(p: svc.PersonInput) -> dict[str, Any]:
        return {
            "rank": p.rank,
            "name": p.name,
            "position": p.position,
            "nrp": p.nrp,
            "degrees": p.degrees,
            "person_id": p.person_id,
        }

    return {
        "programme_id": data.programme_id,
        "unit_code": data.unit_code,
        "kind": data.kind,
        "date": data.occurred_on.isoformat() if data.occurred_on else None,
        "leader": person(data.leader),
        "visits": [
            {
                "location_id": v.location_id,
                "parcels": v.parcels,
                "beneficiaries": v.beneficiaries,
                "beneficiary_group": v.beneficiary_group,
                "contact": v.contact_name,
                "contact_role": v.contact_role,
                "notes": v.notes,
                "items": [
                    {"name": i.name, "quantity": i.quantity, "kind": i.kind, "measure": i.measure}
                    for i in v.items
                ],
            }
            for v in data.visits
        ],
        "title": data.title,
        "summary": data.summary,
        "start_time": data.start_time.isoformat() if data.start_time else None,
        "end_time": data.end_time.isoformat() if data.end_time else None,
        "officers": [person(o) for o in data.officers],
        "messages": list(data.messages),
        "message_ids": list(data.message_ids),
        "plan_id": data.plan_id,
        "partners": [{"name": p.name, "role": p.role, "kind": p.kind} for p in data.partners],
        "coverage": [
            {
                "outlet": c.outlet,
                "url": c.url,
                "headline": c.headline,
                "published_on": c.published_on.isoformat() if c.published_on else None,
            }
            for c in data.coverage
        ],
    }


# --------------------------------------------------------------------------------------------- registry


@dataclass
class UnitBody:
    """A Polri unit placed under ``parent_code`` (which must lie in the caller's area)."""

    code: str = field(metadata=meta(max_length=40))
    name: str = field(metadata=meta(max_length=160))
    level: str = field(metadata=meta(choices=[lv.value for lv in UnitLevel]))
    parent_code: str
    kind: str | None = field(default=None, metadata=meta(max_length=40))
    province: str | None = field(default=None, metadata=meta(max_length=120))
    regency: str | None = field(default=None, metadata=meta(max_length=120))
    district: str | None = field(default=None, metadata=meta(max_length=120))
    city: str | None = field(default=None, metadata=meta(max_length=120))
    timezone: str = field(default="WIB", metadata=meta(choices=["WIB", "WITA", "WIT"]))


@dataclass
class ProgrammeBody:
    """A programme (e.g. "Cooling System Pemilu 2024") with its overall targets."""

    name: str = field(metadata=meta(max_length=200))
    kind: str = field(metadata=meta(choices=[k.value for k in ProgrammeKind]))
    start_date: dt.date
    end_date: dt.date
    description: str = ""
    unit_code: str | None = None
    targets: dict[str, int] = field(
        default_factory=dict, metadata=meta(keys=[i.value for i in Indicator], minimum=0, maximum=100_000_000)
    )
    lock_after_days: int | None = field(
        default=None,
        metadata=meta(minimum=0, maximum=366, description="Reporting lock: days after a month ends."),
    )
    anev_good_min: int = field(default=90, metadata=meta(minimum=1, maximum=100))
    anev_fair_min: int = field(default=50, metadata=meta(minimum=1, maximum=99))


TARGET = meta(minimum=0, maximum=100_000_000)


@dataclass
class TargetsBody:
    """A unit's whole allocation of its parent's programme targets (PUT replaces it): an indicator that is
    left out or null has no target."""

    activities: int | None = field(default=None, metadata=TARGET)
    visits: int | None = field(default=None, metadata=TARGET)
    locations: int | None = field(default=None, metadata=TARGET)
    parcels: int | None = field(default=None, metadata=TARGET)
    beneficiaries: int | None = field(default=None, metadata=TARGET)
    messages: int | None = field(default=None, metadata=TARGET)

    def wanted(self) -> dict[Indicator, int | None]:
        return {ind: getattr(self, ind.value) for ind in Indicator}


@dataclass
class VerifyManyBody:
    """The activities to verify at once (duplicates count once)."""

    ids: list[int] = field(metadata=ID)


@dataclass
class PlanBody:
    """A plan (rencana kegiatan) filed for a commander's approval."""

    programme_id: int = field(metadata=ID)
    unit_code: str
    kind: str = field(metadata=meta(description="Activity kind code, e.g. bakti_sosial, sambang."))
    date: dt.date
    title: str = field(metadata=meta(max_length=250))
    places: list[str] = field(
        default_factory=list, metadata=meta(max_length=200, description="Intended places.")
    )
    messages: list[str] = field(
        default_factory=list, metadata=meta(max_length=500, description="Intended kamtibmas messages.")
    )
    expected_parcels: int = field(default=0, metadata=COUNT)

    def to_input(self) -> Any:
        from outreach.services.plans import PlanInput

        return PlanInput(
            programme_id=self.programme_id,
            unit_code=self.unit_code,
            kind=self.kind,
            planned_on=self.date,
            title=self.title,
            places="\n".join(self.places),
            messages="\n".join(self.messages),
            expected_parcels=self.expected_parcels,
        )


# --------------------------------------------------------------------------------------------- queries


@dataclass
class PageQuery:
    page: int = field(default=1, metadata=meta(minimum=1, maximum=1_000_000))
    per_page: int = field(default=25, metadata=meta(minimum=1, maximum=100))


@dataclass
class SearchQuery(PageQuery):
    q: str = field(
        default="", metadata=meta(max_length=200, description="Searches name, village and district.")
    )


STATUSES = [s.value for s in ActivityStatus]


@dataclass
class ActivityQuery(PageQuery):
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = field(
        default=None, metadata=meta(description="Unit code: that unit and everything below it.")
    )
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    status: str | None = field(
        default=None, metadata=meta(choices=STATUSES, multi=True, description="Comma-separated statuses.")
    )
    kind: str | None = None
    q: str = field(default="", metadata=meta(max_length=200))
    deleted: bool = field(default=False, metadata=meta(description="Admin only: list deleted activities."))


@dataclass
class StatsQuery:
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = None
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))
    status: str | None = field(
        default=None,
        metadata=meta(
            choices=STATUSES, multi=True, description="Comma-separated; default submitted,verified."
        ),
    )


@dataclass
class ReportQuery(StatsQuery):
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


@dataclass
class ActivityReportQuery:
    lang: str = field(default="id", metadata=meta(choices=["id", "en"]))


def statuses(value: str | None) -> list[ActivityStatus]:
    return [ActivityStatus(s.strip()) for s in (value or "").split(",") if s.strip()]


@dataclass
class PlanQuery(PageQuery):
    programme_id: int | None = field(default=None, metadata=ID)
    unit: str | None = field(default=None, metadata=meta(description="Unit code: that unit and below it."))
    status: str | None = field(default=None, metadata=meta(choices=["submitted", "approved", "returned"]))
    date_from: dt.date | None = field(default=None, metadata=meta(alias="from"))
    date_to: dt.date | None = field(default=None, metadata=meta(alias="to"))


@dataclass
class AnevQuery:
    programme_id: int = field(metadata=ID)
    date_from: dt.date = field(metadata=meta(alias="from"))
    date_to: dt.date = field(metadata=meta(alias="to"))
    unit: str | None = field(
        default=None, metadata=meta(description="Unit code (default: the caller's unit).")
    )


@dataclass
class LockExceptionBody:
    """Reopen one month (any day of it) for a unit and the units below it, despite the reporting lock."""

    unit_code: str
    month: dt.date
    reason: str = field(metadata=meta(max_length=2000))
