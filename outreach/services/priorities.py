"""Priority messages and their coverage (issue 15, item 6).

A commander (or an admin) marks a catalogue message as the priority for their unit or a unit below it and a
period. The coverage of a unit ``root`` over a period is a matrix: one column per priority message active in
the period for ``root``'s area (set on ``root``, on a unit above it, or on a unit below it), one row per child
unit of ``root`` (and ``root`` itself for its own activities) and one row per kecamatan; a cell is the number
of times the message was delivered (``activity_messages`` rows of live activities in the counted statuses,
dated inside both the filtered period and the priority's period). A cell whose priority does not apply to the
row's unit (a priority set for a sibling's subtree) is ``None``; 0 is "belum" (not delivered).

The counts are two grouped SQL statements (per child unit, per kecamatan); only the handful of priority rows is
looked at in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import joinedload

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityMessage,
    ActivityStatus,
    KamtibmasMessage,
    Location,
    PriorityMessage,
    Programme,
    Role,
    Unit,
    User,
    Visit,
)
from outreach.services import audit, regions
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.filters import DEFAULT_STATUSES, period_errors
from outreach.services.scope import get_unit_in_scope, is_within, subtree_ids_query

MAX_DAYS = 366


# --------------------------------------------------------------------------------------------- the priorities


def _check_role(actor: User) -> None:
    if actor.role not in (Role.COMMANDER, Role.ADMIN):
        raise Forbidden(_("Only commanders and administrators can set priority messages."))


def create(
    actor: User,
    *,
    unit_code: str | None,
    message_id: int | None,
    date_from: date | None,
    date_to: date | None,
    programme_id: int | None = None,
) -> PriorityMessage:
    """Mark a message as the priority for ``unit_code`` (the actor's unit or below) and a period. Audited."""
    _check_role(actor)
    errors: dict[str, str] = {}
    unit = get_unit_in_scope(actor, unit_code) if unit_code else None
    if unit is None:
        errors["unit"] = _("Choose a unit in your area.")
    message = db.session.get(KamtibmasMessage, message_id) if message_id else None
    if message is None or not message.is_active:
        errors["message_id"] = _("Choose a message from the catalogue.")
    if programme_id is not None and db.session.get(Programme, programme_id) is None:
        errors["programme_id"] = _("Programme not found.")
    period_errors(date_from, date_to, errors, max_days=MAX_DAYS)
    if errors:
        raise Invalid(errors)
    assert unit is not None
    assert message is not None
    assert date_from is not None
    assert date_to is not None
    row = PriorityMessage(
        programme_id=programme_id,
        unit_id=unit.id,
        message_id=message.id,
        date_from=date_from,
        date_to=date_to,
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "priority_message_add",
        "priority_message",
        row.id,
        unit_id=unit.id,
        changes={
            "message": [None, message.code],
            "from": [None, date_from.isoformat()],
            "to": [None, date_to.isoformat()],
            "programme_id": [None, programme_id],
        },
    )
    return row


def get(actor: User, priority_id: int) -> PriorityMessage:
    """A priority set on the actor's unit or below (another area's is not found)."""
    row = db.session.get(PriorityMessage, priority_id)
    if row is None or not row.unit.path.startswith(actor.unit.path):
        raise NotFound(_("Priority message not found."))
    return row


def remove(actor: User, priority_id: int) -> None:
    """Remove a priority set on the actor's unit or below. Audited."""
    _check_role(actor)
    row = get(actor, priority_id)
    audit.record(
        actor,
        "priority_message_remove",
        "priority_message",
        row.id,
        unit_id=row.unit_id,
        changes={
            "message": [row.message.code, None],
            "from": [row.date_from.isoformat(), None],
            "to": [row.date_to.isoformat(), None],
        },
    )
    db.session.delete(row)
    db.session.flush()


def _applying(root: Unit) -> Any:
    """Priorities that concern ``root``'s area: set on it, on a unit above it, or on a unit below it."""
    above = [int(part) for part in root.path.strip("/").split("/") if part]
    return or_(PriorityMessage.unit_id.in_(above), PriorityMessage.unit_id.in_(subtree_ids_query(root)))


def list_query(
    user: User,
    *,
    unit_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    programme_id: int | None = None,
) -> Select[Any]:
    """The priorities concerning the user's area (or ``unit_code``'s), overlapping the period if one is given."""
    root = get_unit_in_scope(user, unit_code) if unit_code else user.unit
    if root is None:
        raise NotFound(_("Unit not found."))
    return _list(root, date_from=date_from, date_to=date_to, programme_id=programme_id)


def _list(
    root: Unit, *, date_from: date | None, date_to: date | None, programme_id: int | None
) -> Select[Any]:
    query = select(PriorityMessage).join(Unit, Unit.id == PriorityMessage.unit_id).where(_applying(root))
    if date_from is not None:
        query = query.where(PriorityMessage.date_to >= date_from)
    if date_to is not None:
        query = query.where(PriorityMessage.date_from <= date_to)
    if programme_id is not None:
        query = query.where(
            or_(PriorityMessage.programme_id.is_(None), PriorityMessage.programme_id == programme_id)
        )
    return query.options(joinedload(PriorityMessage.message), joinedload(PriorityMessage.unit)).order_by(
        PriorityMessage.date_from.desc(), PriorityMessage.id.desc()
    )


# --------------------------------------------------------------------------------------------- the coverage


@dataclass(frozen=True)
class CoverageMessage:
    id: int
    code: str
    label_id: str
    label_en: str
    date_from: date  # the counted window: the priorities' period inside the filtered one
    date_to: date


@dataclass(frozen=True)
class CoverageRow:
    key: str  # a unit code, or a kecamatan code ("" for places without one)
    name: str
    #: per message id: deliveries, or None where no priority for it applies to this row
    cells: dict[int, int | None]

    @property
    def missing(self) -> int:
        return sum(1 for v in self.cells.values() if v == 0)


@dataclass(frozen=True)
class Coverage:
    unit: str
    unit_name: str
    date_from: date | None
    date_to: date | None
    messages: tuple[CoverageMessage, ...]
    units: tuple[CoverageRow, ...]
    districts: tuple[CoverageRow, ...]


def coverage(
    user: User,
    root: Unit,
    *,
    programme_id: int | None,
    date_from: date | None,
    date_to: date | None,
    statuses: list[ActivityStatus] | None = None,
) -> Coverage:
    """The priority-message matrix of ``root`` (see the module docstring); ``root`` must be in ``user``'s scope."""
    if not is_within(root, user.unit):
        raise NotFound(_("Unit not found."))
    statuses = list(statuses or DEFAULT_STATUSES)
    priorities = db.session.scalars(
        _list(root, date_from=date_from, date_to=date_to, programme_id=programme_id)
    ).all()
    children = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.path)
        .where(or_(Unit.parent_id == root.id, Unit.id == root.id))
        .order_by((Unit.id != root.id), Unit.name)
    ).all()
    windows: dict[int, tuple[date, date]] = {}
    messages: dict[int, KamtibmasMessage] = {}
    applies: dict[int, list[str]] = {}  # message id → unit paths the priorities are set on
    for p in priorities:
        start = max(p.date_from, date_from) if date_from else p.date_from
        end = min(p.date_to, date_to) if date_to else p.date_to
        old = windows.get(p.message_id)
        windows[p.message_id] = (min(old[0], start), max(old[1], end)) if old else (start, end)
        messages[p.message_id] = p.message
        applies.setdefault(p.message_id, []).append(p.unit.path)
    ordered = sorted(messages.values(), key=lambda m: (m.sort_order, m.label_id))
    columns = tuple(CoverageMessage(m.id, m.code, m.label_id, m.label_en, *windows[m.id]) for m in ordered)
    if not columns:
        return Coverage(root.code, root.name, date_from, date_to, (), (), ())

    conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        Activity.status.in_(statuses),
        Activity.unit_id.in_(subtree_ids_query(root)),
        or_(
            *(
                and_(
                    ActivityMessage.message_id == c.id,
                    Activity.occurred_on >= c.date_from,
                    Activity.occurred_on <= c.date_to,
                )
                for c in columns
            )
        ),
    ]
    if programme_id is not None:
        conditions.append(Activity.programme_id == programme_id)

    # per child unit: the child's path is the unit path cut after the segment below root's path
    size = len(root.path)
    rest = func.substr(Unit.path, size + 1)
    slash = (
        func.strpos(rest, "/")
        if db.session.get_bind().dialect.name == "postgresql"
        else func.instr(rest, "/")
    )
    child_path = func.substr(Unit.path, 1, size + slash).label("child_path")
    own = Unit.id == root.id

    key = case((own, root.path), else_=child_path).label("key")
    by_unit = db.session.execute(
        select(key, ActivityMessage.message_id, func.count(ActivityMessage.id).label("n"))
        .select_from(ActivityMessage)
        .join(Activity, Activity.id == ActivityMessage.activity_id)
        .join(Unit, Unit.id == Activity.unit_id)
        .where(*conditions)
        .group_by(key, ActivityMessage.message_id)
    ).all()
    unit_counts = {(r.key, r.message_id): int(r.n) for r in by_unit}

    def cells_for(path: str) -> dict[int, int | None]:
        out: dict[int, int | None] = {}
        for c in columns:
            relevant = any(path.startswith(a) or a.startswith(path) for a in applies[c.id])
            out[c.id] = unit_counts.get((path, c.id), 0) if relevant else None
        return out

    unit_rows = tuple(CoverageRow(code, name, cells_for(path)) for _id, code, name, path in children)

    # per kecamatan: every kecamatan visited in the area and period, with its deliveries (a delivery counts once
    # in each kecamatan its activity visited)
    visited_conditions: list[ColumnElement[bool]] = [
        Activity.deleted_at.is_(None),
        Activity.status.in_(statuses),
        Activity.unit_id.in_(subtree_ids_query(root)),
    ]
    if programme_id is not None:
        visited_conditions.append(Activity.programme_id == programme_id)
    if date_from:
        visited_conditions.append(Activity.occurred_on >= date_from)
    if date_to:
        visited_conditions.append(Activity.occurred_on <= date_to)
    district = func.coalesce(Location.district_code, "").label("district")
    visited = db.session.scalars(
        select(district)
        .distinct()
        .select_from(Visit)
        .join(Activity, Activity.id == Visit.activity_id)
        .join(Location, Location.id == Visit.location_id)
        .where(*visited_conditions)
    ).all()
    by_district = db.session.execute(
        select(district, ActivityMessage.message_id, func.count(distinct(ActivityMessage.id)).label("n"))
        .select_from(ActivityMessage)
        .join(Activity, Activity.id == ActivityMessage.activity_id)
        .join(Visit, Visit.activity_id == Activity.id)
        .join(Location, Location.id == Visit.location_id)
        .where(*conditions)
        .group_by(district, ActivityMessage.message_id)
    ).all()
    district_counts = {(r.district, r.message_id): int(r.n) for r in by_district}
    codes = set(visited) | {r.district for r in by_district}
    names = regions.names_of({c for c in codes if c})
    district_rows = sorted(
        (
            CoverageRow(
                code,
                names.get(code, code) if code else _("No kecamatan"),
                {c.id: district_counts.get((code, c.id), 0) for c in columns},
            )
            for code in codes
        ),
        key=lambda r: (r.key == "", r.name),
    )
    return Coverage(root.code, root.name, date_from, date_to, columns, unit_rows, tuple(district_rows))


def coverage_to_dict(report: Coverage) -> dict[str, Any]:
    def rows(items: tuple[CoverageRow, ...]) -> list[dict[str, Any]]:
        return [
            {"key": r.key, "name": r.name, "cells": {str(k): v for k, v in r.cells.items()}} for r in items
        ]

    return {
        "unit": report.unit,
        "messages": [
            {
                "id": m.id,
                "code": m.code,
                "label": m.label_id,
                "from": m.date_from.isoformat(),
                "to": m.date_to.isoformat(),
            }
            for m in report.messages
        ],
        "units": rows(report.units),
        "districts": rows(report.districts),
    }
