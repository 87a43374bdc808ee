"""Personal-data retention (Indonesia's UU 27/2022 on personal data protection): see docs/PRIVACY.md.

Names and roles of the people met (a visit's contact), partners' names and roles, and photos are kept for
``OUTREACH_RETENTION_MONTHS`` after the activity's date; :func:`purge` then anonymises or removes them:

- visits: ``contact_name`` and ``contact_role`` emptied;
- partners: ``name`` becomes :data:`ANONYMISED` (the row, its kind and so the number of partners stay),
  ``role`` emptied;
- photos: rows deleted; the caller deletes the files after the commit (a crash in between leaves orphan
  files, which ``flask photos sweep`` removes — the same rule as for uploads);
- places in the registry whose every visit is older than the cutoff: ``contact_name`` and
  ``contact_phone`` emptied (a place never visited has no activity date to count from and is kept);
- the audit trail's snapshots of those activities: the partners' names replaced the same way.

Counts and figures are untouched — visit, parcel, beneficiary and message counts, the rollups, the
dashboard — and so is the officers' data (their names and NRP are records of their duty, not of the public).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update

from outreach.extensions import db
from outreach.models import Activity, ActivityPartner, AuditEntry, Location, Photo, Unit, User, Visit
from outreach.services import audit

#: what a partner's name becomes
ANONYMISED = "—"


def cutoff_for(months: int, today: date) -> date:
    """``today`` minus ``months`` calendar months (the day clamped to the month's length)."""
    if months < 1:
        raise ValueError("months must be at least 1")
    year, month0 = divmod(today.year * 12 + today.month - 1 - months, 12)
    month = month0 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ActivityPurge:
    activity_id: int
    occurred_on: date
    unit_code: str
    contacts: int
    partners: int
    photos: int


@dataclass
class PurgePlan:
    cutoff: date
    activities: list[ActivityPurge] = field(default_factory=list)
    location_ids: list[int] = field(default_factory=list)

    @property
    def contacts(self) -> int:
        return sum(a.contacts for a in self.activities)

    @property
    def partners(self) -> int:
        return sum(a.partners for a in self.activities)

    @property
    def photos(self) -> int:
        return sum(a.photos for a in self.activities)

    @property
    def empty(self) -> bool:
        return not self.activities and not self.location_ids


def _old(cutoff: date) -> Any:
    return select(Activity.id).where(Activity.occurred_on < cutoff)


def _visit_has_contact() -> Any:
    return or_(Visit.contact_name != "", Visit.contact_role != "")


def _partner_named() -> Any:
    return or_(ActivityPartner.name != ANONYMISED, ActivityPartner.role != "")


def _location_has_contact() -> Any:
    return or_(
        and_(Location.contact_name.is_not(None), Location.contact_name != ""),
        and_(Location.contact_phone.is_not(None), Location.contact_phone != ""),
    )


def _stale_locations(cutoff: date) -> Any:
    """Places with a contact, visited, and visited only before ``cutoff``."""
    visited = exists().where(Visit.location_id == Location.id)
    recent = exists().where(
        Visit.location_id == Location.id, Visit.activity_id == Activity.id, Activity.occurred_on >= cutoff
    )
    return select(Location.id).where(_location_has_contact(), visited, ~recent).order_by(Location.id)


def plan(cutoff: date) -> PurgePlan:
    """What :func:`purge` would anonymise or remove for activities dated before ``cutoff`` (aggregated in SQL)."""
    contacts = (
        select(Visit.activity_id.label("aid"), func.count().label("n"))
        .where(Visit.activity_id.in_(_old(cutoff)), _visit_has_contact())
        .group_by(Visit.activity_id)
        .subquery()
    )
    partners = (
        select(ActivityPartner.activity_id.label("aid"), func.count().label("n"))
        .where(ActivityPartner.activity_id.in_(_old(cutoff)), _partner_named())
        .group_by(ActivityPartner.activity_id)
        .subquery()
    )
    photos = (
        select(Photo.activity_id.label("aid"), func.count().label("n"))
        .where(Photo.activity_id.in_(_old(cutoff)))
        .group_by(Photo.activity_id)
        .subquery()
    )
    n_contacts = func.coalesce(contacts.c.n, 0)
    n_partners = func.coalesce(partners.c.n, 0)
    n_photos = func.coalesce(photos.c.n, 0)
    query = (
        select(Activity.id, Activity.occurred_on, Unit.code, n_contacts, n_partners, n_photos)
        .join(Unit, Unit.id == Activity.unit_id)
        .outerjoin(contacts, contacts.c.aid == Activity.id)
        .outerjoin(partners, partners.c.aid == Activity.id)
        .outerjoin(photos, photos.c.aid == Activity.id)
        .where(Activity.occurred_on < cutoff, (n_contacts + n_partners + n_photos) > 0)
        .order_by(Activity.occurred_on, Activity.id)
    )
    result = PurgePlan(cutoff)
    result.activities = [ActivityPurge(*row) for row in db.session.execute(query)]
    result.location_ids = list(db.session.scalars(_stale_locations(cutoff)))
    return result


@dataclass(frozen=True)
class PurgeResult:
    plan: PurgePlan
    #: stored names of the photo files to delete once the transaction is committed
    photo_files: list[str]
    audit_entries: int


def purge(cutoff: date, *, months: int | None = None, actor: User | None = None) -> PurgeResult:
    """Anonymise and remove the personal data of activities dated before ``cutoff``; flushes, never commits."""
    todo = plan(cutoff)
    ids = [a.activity_id for a in todo.activities]
    files: list[str] = []
    scrubbed = 0
    for chunk in _chunks(ids):
        db.session.execute(
            update(Visit)
            .where(Visit.activity_id.in_(chunk), _visit_has_contact())
            .values(contact_name="", contact_role="")
        )
        db.session.execute(
            update(ActivityPartner)
            .where(ActivityPartner.activity_id.in_(chunk), _partner_named())
            .values(name=ANONYMISED, role="")
        )
        files += db.session.scalars(select(Photo.stored_name).where(Photo.activity_id.in_(chunk)))
        db.session.execute(delete(Photo).where(Photo.activity_id.in_(chunk)))
        scrubbed += _scrub_audit(chunk)
    for chunk in _chunks(todo.location_ids):
        db.session.execute(
            update(Location).where(Location.id.in_(chunk)).values(contact_name=None, contact_phone=None)
        )
    if not todo.empty:
        audit.record(
            actor,
            "privacy_purge",
            "privacy",
            None,
            changes={
                "cutoff": cutoff,
                "retention_months": months,
                "activities": len(ids),
                "visit_contacts": todo.contacts,
                "partners": todo.partners,
                "photos": todo.photos,
                "locations": len(todo.location_ids),
                "audit_entries": scrubbed,
            },
        )
    db.session.flush()
    db.session.expire_all()  # the bulk statements bypassed the identity map
    return PurgeResult(todo, files, scrubbed)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _anonymise_partners(value: Any) -> Any:
    """A snapshot's ``partners`` (a list of names) or a diff's ``[before, after]`` of such lists."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, list) for v in value):
        return [[ANONYMISED for _ in side] for side in value]
    if isinstance(value, list):
        return [ANONYMISED for _ in value]
    return value


def _scrub_audit(activity_ids: list[int]) -> int:
    """Replace the partners' names in the audit snapshots of these activities; the number of entries changed."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "activity", AuditEntry.entity_id.in_(activity_ids))
    )
    changed = 0
    for entry in entries:
        partners = (entry.changes or {}).get("partners")
        if not partners:
            continue
        scrubbed = _anonymise_partners(partners)
        if scrubbed != partners:
            entry.changes = {**entry.changes, "partners": scrubbed}
            changed += 1
    return changed
