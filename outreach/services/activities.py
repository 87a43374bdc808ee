"""Activities: creating and editing (with the validation that needs the database), the submit–verify workflow,
deletion and restoring, the audit snapshot and the edit form's pre-filled input.

Who may do what is :mod:`outreach.services.policy`; lists and pagers are :mod:`outreach.services.activity_list`;
the location registry is :mod:`outreach.services.locations`.

Both the browser forms and the JSON API build an :class:`ActivityInput` and call these functions, so every rule
(scope, role, dates, duplicates, counts) exists once. Field paths in :class:`~outreach.services.errors.Invalid`
use the API's names (``date``, ``leader.rank``, ``visits.2.parcels``); the form edge maps them onto its fields.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityKind,
    ActivityMessage,
    ActivityOfficer,
    ActivityPartner,
    ActivityStatus,
    ItemKind,
    KamtibmasMessage,
    Location,
    LocationKind,
    MediaCoverage,
    PartnerKind,
    Person,
    Plan,
    PlanStatus,
    Programme,
    Role,
    Unit,
    User,
    Visit,
    VisitItem,
    normalize_rank,
    utcnow,
)
from outreach.services import audit, locations, locks, offline, regions, rollups
from outreach.services.clock import local_today
from outreach.services.errors import Conflict, Forbidden, Invalid, NotFound
from outreach.services.policy import (
    VERIFIER_ROLES,
    WRITER_ROLES,
    can_delete,
    can_edit,
    can_reopen,
    can_restore,
    can_return,
    can_submit,
    can_verify,
    can_view,
    is_own,
    self_verification_allowed,
)
from outreach.services.schema.activity import (
    ActivityInput,
    CoverageInput,
    ItemInput,
    LocationInput,
    PartnerInput,
    PersonInput,
    VisitInput,
)
from outreach.services.scope import get_unit_in_scope, is_within

_NRP = re.compile(r"^(\d{8}|\d{18})$")


# --------------------------------------------------------------------------------------------- queries


def _detail_options() -> list[Any]:
    return [
        selectinload(Activity.visits).selectinload(Visit.location).selectinload(Location.kind),
        selectinload(Activity.visits).selectinload(Visit.items),
        selectinload(Activity.messages),
        selectinload(Activity.officers),
        selectinload(Activity.partners),
        selectinload(Activity.photos),
        selectinload(Activity.coverage),
        selectinload(Activity.unit),
        selectinload(Activity.kind),
        selectinload(Activity.programme),
    ]


def get_activity(user: User, activity_id: int) -> Activity:
    """The activity if the user may see it; NotFound otherwise (unknown and out-of-scope look the same)."""
    activity = db.session.scalar(
        select(Activity).where(Activity.id == activity_id).options(*_detail_options())
    )
    if activity is None or not can_view(user, activity):
        raise NotFound(_("Activity not found."))
    return activity


# --------------------------------------------------------------------------------------------- writes


def create_activity(actor: User, data: ActivityInput) -> Activity:
    """Validate everything, then store the activity as a draft with its visits, messages and partners."""
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Your role cannot record activities."))
    resolved = _validate(actor, data, existing=None)
    assert data.occurred_on is not None
    locks.check(actor, resolved.programme, resolved.unit, data.occurred_on, local_today())
    activity = Activity(created_by_id=actor.id, status=ActivityStatus.DRAFT, **offline.client_fields(data))
    with rollups.tracking([activity]):
        _apply(activity, data, resolved)
        db.session.add(activity)
    audit.record(
        actor, "create", "activity", activity.id, unit_id=activity.unit_id, changes=snapshot(activity)
    )
    return activity


def update_activity(
    actor: User, activity: Activity, data: ActivityInput, *, version: int | None = None
) -> Activity:
    """Replace the activity's content; ``version`` (when given) must match or the edit is a Conflict."""
    if not can_view(actor, activity):
        raise NotFound(_("Activity not found."))
    if not can_edit(actor, activity):
        raise Conflict(_("This activity can no longer be edited."))
    if version is not None and version != activity.version:
        raise Conflict(_("Someone else changed this activity meanwhile. Reload it and edit again."))
    resolved = _validate(actor, data, existing=activity)
    assert data.occurred_on is not None
    today = local_today()
    locks.check(actor, activity.programme, activity.unit, activity.occurred_on, today)  # where it was
    locks.check(actor, resolved.programme, resolved.unit, data.occurred_on, today)  # where it goes
    before = snapshot(activity)
    with rollups.tracking([activity]):
        _apply(activity, data, resolved)
        activity.updated_by_id = actor.id
        _flush_versioned()
    changes = audit.diff(before, snapshot(activity))
    audit.record(actor, "update", "activity", activity.id, unit_id=activity.unit_id, changes=changes)
    return activity


