"""Bulk verification: a commander verifies many submitted activities in one action.

Each activity goes through :func:`outreach.services.activities.verify_activity` — the one verify rule — so
every check that function makes (role, scope, status, and any rule added to it later, such as "a commander
cannot verify an activity they created or lead") applies to each activity exactly as to a single verify, and
each is audited as one verification. An activity that cannot be verified is skipped with the reason; the
others are verified. Each runs in its own savepoint, so a failure half-way through one (a concurrent edit)
undoes that one only. The caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, User
from outreach.services import activities as svc
from outreach.services.activity_list import ActivityFilter, list_activities_query
from outreach.services.errors import DomainError, Forbidden, Invalid
from outreach.services.policy import VERIFIER_ROLES

#: The most activities one bulk verification takes (a preview lists them all, so it must stay readable).
MAX_BULK = 500


@dataclass(frozen=True)
class Skipped:
    id: int
    #: "not_found", "conflict", "forbidden" … (the error's code)
    code: str
    reason: str


@dataclass
class BulkResult:
    verified: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def candidates_query(user: User, filters: ActivityFilter) -> Select[Any]:
    """Ids of the submitted activities matching ``filters`` that ``user`` sees (what a preview lists)."""
    wanted = replace(filters, statuses=[ActivityStatus.SUBMITTED], deleted=False)
    listed = list_activities_query(user, wanted).subquery()
    return select(listed.c.id).order_by(listed.c.occurred_on, listed.c.id)


def preview(user: User, filters: ActivityFilter) -> tuple[list[Activity], int]:
    """The first :data:`MAX_BULK` submitted activities matching ``filters`` (by date) and how many match."""
    if user.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can verify activities."))
    ids_query = candidates_query(user, filters)
    total = db.session.scalar(select(db.func.count()).select_from(ids_query.subquery())) or 0
    ids: list[int] = list(db.session.scalars(ids_query.limit(MAX_BULK)))
    found = {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found], total


def verify_many(actor: User, ids: list[int]) -> BulkResult:
    """Verify each of ``ids`` (in the given order, duplicates once) that ``actor`` may verify; skip the rest."""
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can verify activities."))
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise Invalid({"ids": _("Choose at least one activity.")})
    if len(unique) > MAX_BULK:
        raise Invalid({"ids": _("At most %(n)s activities at once.", n=MAX_BULK)})
    result = BulkResult()
    for activity_id in unique:
        try:
            with db.session.begin_nested():
                activity = svc.get_activity(actor, activity_id)
                svc.verify_activity(actor, activity)
        except DomainError as exc:
            result.skipped.append(Skipped(activity_id, exc.code, exc.message or exc.code))
        else:
            result.verified.append(activity_id)
    return result
