"""Activities: the rules for creating, editing, the submit–verify workflow, deletion and listing.

Both the browser forms and the JSON API build an :class:`ActivityInput` and call these functions, so every rule
(scope, role, dates, duplicates, counts) exists once. Field paths in :class:`~outreach.services.errors.Invalid`
use the API's names (``date``, ``leader.rank``, ``visits.2.parcels``); the form edge maps them onto its fields.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, false, func, literal, or_, select
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
from outreach.services import audit, locks, regions, rollups
from outreach.services.errors import Conflict, Forbidden, Invalid, NotFound
from outreach.services.schema.activity import (
    ActivityInput,
    CoverageInput,
    ItemInput,
    LocationInput,
    PartnerInput,
    PersonInput,
    VisitInput,
)
from outreach.services.schema.base import MAX_COUNT
from outreach.services.scope import get_unit_in_scope, is_whole_tree, is_within, subtree_ids_query

LOCAL_TZ = ZoneInfo("Asia/Jakarta")
WRITER_ROLES = frozenset({Role.STAFF, Role.COMMANDER, Role.ADMIN})
VERIFIER_ROLES = frozenset({Role.COMMANDER, Role.ADMIN})
EDITABLE = frozenset({ActivityStatus.DRAFT, ActivityStatus.RETURNED})
_NRP = re.compile(r"^(\d{8}|\d{18})$")


# --------------------------------------------------------------------------------------------- input
# The input models (ActivityInput and its parts) are defined once in services/schema/activity.py.


__all__ = [
    "MAX_COUNT",
    "ActivityInput",
    "CoverageInput",
    "ItemInput",
    "LocationInput",
    "PartnerInput",
    "PersonInput",
    "VisitInput",
]


@dataclass
class ActivityFilter:
    programme_id: int | None = None
    unit_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: list[ActivityStatus] = field(default_factory=list)
    kind: str | None = None
    location_kind: str | None = None
    q: str = ""
    created_by_id: int | None = None
    deleted: bool = False
    sort: str = "-date"


# --------------------------------------------------------------------------------------------- rules


def local_today() -> date:
    """Today in Western Indonesia (the app's reference zone for "a date in the future")."""
    return datetime.now(LOCAL_TZ).date()


def can_view(user: User, activity: Activity) -> bool:
    if not is_within(activity.unit, user.unit):
        return False
    if activity.deleted_at is not None and user.role is not Role.ADMIN:
        return False
    return not (user.role is Role.PR and activity.status is not ActivityStatus.VERIFIED)


def can_edit(user: User, activity: Activity) -> bool:
    return user.role in WRITER_ROLES and activity.status in EDITABLE and activity.deleted_at is None


def can_submit(user: User, activity: Activity) -> bool:
    return can_edit(user, activity)


def can_return(user: User, activity: Activity) -> bool:
    return (
        user.role in VERIFIER_ROLES
        and activity.status is ActivityStatus.SUBMITTED
        and activity.deleted_at is None
    )


def can_verify(user: User, activity: Activity) -> bool:
    return can_return(user, activity) and (not is_own(user, activity) or self_verification_allowed())


def is_own(user: User, activity: Activity) -> bool:
    """A commander who recorded the activity or leads it (four-eyes: they may not verify it themselves).

    Administrators are not bound: they act for the whole force and can restore or undo anything anyway."""
    return user.role is Role.COMMANDER and (
        activity.created_by_id == user.id
        or (user.person_id is not None and activity.leader_person_id == user.person_id)
    )


def self_verification_allowed() -> bool:
    """``OUTREACH_ALLOW_SELF_VERIFY``: for units too small to have a second commander; every use is audited."""
    return bool(current_app.config.get("OUTREACH_ALLOW_SELF_VERIFY", False))


def can_reopen(user: User, activity: Activity) -> bool:
    return (
        user.role in VERIFIER_ROLES
        and activity.status is ActivityStatus.VERIFIED
        and activity.deleted_at is None
    )


def can_delete(user: User, activity: Activity) -> bool:
    if activity.deleted_at is not None:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role in WRITER_ROLES and activity.status in EDITABLE


def can_restore(user: User, activity: Activity) -> bool:
    return user.role is Role.ADMIN and activity.deleted_at is not None


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


def _list_options() -> list[Any]:
    return [selectinload(Activity.unit), selectinload(Activity.kind)]


def list_activities_query(user: User, filters: ActivityFilter) -> Select[Any]:
    """Activities the user may see, filtered and sorted, as an unexecuted select (the edge paginates)."""
    root: Unit | None = get_unit_in_scope(user, filters.unit_code) if filters.unit_code else user.unit
    query = select(Activity).options(*_list_options())
    if root is None:  # a unit outside the user's area (or unknown) shows nothing
        return query.where(false())
    if not is_whole_tree(root):  # the whole tree needs no filter (and then the date index serves the order)
        query = query.where(Activity.unit_id.in_(subtree_ids_query(root)))
    if filters.deleted and user.role is Role.ADMIN:
        query = query.where(Activity.deleted_at.is_not(None))
    else:
        query = query.where(Activity.deleted_at.is_(None))
    statuses = list(filters.statuses)
    if user.role is Role.PR:
        statuses = [ActivityStatus.VERIFIED]
    if statuses:
        query = query.where(Activity.status.in_(statuses))
    if filters.programme_id:
        query = query.where(Activity.programme_id == filters.programme_id)
    if filters.date_from:
        query = query.where(Activity.occurred_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Activity.occurred_on <= filters.date_to)
    if filters.kind:
        query = query.where(
            Activity.kind_id.in_(select(ActivityKind.id).where(ActivityKind.code == filters.kind))
        )
    if filters.created_by_id:
        query = query.where(Activity.created_by_id == filters.created_by_id)
    if filters.location_kind:
        visited = (
            select(Visit.activity_id)
            .join(Location, Location.id == Visit.location_id)
            .join(LocationKind, LocationKind.id == Location.kind_id)
            .where(LocationKind.code == filters.location_kind)
        )
        query = query.where(Activity.id.in_(visited))
    if filters.q.strip():
        pattern = like_pattern(filters.q.strip().lower())
        at_location = (
            select(Visit.activity_id)
            .join(Location, Location.id == Visit.location_id)
            .where(
                or_(
                    func.lower(Location.name).like(pattern, escape="\\"),
                    func.lower(Location.village).like(pattern, escape="\\"),
                )
            )
        )
        query = query.where(
            or_(
                func.lower(Activity.title).like(pattern, escape="\\"),
                func.lower(Activity.leader_name).like(pattern, escape="\\"),
                func.lower(Activity.summary).like(pattern, escape="\\"),
                Activity.id.in_(at_location),
            )
        )
    return query.order_by(*_ordering(filters.sort))


SORTS = {
    "date": Activity.occurred_on,
    "parcels": Activity.parcel_count,
    "visits": Activity.visit_count,
    "beneficiaries": Activity.beneficiary_count,
    "status": Activity.status,
    "updated": Activity.updated_at,
}


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), Activity.occurred_on)
    primary = column.desc() if descending else column.asc()
    return [primary, Activity.id.desc() if descending else Activity.id.asc()]