def submit_activity(actor: User, activity: Activity) -> Activity:
    _require_visible(actor, activity)
    if not can_submit(actor, activity):
        raise Conflict(_("Only a draft or returned activity can be submitted."))
    with rollups.tracking([activity]):
        _transition(actor, activity, ActivityStatus.SUBMITTED, "submit")
        activity.submitted_at = utcnow()
        activity.submitted_by_id = actor.id
        _flush_versioned()
    return activity


def verify_activity(actor: User, activity: Activity) -> Activity:
    _require_visible(actor, activity)
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can verify activities."))
    own = is_own(actor, activity)
    if own and not self_verification_allowed():
        raise Forbidden(
            _("You recorded or lead this activity: another commander must verify it (four-eyes rule).")
        )
    if not can_verify(actor, activity):
        raise Conflict(_("Only a submitted activity can be verified."))
    with rollups.tracking([activity]):
        # Allowed by OUTREACH_ALLOW_SELF_VERIFY: the audit entry says so.
        _transition(actor, activity, ActivityStatus.VERIFIED, "verify", "self-verification" if own else "")
        activity.verified_at = utcnow()
        activity.verified_by_id = actor.id
        _flush_versioned()
    return activity


def return_activity(actor: User, activity: Activity, comment: str) -> Activity:
    """Send a submitted activity back to its author with the commander's comment (required)."""
    _require_visible(actor, activity)
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can return activities."))
    if not can_return(actor, activity):
        raise Conflict(_("Only a submitted activity can be returned."))
    comment = comment.strip()
    if not comment:
        raise Invalid({"comment": _("Say what needs fixing.")})
    with rollups.tracking([activity]):
        _transition(actor, activity, ActivityStatus.RETURNED, "return", comment=comment)
        activity.returned_at = utcnow()
        activity.return_comment = comment[:2000]
        _flush_versioned()
    return activity


def reopen_activity(actor: User, activity: Activity, reason: str) -> Activity:
    """Make a verified activity editable again; the reason is kept as the return comment and in the audit."""
    _require_visible(actor, activity)
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can reopen activities."))
    if not can_reopen(actor, activity):
        raise Conflict(_("Only a verified activity can be reopened."))
    reason = reason.strip()
    if not reason:
        raise Invalid({"reason": _("Give the reason for reopening.")})
    with rollups.tracking([activity]):
        _transition(actor, activity, ActivityStatus.RETURNED, "reopen", comment=reason)
        activity.returned_at = utcnow()
        activity.return_comment = reason[:2000]
        activity.verified_at = None
        activity.verified_by_id = None
        _flush_versioned()
    return activity


def delete_activity(actor: User, activity: Activity) -> Activity:
    """Soft delete: the row stays for the audit trail and an admin can restore it."""
    _require_visible(actor, activity)
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Your role cannot delete activities."))
    if not can_delete(actor, activity):
        raise Conflict(_("A submitted or verified activity cannot be deleted."))
    locks.check(actor, activity.programme, activity.unit, activity.occurred_on, local_today())
    with rollups.tracking([activity]):
        activity.deleted_at = utcnow()
        activity.deleted_by_id = actor.id
        _flush_versioned()
    audit.record(actor, "delete", "activity", activity.id, unit_id=activity.unit_id)
    return activity


def restore_activity(actor: User, activity: Activity) -> Activity:
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only an administrator can restore activities."))
    if not is_within(activity.unit, actor.unit):
        raise NotFound(_("Activity not found."))
    if not can_restore(actor, activity):
        raise Conflict(_("This activity is not deleted."))
    with rollups.tracking([activity]):
        activity.deleted_at = None
        activity.deleted_by_id = None
        _flush_versioned()
    audit.record(actor, "restore", "activity", activity.id, unit_id=activity.unit_id)
    return activity


