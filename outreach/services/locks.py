"""Reporting locks: once a month is over by the programme's ``lock_after_days``, its activities stop moving.

Staff and commanders can then no longer create, edit, delete or move (by date or unit) an activity of that
programme dated in that month: :class:`Locked` (a 409 whose code is ``locked``; the activity form shows the
same message). Administrators are not locked. An administrator — or a commander for a unit in their area —
grants an exception for a unit and a month; it covers that unit and the units below it, and is audited.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import LockException, Programme, Role, Unit, User
from outreach.services import audit
from outreach.services.errors import Conflict, Forbidden, Invalid, NotFound
from outreach.services.scope import get_unit_in_scope


class Locked(Conflict):
    """The activity's month is closed by the reporting lock."""

    code = "locked"


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=monthrange(d.year, d.month)[1])


def is_month_locked(programme: Programme, d: date, today: date) -> bool:
    """Whether ``d``'s month is over by more than the programme's ``lock_after_days`` on ``today``."""
    if programme.lock_after_days is None:
        return False
    return today > month_end(d) + timedelta(days=programme.lock_after_days)


def has_exception(programme_id: int, unit: Unit, d: date) -> bool:
    """An exception for ``d``'s month granted to ``unit`` or a unit above it."""
    ancestors = [int(i) for i in unit.path.strip("/").split("/") if i]
    query = select(LockException.id).where(
        LockException.programme_id == programme_id,
        LockException.month == month_start(d),
        LockException.unit_id.in_(ancestors or [unit.id]),
    )
    return db.session.scalar(query.limit(1)) is not None


def check(actor: User, programme: Programme, unit: Unit, d: date, today: date) -> None:
    """Raise :class:`Locked` when ``actor`` may not write an activity of ``programme`` for ``unit`` on ``d``."""
    if actor.role is Role.ADMIN or not is_month_locked(programme, d, today):
        return
    if has_exception(programme.id, unit, d):
        return
    raise Locked(
        _(
            "Reporting lock: %(month)s is closed (%(days)s days after the month ended). Ask your commander or "
            "an administrator for an exception.",
            month=format_date(d, "MMMM y"),
            days=programme.lock_after_days,
        )
    )


def locked_months(programme: Programme, today: date) -> list[date]:
    """The first days of the programme's months that are locked on ``today`` (for the laporan)."""
    if programme.lock_after_days is None:
        return []
    months = []
    current = month_start(programme.start_on)
    while current <= programme.end_on:
        if is_month_locked(programme, current, today):
            months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months


def grant_exception(
    actor: User, programme: Programme, unit_code: str, month: date | None, reason: str
) -> LockException:
    """Reopen ``month`` for the unit (and below). Admins anywhere in their area; commanders in theirs."""
    if actor.role not in (Role.ADMIN, Role.COMMANDER):
        raise Forbidden(
            _("Only a commander or an administrator can grant an exception to the reporting lock.")
        )
    unit = get_unit_in_scope(actor, unit_code) if unit_code else None
    if unit is None and unit_code:
        raise NotFound(_("Unit not found."))
    errors: dict[str, str] = {}
    if unit is None:
        errors["unit_code"] = _("Choose the unit.")
    if month is None:
        errors["month"] = _("Enter the month.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the exception.")
    if errors:
        raise Invalid(errors)
    assert month is not None
    assert unit is not None
    start = month_start(month)
    existing = db.session.scalar(
        select(LockException).where(
            LockException.programme_id == programme.id,
            LockException.unit_id == unit.id,
            LockException.month == start,
        )
    )
    if existing is not None:
        return existing
    row = LockException(
        programme_id=programme.id,
        unit_id=unit.id,
        month=start,
        granted_by_id=actor.id,
        reason=reason.strip()[:2000],
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "lock_exception", "programme", programme.id, unit_id=unit.id,
        changes={"unit": unit.code, "month": start.isoformat()}, comment=reason,
    )  # fmt: skip
    return row