#: A list counts its matches up to this many; above it, it says "more than 10,000" (counting every match of a
#: national list would cost time in proportion to the whole table on every page).
COUNT_CAP = 10_000
#: The highest page number a list serves (an offset beyond any real list, far below integer overflow).
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class ActivityPage:
    """One page of a list. ``total`` is exact when ``total_exact``; otherwise it is the cap, and there are more."""

    items: list[Activity]
    page: int
    per_page: int
    total: int
    total_exact: bool
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 for an empty page)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The 1-based position of the page's last row (0 for an empty page)."""
        return (self.page - 1) * self.per_page + len(self.items) if self.items else 0

    @property
    def pages(self) -> int | None:
        """The number of pages when the total is exact (None: only "more than the cap" is known)."""
        return -(-self.total // self.per_page) if self.total_exact else None

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers for a pager: the first, those around this page, and the last when the total is exact.

        ``None`` marks a gap. Only pages known to exist are listed: up to the last page when the total is exact,
        otherwise up to the pages the cap fills (or the next page, when that is further).
        """
        if self.pages is not None:
            known = self.pages
        else:
            known = max(-(-self.total // self.per_page), self.page + 1 if self.has_next else self.page)
        wanted = {1, *range(max(1, self.page - around), min(known, self.page + around) + 1)}
        if self.total_exact:
            wanted.add(known)
        numbers: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= known):
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def page_activities(
    user: User, filters: ActivityFilter, page: int, per_page: int, count_cap: int = COUNT_CAP
) -> ActivityPage:
    """One page of :func:`list_activities_query`, counting at most ``count_cap + 1`` matches.

    Fetches ``per_page + 1`` rows (the extra one tells whether a next page exists) with LIMIT/OFFSET, so the
    cost follows the page and the cap, not the size of the table. On the last page the total is known without
    counting; past the end the page is empty and the total still says where the list ends.
    """
    page = min(max(page, 1), MAX_PAGE)
    query = list_activities_query(user, filters)
    offset = (page - 1) * per_page
    # Ids first: ordering and skipping read only the index; the table is read for the rows shown.
    ids = list(db.session.scalars(query.with_only_columns(Activity.id).limit(per_page + 1).offset(offset)))
    has_next = len(ids) > per_page
    ids = ids[:per_page]
    shown = db.session.scalars(select(Activity).where(Activity.id.in_(ids)).options(*_list_options()))
    by_id = {activity.id: activity for activity in shown}
    items = [by_id[i] for i in ids if i in by_id]
    if not has_next and (ids or page == 1):  # the last page: the rows before it plus its own
        total, exact = offset + len(ids), True
    elif ids and offset + len(ids) + 1 > count_cap:  # already past the cap: nothing to count
        total, exact = count_cap, False
    else:
        matches = query.with_only_columns(literal(1)).order_by(None).limit(count_cap + 1).subquery()
        counted = int(db.session.scalar(select(func.count()).select_from(matches)) or 0)
        total, exact = min(counted, count_cap), counted <= count_cap
    return ActivityPage(
        items=items, page=page, per_page=per_page, total=total, total_exact=exact, has_next=has_next
    )


def count_waiting_for(user: User) -> int:
    """Submitted activities in the user's subtree that this user could verify (0 for other roles)."""
    if user.role not in VERIFIER_ROLES:
        return 0
    query = select(func.count()).where(
        Activity.unit_id.in_(subtree_ids_query(user.unit)),
        Activity.status == ActivityStatus.SUBMITTED,
        Activity.deleted_at.is_(None),
    )
    return int(db.session.scalar(query) or 0)


def count_drafts_of(user: User) -> int:
    query = select(func.count()).where(
        Activity.created_by_id == user.id,
        Activity.status.in_([ActivityStatus.DRAFT, ActivityStatus.RETURNED]),
        Activity.deleted_at.is_(None),
    )
    return int(db.session.scalar(query) or 0)


# --------------------------------------------------------------------------------------------- writes


def create_activity(actor: User, data: ActivityInput) -> Activity:
    """Validate everything, then store the activity as a draft with its visits, messages and partners."""
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Your role cannot record activities."))
    resolved = _validate(actor, data, existing=None)
    assert data.occurred_on is not None
    locks.check(actor, resolved.programme, resolved.unit, data.occurred_on, local_today())
    activity = Activity(created_by_id=actor.id, status=ActivityStatus.DRAFT)
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
    item_kinds: dict[str, int]
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
    item_kinds = _catalogue_ids(ItemKind, {i.kind for v in data.visits for i in v.items if i.kind})
    for vi, visit in enumerate(data.visits):
        for ii, item in enumerate(visit.items):
            if item.kind and item.kind not in item_kinds:
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
            if location is None or (location.unit is not None and not _location_visible(actor, location)):
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


def _location_visible(actor: User, location: Location) -> bool:
    """A registered place may be used by any unit whose area overlaps: its own subtree or an ancestor's."""
    assert location.unit is not None
    return is_within(location.unit, actor.unit) or is_within(actor.unit, location.unit)


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
    placement = place_location(new, errors, f"{path}.location.")
    if not ok or errors.keys() & {f"{path}.location.{f}_code" for f in regions.FIELD_LEVELS}:
        return None
    assert kind is not None
    existing = find_location(name, new.regency, placement, within=actor)
    if existing is not None:
        return existing
    return build_location(new, kind, actor.unit_id, placement)


def place_location(data: LocationInput, errors: dict[str, str], prefix: str = "") -> regions.Placement:
    """The location's regions resolved to Kemendagri codes (``services.regions.place``); bad codes → ``errors``."""
    return regions.place(
        {f: getattr(data, f) for f in regions.FIELD_LEVELS},
        {f: getattr(data, f"{f}_code") for f in regions.FIELD_LEVELS},
        errors,
        prefix,
    )


def apply_placement(location: Location, placement: regions.Placement) -> None:
    """Write the resolved region names, codes and the unmatched flag onto ``location``."""
    for fld in regions.FIELD_LEVELS:
        setattr(location, fld, placement.names[fld])
        setattr(location, f"{fld}_code", placement.codes[fld])
    location.is_region_unmatched = placement.is_unmatched


def build_location(
    data: LocationInput, kind: LocationKind, unit_id: int | None, placement: regions.Placement
) -> Location:
    """A new (unsaved) registry entry from validated input, with names tidied and regions placed."""
    location = Location(
        name=" ".join(data.name.split()),
        kind=kind,
        latitude=data.latitude,
        longitude=data.longitude,
        position_accuracy_m=data.accuracy_m if data.latitude is not None else None,
        contact_name=data.contact_name.strip() or None,
        unit_id=unit_id,
    )
    apply_placement(location, placement)
    return location


def find_location(
    name: str, regency: str, placement: regions.Placement | None = None, *, within: User
) -> Location | None:
    """A registered location with the same name and regency (case-insensitive), used to avoid duplicates.

    Only places in ``within``'s area count (:func:`_area_condition`): another unit's place is never
    returned, reused or named; outside the area a new place is registered instead. With a placement whose
    regency matched, the regency is the same when its code is, or when the stored name is the official one or
    the one written (places registered before codes existed).
    """
    query = select(Location).where(
        func.lower(Location.name) == " ".join(name.split()).lower(), _area_condition(within)
    )
    code = placement.codes["regency"] if placement else None
    if code and placement:
        spellings = {regency.strip().lower(), (placement.names["regency"] or "").lower()} - {""}
        query = query.where(or_(Location.regency_code == code, func.lower(Location.regency).in_(spellings)))
    elif regency.strip():
        query = query.where(func.lower(Location.regency) == regency.strip().lower())
    else:
        query = query.where(Location.regency.is_(None))
    return db.session.scalars(query.order_by(Location.id).limit(1)).first()


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
        visit.items = [
            VisitItem(
                name=" ".join(i.name.split()),
                quantity=i.quantity,
                measure=i.measure.strip(),
                item_kind_id=resolved.item_kinds.get(i.kind) if i.kind else None,
            )
            for i in data.items
        ]
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


def to_input(activity: Activity) -> ActivityInput:
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


def units_in_scope(user: User) -> list[Unit]:
    """The user's unit and every active unit below it, in tree order (the unit select of the forms)."""
    query = select(Unit).where(Unit.id.in_(subtree_ids_query(user.unit)), Unit.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Unit.path)))