def _require_visible(actor: User, activity: Activity) -> None:
    if not can_view(actor, activity):
        raise NotFound(_("Activity not found."))


def _transition(
    actor: User, activity: Activity, status: ActivityStatus, action: str, comment: str = ""
) -> None:
    before = activity.status
    activity.status = status
    activity.updated_by_id = actor.id
    audit.record(
        actor,
        action,
        "activity",
        activity.id,
        unit_id=activity.unit_id,
        changes={"status": [before.value, status.value]},
        comment=comment,
    )


def _flush_versioned() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise Conflict(_("Someone else changed this activity meanwhile. Reload it and try again.")) from exc


# --------------------------------------------------------------------------------------------- validation


@dataclass
class _Resolved:
    programme: Programme
    unit: Unit
    kind: ActivityKind
    leader_rank: str
    officer_ranks: list[str]
    locations: list[Location]
    message_links: list[tuple[int | None, str]]
    item_kinds: ItemCatalogue
    partner_kinds: dict[str, int]


def resolve_programme_unit_kind(
    actor: User, programme_id: int | None, unit_code: str, kind_code: str, errors: dict[str, str]
) -> tuple[Programme | None, Unit | None, ActivityKind | None]:
    """The programme, the unit (in the actor's area) and the activity kind an activity or a plan names; a
    missing or unknown one is a message under ``programme_id``, ``unit_code`` or ``kind``."""
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        errors["programme_id"] = _("Choose a programme.") if not programme_id else _("Unknown programme.")
    unit = get_unit_in_scope(actor, unit_code) if unit_code else None
    if unit is None:
        errors["unit_code"] = (
            _("Choose the unit.") if not unit_code else _("Unknown unit, or a unit outside your area.")
        )
    kind = (
        db.session.scalar(select(ActivityKind).where(ActivityKind.code == kind_code)) if kind_code else None
    )
    if kind is None:
        errors["kind"] = (
            _("Choose the kind of activity.") if not kind_code else _("Unknown kind of activity.")
        )
    return programme, unit, kind


def _validate(actor: User, data: ActivityInput, existing: Activity | None) -> _Resolved:
    # Shape (types, lengths, bounds, control characters) was checked by the input's schema
    # (services/schema/activity.py); what follows are the rules that need the database or several fields.
    errors: dict[str, str] = {}

    programme, unit, kind = resolve_programme_unit_kind(
        actor, data.programme_id, data.unit_code, data.kind, errors
    )

    if data.occurred_on is None:
        errors["date"] = _("Enter the date of the activity.")
    elif data.occurred_on > local_today():
        errors["date"] = _("The date is in the future.")
    elif programme is not None and not (programme.start_on <= data.occurred_on <= programme.end_on):
        errors["date"] = _(
            "The date lies outside the programme period (%(start)s – %(end)s).",
            start=format_date(programme.start_on, "d MMMM y"),  # "19 Oktober 2023", not ISO (issue 14)
            end=format_date(programme.end_on, "d MMMM y"),
        )
    if data.start_time and data.end_time and data.end_time < data.start_time:
        errors["end_time"] = _("The end time is before the start time.")

    leader_rank = _check_person(data.leader, "leader", errors)
    officer_ranks = [_check_person(o, f"officers.{i}", errors) for i, o in enumerate(data.officers)]
    if unit is not None:
        _check_person_links(data, unit, existing, errors)

    locations = _check_visits(actor, data.visits, errors)
    message_links = _check_messages(data, errors)
    item_kinds = ItemCatalogue.load()
    for vi, visit in enumerate(data.visits):
        for ii, item in enumerate(visit.items):
            if item.kind and item.kind not in item_kinds.ids:
                errors[f"visits.{vi}.items.{ii}.kind"] = _("Unknown kind of item.")
    partner_kinds = _catalogue_ids(PartnerKind, {p.kind for p in data.partners if p.kind})
    for i, partner in enumerate(data.partners):
        if not partner.name.strip():
            errors[f"partners.{i}.name"] = _("Enter the partner's name.")
        if partner.kind and partner.kind not in partner_kinds:
            errors[f"partners.{i}.kind"] = _("Unknown kind of partner.")
    for i, cov in enumerate(data.coverage):
        if not cov.outlet.strip():
            errors[f"coverage.{i}.outlet"] = _("Enter the outlet's name.")
        if cov.url and not re.match(r"^https?://[^\s]+$", cov.url):
            errors[f"coverage.{i}.url"] = _("Enter a web address starting with http:// or https://.")
    if data.plan_id is not None:
        _check_plan(actor, data.plan_id, programme, unit, errors)

    if errors:
        raise Invalid(errors)
    # No errors means every lookup succeeded (narrowing for the type checker).
    assert programme is not None
    assert unit is not None
    assert kind is not None
    assert leader_rank is not None
    return _Resolved(
        programme=programme,
        unit=unit,
        kind=kind,
        leader_rank=leader_rank,
        officer_ranks=[r or "" for r in officer_ranks],
        locations=locations,
        message_links=message_links,
        item_kinds=item_kinds,
        partner_kinds=partner_kinds,
    )


