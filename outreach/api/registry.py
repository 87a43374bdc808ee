"""Units, programmes and locations as the API reads and writes them.

Units and programmes are created by ``services.admin`` (the same rules as the admin screens); this module adds
what only the API needs: the role and unit-scope checks a token brings, 409 for duplicates and the API's field
names. Locations are created here (service-style: acting user passed in, flush, never commit).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from outreach.extensions import db
from outreach.models import (
    Indicator,
    Location,
    LocationKind,
    Programme,
    ProgrammeKind,
    Role,
    Unit,
    UnitLevel,
    User,
)
from outreach.services import admin, audit
from outreach.services.errors import Conflict, Forbidden, Invalid
from outreach.services.locations import build_location, find_location, place_location
from outreach.services.policy import WRITER_ROLES
from outreach.services.schema.location import LocationCreateInput
from outreach.services.schema.registry import ProgrammeInput, UnitInput
from outreach.services.scope import get_unit_in_scope, subtree_ids_query

# --------------------------------------------------------------------------------------------- units


def units_query(user: User) -> Select[Any]:
    """The user's unit and everything below it, in tree order."""
    return (
        select(Unit)
        .options(selectinload(Unit.parent))
        .where(Unit.id.in_(subtree_ids_query(user.unit)))
        .order_by(Unit.path)
    )


def _renamed(exc: Invalid, names: dict[str, str]) -> Invalid:
    """The service's field errors under the API's field names (a :class:`Duplicate` stays one: 409)."""
    fields = {}
    for key, message in exc.fields.items():
        if key.startswith("target_"):
            key = f"targets.{key.removeprefix('target_')}"
        fields[names.get(key, key)] = message
    return type(exc)(fields)


def create_unit(actor: User, body: UnitInput) -> Unit:
    """An admin creates a unit below one in their own area (the rules are ``services.admin``'s)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only an administrator can create units."))
    code = body.code.strip().upper()
    parent = get_unit_in_scope(actor, body.parent_code.strip().upper())
    if parent is None:
        raise Invalid({"parent_code": _("Unknown unit, or a unit outside your area.")})
    data = admin.UnitInput(
        name=body.name,
        level=UnitLevel(body.level),
        code=code,
        kind=body.kind,
        parent_id=parent.id,
        province=body.province,
        regency=body.regency,
        district=body.district,
        city=body.city,
        timezone=body.timezone,
    )
    try:
        return admin.create_unit(actor, data)
    except Invalid as exc:
        raise _renamed(exc, {"parent_id": "parent_code"}) from exc


# --------------------------------------------------------------------------------------------- programmes


def programmes_query() -> Select[Any]:
    """Programmes are national: every user sees all of them (newest first)."""
    return (
        select(Programme)
        .options(selectinload(Programme.targets), selectinload(Programme.unit))
        .order_by(Programme.start_on.desc(), Programme.id.desc())
    )


def create_programme(actor: User, body: ProgrammeInput) -> Programme:
    """An admin creates a programme with its overall targets (the rules are ``services.admin``'s)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(_("Only an administrator can create programmes."))
    name = " ".join(body.name.split())
    unit = None
    if body.unit_code:
        unit = get_unit_in_scope(actor, body.unit_code)
        if unit is None:
            raise Invalid({"unit_code": _("Unknown unit, or a unit outside your area.")})
    data = admin.ProgrammeInput(
        name=name,
        kind=ProgrammeKind(body.kind),
        start_on=body.start_date,
        end_on=body.end_date,
        description=body.description,
        unit_id=unit.id if unit is not None else None,
        targets={Indicator(k): v for k, v in body.targets.items()},
        lock_after_days=body.lock_after_days,
        anev_good_min=body.anev_good_min,
        anev_fair_min=body.anev_fair_min,
    )
    try:
        return admin.create_programme(actor, data)
    except Invalid as exc:
        names = {"start_on": "start_date", "end_on": "end_date", "unit_id": "unit_code"}
        raise _renamed(exc, names) from exc


# --------------------------------------------------------------------------------------------- locations


def create_location(actor: User, body: LocationCreateInput) -> Location:
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Your role cannot register locations."))
    errors: dict[str, str] = {}
    name = " ".join(body.name.split())
    if not name:
        errors["name"] = _("Enter the name of the place.")
    kind = db.session.scalar(
        select(LocationKind).where(LocationKind.code == body.kind, LocationKind.is_active.is_(True))
    )
    if kind is None:
        errors["kind"] = _("Unknown kind of place.")
    unit = actor.unit
    if body.unit_code:
        found = get_unit_in_scope(actor, body.unit_code)
        if found is None:
            errors["unit_code"] = _("Unknown unit, or a unit outside your area.")
        else:
            unit = found
    placement = place_location(body, errors)
    if errors:
        raise Invalid(errors)
    existing = find_location(name, body.regency, placement, within=actor)
    if existing is not None:
        raise Conflict(_("This place is already registered (location %(id)d).", id=existing.id))
    assert kind is not None
    location = build_location(body, kind, unit.id, placement)
    db.session.add(location)
    db.session.flush()
    audit.record(actor, "create", "location", location.id, unit_id=unit.id, changes={"name": name})
    return location