def people_of(unit: Unit) -> list[Person]:
    """Active people of ``unit`` and the units below it (the leader/officer pickers), at most 500."""
    query = select(Person).where(Person.unit_id.in_(subtree_ids_query(unit)), Person.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Person.name, Person.id).limit(500)))


def _area_condition(user: User) -> Any:
    """Locations a user may pick: unassigned ones, those of their subtree, and those of the units above them."""
    ancestors = [int(p) for p in user.unit.path.strip("/").split("/") if p.isdigit()]
    return or_(
        Location.unit_id.is_(None),
        Location.unit_id.in_(subtree_ids_query(user.unit)),
        Location.unit_id.in_(ancestors),
    )


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE ... ESCAPE '\\': a ``%`` or ``_`` the user typed matches only itself."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def locations_query(user: User, q: str = "") -> Select[Any]:
    """Registered locations in the user's area whose name, village or district contains ``q``, by name."""
    query = (
        select(Location)
        .options(selectinload(Location.kind), selectinload(Location.unit))
        .where(_area_condition(user))
    )
    text = " ".join(q.split()).lower()
    if text:
        pattern = like_pattern(text)
        query = query.where(
            or_(
                func.lower(Location.name).like(pattern, escape="\\"),
                func.lower(Location.village).like(pattern, escape="\\"),
                func.lower(Location.district).like(pattern, escape="\\"),
            )
        )
    return query.order_by(Location.name, Location.id)


def search_locations(user: User, q: str = "", limit: int = 20) -> list[Location]:
    """The first ``limit`` rows of :func:`locations_query` (the form's location picker)."""
    return list(db.session.scalars(locations_query(user, q).limit(limit)))


def history(activity: Activity) -> list[Any]:
    """The audit entries of ``activity``, oldest first (the caller has already checked it may see it)."""
    from outreach.models import AuditEntry

    query = select(AuditEntry).where(
        AuditEntry.entity_type == "activity", AuditEntry.entity_id == activity.id
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))