def _check_plan(
    actor: User, plan_id: int, programme: Programme | None, unit: Unit | None, errors: dict[str, str]
) -> None:
    """An activity realises an approved plan of the same programme and unit that the actor can see."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not is_within(plan.unit, actor.unit):
        errors["plan_id"] = _("Unknown plan.")
    elif plan.status is not PlanStatus.APPROVED:
        errors["plan_id"] = _("Only an approved plan can be realised.")
    elif (programme is not None and plan.programme_id != programme.id) or (
        unit is not None and plan.unit_id != unit.id
    ):
        errors["plan_id"] = _("The plan is for another programme or unit.")


OTHER_ITEM = "lainnya"  # the catalogue's "other" item kind (migration 0005)


@dataclass(frozen=True)
class ItemCatalogue:
    """The item kinds, to classify what was handed over the same way from every way in (issue 14): a picked
    kind stays; a name with no kind counts as the kind whose label it starts with ("Beras 50 kg" → beras),
    else as "other"; an empty measure takes the kind's ("kg"). The edit form shows the result, so saving it
    unchanged changes nothing."""

    ids: dict[str, int]
    measures: dict[str, str]
    labels: tuple[tuple[str, str], ...]  # (lower-case label in either language, code), longest first

    @classmethod
    def load(cls) -> ItemCatalogue:
        rows = db.session.execute(
            select(ItemKind.code, ItemKind.id, ItemKind.measure, ItemKind.label_id, ItemKind.label_en)
        ).all()
        labels = {
            (" ".join(label.lower().split()), code) for code, _, _, *names in rows for label in names if label
        }
        return cls(
            ids={code: id_ for code, id_, *_ in rows},
            measures={code: measure or "" for code, _, measure, *_ in rows},
            labels=tuple(sorted(labels, key=lambda pair: -len(pair[0]))),
        )

    def kind_of(self, kind: str | None, name: str) -> str | None:
        if kind:
            return kind
        text = " ".join(name.lower().split())
        for label, code in self.labels:
            if text == label or text.startswith(label + " "):
                return code
        return OTHER_ITEM if text and OTHER_ITEM in self.ids else None

    def item(self, data: ItemInput) -> VisitItem:
        kind = self.kind_of(data.kind, data.name)
        return VisitItem(
            name=" ".join(data.name.split()),
            quantity=data.quantity,
            measure=data.measure.strip() or self.measures.get(kind or "", ""),
            item_kind_id=self.ids.get(kind) if kind else None,
        )


def _catalogue_ids(model: Any, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = db.session.execute(select(model.code, model.id).where(model.code.in_(codes))).all()
    return {code: id_ for code, id_ in rows}


def _check_person(person: PersonInput, path: str, errors: dict[str, str]) -> str | None:
    rank = normalize_rank(person.rank) if person.rank.strip() else None
    if not person.rank.strip():
        errors[f"{path}.rank"] = _("Enter the rank.")
    elif rank is None:
        errors[f"{path}.rank"] = _("Unknown rank: write it as Polri does (AKP, Bripka, Kombes Pol …).")
    if not person.name.strip():
        errors[f"{path}.name"] = _("Enter the name.")
    if person.nrp.strip() and not _NRP.match(person.nrp.strip()):
        errors[f"{path}.nrp"] = _("An NRP has 8 digits (an NIP 18).")
    return rank


def _check_person_links(
    data: ActivityInput, unit: Unit, existing: Activity | None, errors: dict[str, str]
) -> None:
    """A linked person (leader or officer ``person_id``) must belong to the activity's unit or a unit below.

    Unknown and foreign ids get the same message, so the answer reveals nothing about other units. A link
    the activity already holds stays allowed (the person may have moved since)."""
    kept: set[int] = set()
    if existing is not None:
        kept = {pid for pid in (existing.leader_person_id, *(o.person_id for o in existing.officers)) if pid}
    links = [("leader", data.leader.person_id)]
    links += [(f"officers.{i}", o.person_id) for i, o in enumerate(data.officers)]
    for path, person_id in links:
        if person_id is None or person_id in kept:
            continue
        person = db.session.get(Person, person_id)
        if person is None or not is_within(person.unit, unit):
            errors[f"{path}.person_id"] = _("Unknown person, or a person outside the activity's unit.")


def _check_visits(actor: User, visits: list[VisitInput], errors: dict[str, str]) -> list[Location]:
    """Resolve each visit's location (registered, reused by name+regency, or new) and check its counts."""
    if not visits:
        errors["visits"] = _("Add at least one location visited.")
        return []
    resolved: list[Location] = []
    seen: dict[int | tuple[str, str], int] = {}
    location_kinds: dict[str, LocationKind] = {
        k.code: k for k in db.session.scalars(select(LocationKind).where(LocationKind.is_active.is_(True)))
    }
    for i, visit in enumerate(visits):
        path = f"visits.{i}"
        location: Location | None = None
        key: int | tuple[str, str] | None = None
        if visit.location_id is not None:
            location = db.session.get(Location, visit.location_id)
            if location is None or (
                location.unit is not None and not locations.location_visible(actor, location)
            ):
                errors[f"{path}.location_id"] = _("Unknown location.")
                location = None
            else:
                key = location.id
        elif visit.location is not None:
            new = visit.location
            location = _resolve_inline_location(new, location_kinds, path, errors, actor)
            if location is not None:
                key = (
                    location.id
                    if location.id is not None
                    else (new.name.strip().lower(), new.regency.strip().lower())
                )
        else:
            errors[f"{path}.location_id"] = _("Choose a location or describe a new one.")
        if key is not None:
            if key in seen:
                errors[f"{path}.location_id"] = _(
                    "This location is already in this activity (visit %(n)d).", n=seen[key] + 1
                )
            else:
                seen[key] = i
        for j, item in enumerate(visit.items):
            if not item.name.strip():
                errors[f"{path}.items.{j}.name"] = _("Name the item.")
        if location is not None:
            resolved.append(location)
    return resolved


