"""Who may do what to an activity: the role sets and the ``can_*`` rules, each written once.

The workflow (:mod:`outreach.services.activities`) enforces them; pages and the API ask them to decide which
buttons and links to offer. They read only the user, the activity and the configuration, never the database.
"""

from __future__ import annotations

from flask import current_app

from outreach.models import Activity, ActivityStatus, Role, User
from outreach.services.scope import is_within

WRITER_ROLES = frozenset({Role.STAFF, Role.COMMANDER, Role.ADMIN})
VERIFIER_ROLES = frozenset({Role.COMMANDER, Role.ADMIN})
EDITABLE = frozenset({ActivityStatus.DRAFT, ActivityStatus.RETURNED})


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


def can_repeat(user: User, activity: Activity) -> bool:
    """ "Ulangi kegiatan" (issue 14): those who record activities start a new one from any they can see."""
    return user.role in (Role.STAFF, Role.COMMANDER) and activity.deleted_at is None


def can_delete_photo(user: User, activity: Activity) -> bool:
    """Until it is verified: the author side while the activity can be edited, a commander while it waits."""
    if activity.deleted_at is not None or activity.status is ActivityStatus.VERIFIED:
        return False
    if can_edit(user, activity):
        return True
    return user.role in (Role.COMMANDER, Role.ADMIN) and activity.status is ActivityStatus.SUBMITTED