def _resolve_inline_location(
    new: LocationInput,
    kinds: dict[str, LocationKind],
    path: str,
    errors: dict[str, str],
    actor: User,
) -> Location | None:
    ok = True
    name = " ".join(new.name.split())
    if not name:
        errors[f"{path}.location.name"] = _("Enter the name of the place.")
        ok = False
    kind = kinds.get(new.kind)
    if kind is None:
        errors[f"{path}.location.kind"] = (
            _("Choose the kind of place.") if not new.kind else _("Unknown kind of place.")
        )
        ok = False
    placement = locations.place_location(new, errors, f"{path}.location.")
    if not ok or errors.keys() & {f"{path}.location.{f}_code" for f in regions.FIELD_LEVELS}:
        return None
    assert kind is not None
    existing = locations.find_location(name, new.regency, placement, within=actor)
    if existing is not None:
        return existing
    return locations.build_location(new, kind, actor.unit_id, placement)


def _check_messages(data: ActivityInput, errors: dict[str, str]) -> list[tuple[int | None, str]]:
    """Catalogue ids and texts → ``(message_id, text)``; a text equal to a catalogue entry links to it."""
    links: list[tuple[int | None, str]] = []
    if data.message_ids:
        catalogue = {
            m.id: m
            for m in db.session.scalars(
                select(KamtibmasMessage).where(KamtibmasMessage.id.in_(data.message_ids))
            )
        }
        for i, mid in enumerate(data.message_ids):
            if mid not in catalogue:
                errors[f"message_ids.{i}"] = _("Unknown message.")
            elif mid not in {m for m, _t in links}:
                links.append((mid, catalogue[mid].label_id))
    texts = [" ".join(t.split()) for t in data.messages]
    by_text: dict[str, KamtibmasMessage] = {}
    if texts:
        lowered = {t.lower() for t in texts if t}
        for m in db.session.scalars(select(KamtibmasMessage)):
            for label in (m.label_id, m.label_en):
                if label.lower() in lowered:
                    by_text[label.lower()] = m
    for i, text in enumerate(texts):
        if not text:
            errors[f"messages.{i}"] = _("A message cannot be empty.")
            continue
        match = by_text.get(text.lower())
        link = (match.id, match.label_id) if match else (None, text)
        if link not in links and not (match and match.id in {m for m, _t in links}):
            links.append(link)
    return links


# --------------------------------------------------------------------------------------------- apply


def _apply(activity: Activity, data: ActivityInput, resolved: _Resolved) -> None:
    """Copy validated input onto the activity, replacing its children, and refresh the counters."""
    activity.programme = resolved.programme
    activity.unit = resolved.unit
    activity.kind = resolved.kind
    assert data.occurred_on is not None
    activity.occurred_on = data.occurred_on
    activity.start_time = data.start_time
    activity.end_time = data.end_time
    activity.title = data.title.strip()
    activity.summary = data.summary.strip()
    activity.quote_by = data.quote_by.strip()
    activity.quote_text = data.quote_text.strip()
    activity.plan_id = data.plan_id
    leader = data.leader
    activity.leader_person_id = leader.person_id if _person_exists(leader.person_id) else None
    activity.leader_rank = resolved.leader_rank
    activity.leader_name = " ".join(leader.name.split())
    activity.leader_degrees = leader.degrees.strip() or None
    activity.leader_nrp = leader.nrp.strip() or None
    activity.leader_position = leader.position.strip()

    activity.officers = [
        ActivityOfficer(
            person_id=o.person_id if _person_exists(o.person_id) else None,
            rank=rank,
            name=" ".join(o.name.split()),
            degrees=o.degrees.strip() or None,
            nrp=o.nrp.strip() or None,
            position=o.position.strip(),
        )
        for o, rank in zip(data.officers, resolved.officer_ranks, strict=True)
    ]
    _replace_visits(activity, data.visits, resolved)
    activity.messages = [ActivityMessage(message_id=mid, text=text) for mid, text in resolved.message_links]
    activity.partners = [
        ActivityPartner(
            name=" ".join(p.name.split()),
            role=p.role.strip(),
            kind_id=resolved.partner_kinds.get(p.kind) if p.kind else None,
        )
        for p in data.partners
    ]
    activity.coverage = [
        MediaCoverage(
            outlet=c.outlet.strip(),
            url=c.url.strip(),
            published_on=c.published_on,
            headline=c.headline.strip(),
        )
        for c in data.coverage
    ]
    activity.visit_count = len(activity.visits)
    activity.parcel_count = sum(v.parcel_count for v in activity.visits)
    activity.beneficiary_count = sum(v.beneficiary_count for v in activity.visits)
    activity.message_count = len(activity.messages)


def _replace_visits(activity: Activity, visits: list[VisitInput], resolved: _Resolved) -> None:
    """Keep the visit rows of locations still present (photos may point at them), replace the rest."""
    current = {v.location_id: v for v in activity.visits if v.location_id is not None}
    kept: list[Visit] = []
    for position, (data, location) in enumerate(zip(visits, resolved.locations, strict=True)):
        visit = current.get(location.id) if location.id is not None else None
        if visit is None:
            visit = Visit(location=location)
        visit.position = position
        visit.parcel_count = data.parcels
        visit.beneficiary_count = data.beneficiaries
        visit.beneficiary_group = data.beneficiary_group.strip()
        visit.contact_name = data.contact_name.strip()
        visit.contact_role = data.contact_role.strip()
        visit.notes = data.notes.strip()
        visit.items = [resolved.item_kinds.item(i) for i in data.items]
        kept.append(visit)
    activity.visits = kept


def _person_exists(person_id: int | None) -> bool:
    return person_id is not None and db.session.get(Person, person_id) is not None


# --------------------------------------------------------------------------------------------- snapshots


def snapshot(activity: Activity) -> dict[str, Any]:
    """The audited view of an activity: its scalar fields plus a compact form of each child list."""
    data: dict[str, Any] = {
        "programme_id": activity.programme_id if activity.programme_id else activity.programme.id,
        "unit": activity.unit.code,
        "kind": activity.kind.code,
        "date": activity.occurred_on,
        "start_time": activity.start_time,
        "end_time": activity.end_time,
        "title": activity.title,
        "summary": activity.summary,
        "quote_by": activity.quote_by,
        "quote_text": activity.quote_text,
        "leader": activity.leader_display,
        "leader_nrp": activity.leader_nrp,
        "leader_position": activity.leader_position,
        "status": activity.status,
        "officers": [f"{o.rank} {o.name}".strip() for o in activity.officers],
        "visits": [
            f"{v.location.name}: {v.parcel_count} / {v.beneficiary_count} {v.beneficiary_group}".strip()
            + "".join(f"; {i.quantity} {i.measure} {i.name}".replace("  ", " ") for i in v.items)
            for v in activity.visits
        ],
        "messages": [m.text for m in activity.messages],
        "partners": [f"{p.name} ({p.role})" if p.role else p.name for p in activity.partners],
        "coverage": [f"{c.outlet} {c.url}".strip() for c in activity.coverage],
    }
    if activity.plan_id is not None:
        data["plan_id"] = activity.plan_id
    return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in data.items()}


def input_of(activity: Activity) -> ActivityInput:
    """The input that would recreate ``activity`` (used to pre-fill the edit form and by the API's PATCH)."""
    return ActivityInput(
        programme_id=activity.programme_id,
        unit_code=activity.unit.code,
        kind=activity.kind.code,
        occurred_on=activity.occurred_on,
        start_time=activity.start_time,
        end_time=activity.end_time,
        title=activity.title,
        summary=activity.summary,
        quote_by=activity.quote_by,
        quote_text=activity.quote_text,
        plan_id=activity.plan_id,
        leader=PersonInput(
            rank=activity.leader_rank,
            name=activity.leader_name,
            degrees=activity.leader_degrees or "",
            nrp=activity.leader_nrp or "",
            position=activity.leader_position,
            person_id=activity.leader_person_id,
        ),
        officers=[
            PersonInput(
                rank=o.rank,
                name=o.name,
                degrees=o.degrees or "",
                nrp=o.nrp or "",
                position=o.position,
                person_id=o.person_id,
            )
            for o in activity.officers
        ],
        visits=[
            VisitInput(
                location_id=v.location_id,
                parcels=v.parcel_count,
                beneficiaries=v.beneficiary_count,
                beneficiary_group=v.beneficiary_group,
                contact_name=v.contact_name,
                contact_role=v.contact_role,
                notes=v.notes,
                items=[
                    ItemInput(
                        name=i.name,
                        quantity=i.quantity,
                        measure=i.measure,
                        kind=i.item_kind.code if i.item_kind else None,
                    )
                    for i in v.items
                ],
            )
            for v in activity.visits
        ],
        message_ids=[m.message_id for m in activity.messages if m.message_id],
        messages=[m.text for m in activity.messages if not m.message_id],
        partners=[
            PartnerInput(name=p.name, role=p.role, kind=p.kind.code if p.kind else None)
            for p in activity.partners
        ],
        coverage=[
            CoverageInput(outlet=c.outlet, url=c.url, published_on=c.published_on, headline=c.headline)
            for c in activity.coverage
        ],
    )


# --------------------------------------------------------------------------------------------- web form helpers


def history(activity: Activity) -> list[Any]:
    """The audit entries of ``activity``, oldest first (the caller has already checked it may see it)."""
    from outreach.models import AuditEntry

    query = select(AuditEntry).where(
        AuditEntry.entity_type == "activity", AuditEntry.entity_id == activity.id
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))
