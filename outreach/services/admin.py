"""Administration of reference data: units, programmes and their targets, catalogue entries, people, users.

Every function validates its rules (raising :class:`Invalid` with field errors), flushes, records an audit
entry and leaves the commit to the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, literal, select, update

from outreach.extensions import db
from outreach.models import (
    ActivityKind,
    AuditEntry,
    Indicator,
    ItemKind,
    KamtibmasMessage,
    Location,
    LocationKind,
    PartnerKind,
    Person,
    Programme,
    ProgrammeKind,
    ProgrammeTarget,
    Role,
    Unit,
    UnitLevel,
    User,
    normalize_rank,
)
from outreach.services import audit, regions, rollups
from outreach.services.errors import Duplicate, Invalid, NotFound
from outreach.services.schema.registry import UNIT_CODE_RE
from outreach.services.scope import is_within, set_path

#: Catalogue codes: lowercase snake_case, starting with a letter.
CATALOGUE_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
NRP_RE = re.compile(r"^(?:\d{8}|\d{18})$")
TIMEZONES = ("WIB", "WITA", "WIT")

#: URL slug → catalogue model. The slugs are part of the admin URLs.
CATALOGUES: dict[str, Any] = {
    "activity-kinds": ActivityKind,
    "location-kinds": LocationKind,
    "item-kinds": ItemKind,
    "partner-kinds": PartnerKind,
    "messages": KamtibmasMessage,
}
_ENTITY = {
    ActivityKind: "activity_kind",
    LocationKind: "location_kind",
    ItemKind: "item_kind",
    PartnerKind: "partner_kind",
    KamtibmasMessage: "kamtibmas_message",
}


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _none_if_blank(value: str | None) -> str | None:
    return _clean(value) or None


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class Overview:
    units: int
    users: int
    active_users: int
    programmes: int
    people: int
    catalogue_entries: dict[str, int]
    audit_entries: int


def overview() -> Overview:
    def count(query: Select[Any]) -> int:
        return int(db.session.scalar(query) or 0)

    return Overview(
        units=count(select(func.count(Unit.id))),
        users=count(select(func.count(User.id))),
        active_users=count(select(func.count(User.id)).where(User.is_active_account.is_(True))),
        programmes=count(select(func.count(Programme.id))),
        people=count(select(func.count(Person.id))),
        catalogue_entries={slug: count(select(func.count(m.id))) for slug, m in CATALOGUES.items()},
        audit_entries=count(select(func.count(AuditEntry.id))),
    )


# --------------------------------------------------------------------------- units


def units_in_tree_order() -> list[Unit]:
    """Every unit, parents before children and siblings by name (sorted on the chain of names)."""
    units = list(db.session.scalars(select(Unit)))
    by_id = {u.id: u for u in units}

    def key(unit: Unit) -> tuple[str, ...]:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        return tuple(by_id[i].name.casefold() if i in by_id else "" for i in ids)

    return sorted(units, key=key)


def unit_choices(*, exclude_subtree_of: Unit | None = None) -> list[tuple[int, str]]:
    """``(id, indented name)`` for select lists, in tree order; optionally without one unit's subtree."""
    return [
        (u.id, "\u2003" * u.depth + f"{u.name} ({u.code})")
        for u in units_in_tree_order()
        if exclude_subtree_of is None or not is_within(u, exclude_subtree_of)
    ]


@dataclass
class UnitInput:
    name: str
    level: UnitLevel
    code: str = ""
    kind: str | None = None
    parent_id: int | None = None
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    city: str | None = None
    timezone: str = "WIB"
    is_active: bool = True


def _unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code, "name": unit.name, "level": unit.level, "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None, "province": unit.province,
        "regency": unit.regency, "district": unit.district, "city": unit.city, "timezone": unit.timezone,
        "is_active": unit.is_active,
    }  # fmt: skip


def _check_unit_fields(data: UnitInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _clean(data.name):
        errors["name"] = _("Enter the unit's name.")
    if data.timezone not in TIMEZONES:
        errors["timezone"] = _("Choose WIB, WITA or WIT.")
    return errors


def _get_parent(parent_id: int | None) -> Unit | None:
    if parent_id is None:
        return None
    parent = db.session.get(Unit, parent_id)
    if parent is None:
        raise Invalid({"parent_id": _("Choose an existing unit.")})
    return parent


def create_unit(actor: User, data: UnitInput) -> Unit:
    code = data.code.strip().upper()
    errors = _check_unit_fields(data)
    if not UNIT_CODE_RE.fullmatch(code) or len(code) > 40:
        errors["code"] = _("Use capital letters and digits joined by hyphens, e.g. POLRES-BLORA.")
    duplicate = db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None
    if duplicate:
        errors["code"] = _("That code is taken.")
    if data.parent_id is None and db.session.scalar(select(Unit.id).limit(1)) is not None:
        errors["parent_id"] = _("Choose the unit above this one.")
    if errors:
        raise (Duplicate if duplicate else Invalid)(errors)
    parent = _get_parent(data.parent_id)
    unit = Unit(code=code, parent=parent)
    _apply_unit(unit, data)
    db.session.add(unit)
    db.session.flush()
    set_path(unit)
    db.session.flush()
    audit.record(actor, "create", "unit", unit.id, unit_id=unit.id, changes=_unit_snapshot(unit))
    return unit


def _apply_unit(unit: Unit, data: UnitInput) -> None:
    unit.name = _clean(data.name)
    unit.level = data.level
    unit.kind = _none_if_blank(data.kind)
    unit.province = _none_if_blank(data.province)
    unit.regency = _none_if_blank(data.regency)
    unit.district = _none_if_blank(data.district)
    unit.city = _none_if_blank(data.city)
    unit.timezone = data.timezone
    unit.is_active = data.is_active


def update_unit(actor: User, unit: Unit, data: UnitInput) -> Unit:
    """Change a unit's name, territory and so on; a new parent moves the whole subtree (the code stays)."""
    errors = _check_unit_fields(data)
    if errors:
        raise Invalid(errors)
    before = _unit_snapshot(unit)
    if data.parent_id != unit.parent_id:
        if data.parent_id is None:
            raise Invalid({"parent_id": _("Choose the unit above this one.")})
        new_parent = _get_parent(data.parent_id)
        assert new_parent is not None
        if is_within(new_parent, unit):
            raise Invalid({"parent_id": _("A unit cannot be moved below itself or one of its own units.")})
        move_unit(unit, new_parent)
    _apply_unit(unit, data)
    db.session.flush()
    changes = audit.diff(audit.jsonable(before), audit.jsonable(_unit_snapshot(unit)))
    if changes:
        audit.record(actor, "update", "unit", unit.id, unit_id=unit.id, changes=changes)
    return unit


def move_unit(unit: Unit, new_parent: Unit) -> None:
    """Re-hang ``unit`` below ``new_parent``: one UPDATE rewrites the path prefix and depth of its subtree."""
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.id}/"
    delta = new_parent.depth + 1 - unit.depth
    db.session.flush()
    subtree = list(
        db.session.scalars(select(Unit.id).where(Unit.path.startswith(old_prefix, autoescape=True)))
    )
    with rollups.moving_units(subtree):
        db.session.execute(
            update(Unit)
            .where(Unit.path.startswith(old_prefix, autoescape=True))
            .values(
                path=literal(new_prefix) + func.substr(Unit.path, len(old_prefix) + 1),
                depth=Unit.depth + delta,
            )
            .execution_options(synchronize_session="fetch")
        )
        unit.parent = new_parent


# --------------------------------------------------------------------------- programmes


@dataclass
class ProgrammeInput:
    name: str
    kind: ProgrammeKind
    start_on: date
    end_on: date
    description: str = ""
    unit_id: int | None = None
    is_active: bool = True
    #: Overall targets; an indicator missing or None has no target.
    targets: dict[Indicator, int | None] = field(default_factory=dict)
    #: Issue 15: the reporting lock (days after a month's end; None: never) and the ANEV band thresholds (%).
    lock_after_days: int | None = None
    anev_good_min: int = 90
    anev_fair_min: int = 50


def _programme_snapshot(p: Programme) -> dict[str, Any]:
    return {
        "name": p.name, "kind": p.kind, "start_on": p.start_on, "end_on": p.end_on,
        "description": p.description, "unit": p.unit.code if p.unit else None, "is_active": p.is_active,
        "targets": {t.indicator.value: t.target for t in p.targets if t.unit_id is None},
        "lock_after_days": p.lock_after_days, "anev_good_min": p.anev_good_min, "anev_fair_min": p.anev_fair_min,
    }  # fmt: skip


def _check_programme(data: ProgrammeInput, current: Programme | None) -> None:
    errors: dict[str, str] = {}
    duplicate = False
    name = _clean(data.name)
    if not name:
        errors["name"] = _("Enter the programme's name.")
    else:
        query = select(Programme.id).where(func.lower(Programme.name) == name.lower())
        if current is not None:
            query = query.where(Programme.id != current.id)
        if db.session.scalar(query) is not None:
            errors["name"] = _("A programme with this name exists.")
            duplicate = True
    if data.end_on < data.start_on:
        errors["end_on"] = _("The end must not be before the start.")
    if data.unit_id is not None and db.session.get(Unit, data.unit_id) is None:
        errors["unit_id"] = _("Choose an existing unit.")
    for indicator, target in data.targets.items():
        if target is not None and target < 0:
            errors[f"target_{indicator.value}"] = _("Enter a number of zero or more.")
    if data.lock_after_days is not None and not 0 <= data.lock_after_days <= 366:
        errors["lock_after_days"] = _("Enter a number of days from 0 to 366, or leave it empty.")
    if not 0 < data.anev_fair_min < data.anev_good_min <= 100:
        errors["anev_good_min"] = _("The thresholds must satisfy 0 < Cukup < Baik ≤ 100.")
    if errors:
        raise (Duplicate if duplicate else Invalid)(errors)


def _apply_programme(p: Programme, data: ProgrammeInput) -> None:
    p.name = _clean(data.name)
    p.kind = data.kind
    p.start_on = data.start_on
    p.end_on = data.end_on
    p.description = (data.description or "").strip()
    p.unit_id = data.unit_id
    p.unit = db.session.get(Unit, data.unit_id) if data.unit_id is not None else None
    p.is_active = data.is_active
    p.lock_after_days = data.lock_after_days
    p.anev_good_min = data.anev_good_min
    p.anev_fair_min = data.anev_fair_min
    overall = {t.indicator: t for t in p.targets if t.unit_id is None}
    for indicator in Indicator:
        wanted = data.targets.get(indicator)
        existing = overall.get(indicator)
        if wanted is None and existing is not None:
            p.targets.remove(existing)
        elif wanted is not None and existing is not None:
            existing.target = wanted
        elif wanted is not None:
            p.targets.append(ProgrammeTarget(indicator=indicator, target=wanted, unit_id=None))


def create_programme(actor: User, data: ProgrammeInput) -> Programme:
    _check_programme(data, None)
    programme = Programme()
    _apply_programme(programme, data)
    db.session.add(programme)
    db.session.flush()
    audit.record(actor, "create", "programme", programme.id, changes=_programme_snapshot(programme))
    return programme


def update_programme(actor: User, programme: Programme, data: ProgrammeInput) -> Programme:
    _check_programme(data, programme)
    before = audit.jsonable(_programme_snapshot(programme))
    _apply_programme(programme, data)
    db.session.flush()
    changes = audit.diff(before, audit.jsonable(_programme_snapshot(programme)))
    if changes:
        audit.record(actor, "update", "programme", programme.id, changes=changes)
    return programme


def list_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.start_on.desc(), Programme.name)))


def unit_targets(programme: Programme) -> list[ProgrammeTarget]:
    """The programme's per-unit targets, by unit name then indicator."""
    rows = [t for t in programme.targets if t.unit_id is not None]
    return sorted(rows, key=lambda t: (t.unit.name if t.unit else "", t.indicator.value))


def set_unit_target(
    actor: User, programme: Programme, unit_id: int | None, indicator: Indicator, target: int | None
) -> ProgrammeTarget:
    """Create or change the target of one unit's subtree for one indicator."""
    errors: dict[str, str] = {}
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        errors["unit_id"] = _("Choose an existing unit.")
    if target is None or target < 0:
        errors["target"] = _("Enter a number of zero or more.")
    if errors:
        raise Invalid(errors)
    assert unit is not None
    assert target is not None
    row = next((t for t in programme.targets if t.unit_id == unit.id and t.indicator is indicator), None)
    before = row.target if row else None
    if row is None:
        row = ProgrammeTarget(indicator=indicator, target=target, unit_id=unit.id, unit=unit)
        programme.targets.append(row)
    else:
        row.target = target
    db.session.flush()
    audit.record(
        actor, "set_target", "programme", programme.id, unit_id=unit.id,
        changes={f"{unit.code}.{indicator.value}": [before, target]},
    )  # fmt: skip
    return row


def delete_unit_target(actor: User, programme: Programme, target_id: int) -> None:
    row = next((t for t in programme.targets if t.id == target_id and t.unit_id is not None), None)
    if row is None:
        raise NotFound()
    code = row.unit.code if row.unit else str(row.unit_id)
    audit.record(
        actor, "delete_target", "programme", programme.id, unit_id=row.unit_id,
        changes={f"{code}.{row.indicator.value}": [row.target, None]},
    )  # fmt: skip
    programme.targets.remove(row)
    db.session.flush()


# --------------------------------------------------------------------------- catalogues


@dataclass
class CatalogueInput:
    label_id: str
    label_en: str
    code: str = ""
    sort_order: int = 0
    is_active: bool = True
    is_key: bool = False  # location kinds only
    measure: str = ""  # item kinds only


def catalogue_model(slug: str) -> Any:
    model = CATALOGUES.get(slug)
    if model is None:
        raise NotFound()
    return model


def catalogue_entries(model: Any) -> list[Any]:
    return list(db.session.scalars(select(model).order_by(model.sort_order, model.label_id)))


def _catalogue_snapshot(entry: Any) -> dict[str, Any]:
    snap = {
        "code": entry.code, "label_id": entry.label_id, "label_en": entry.label_en,
        "sort_order": entry.sort_order, "is_active": entry.is_active,
    }  # fmt: skip
    if isinstance(entry, LocationKind):
        snap["is_key"] = entry.is_key
    if isinstance(entry, ItemKind):
        snap["measure"] = entry.measure
    return snap


def _check_labels(data: CatalogueInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _clean(data.label_id):
        errors["label_id"] = _("Enter the Indonesian label.")
    if not _clean(data.label_en):
        errors["label_en"] = _("Enter the English label.")
    return errors


def _apply_catalogue(entry: Any, data: CatalogueInput) -> None:
    entry.label_id = _clean(data.label_id)
    entry.label_en = _clean(data.label_en)
    entry.sort_order = data.sort_order
    entry.is_active = data.is_active
    if isinstance(entry, LocationKind):
        entry.is_key = data.is_key
    if isinstance(entry, ItemKind):
        entry.measure = _clean(data.measure)


def create_entry(actor: User, model: Any, data: CatalogueInput) -> Any:
    code = data.code.strip()
    errors = _check_labels(data)
    if not CATALOGUE_CODE_RE.fullmatch(code) or len(code) > 60:
        errors["code"] = _("Use lower-case letters, digits and underscores, starting with a letter.")
    elif db.session.scalar(select(model.id).where(model.code == code)) is not None:
        errors["code"] = _("That code is taken.")
    if errors:
        raise Invalid(errors)
    entry = model(code=code)
    _apply_catalogue(entry, data)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "create", _ENTITY[model], entry.id, changes=_catalogue_snapshot(entry))
    return entry


def update_entry(actor: User, entry: Any, data: CatalogueInput) -> Any:
    """Change labels, order and status. The code is immutable: stored rows and the API refer to it."""
    if data.code and data.code.strip() != entry.code:
        raise Invalid({"code": _("The code cannot be changed.")})
    errors = _check_labels(data)
    if errors:
        raise Invalid(errors)
    before = _catalogue_snapshot(entry)
    _apply_catalogue(entry, data)
    db.session.flush()
    changes = audit.diff(before, _catalogue_snapshot(entry))
    if changes:
        audit.record(actor, "update", _ENTITY[type(entry)], entry.id, changes=changes)
    return entry


# --------------------------------------------------------------------------- people


@dataclass
class PersonRecordInput:
    """A person of the registry (the admin people pages); an activity's leader or officer is
    :class:`outreach.services.schema.activity.PersonInput`."""

    rank: str
    name: str
    unit_id: int | None
    degrees: str | None = None
    nrp: str | None = None
    position: str | None = None
    is_active: bool = True


def people_query(unit_id: int | None = None) -> Select[Person]:
    query = select(Person).join(Person.unit).order_by(Unit.name, Person.name)
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    return query


def _person_snapshot(p: Person) -> dict[str, Any]:
    return {
        "rank": p.rank, "name": p.name, "degrees": p.degrees, "nrp": p.nrp, "position": p.position,
        "unit": p.unit.code if p.unit else None, "is_active": p.is_active,
    }  # fmt: skip


def _check_person(data: PersonRecordInput, current: Person | None) -> tuple[str, str | None, Unit]:
    errors: dict[str, str] = {}
    rank = normalize_rank(data.rank or "")
    if rank is None:
        errors["rank"] = _("Choose a Polri rank.")
    if not _clean(data.name):
        errors["name"] = _("Enter the name.")
    nrp = (data.nrp or "").replace(" ", "") or None
    if nrp is not None:
        if not NRP_RE.fullmatch(nrp):
            errors["nrp"] = _("An NRP has 8 digits, an NIP 18.")
        else:
            query = select(Person.id).where(Person.nrp == nrp)
            if current is not None:
                query = query.where(Person.id != current.id)
            if db.session.scalar(query) is not None:
                errors["nrp"] = _("Another person has this NRP.")
    unit = db.session.get(Unit, data.unit_id) if data.unit_id is not None else None
    if unit is None:
        errors["unit_id"] = _("Choose an existing unit.")
    if errors:
        raise Invalid(errors)
    assert rank is not None
    assert unit is not None
    return rank, nrp, unit


def _apply_person(p: Person, data: PersonRecordInput, rank: str, nrp: str | None, unit: Unit) -> None:
    p.rank = rank
    p.name = _clean(data.name)
    p.degrees = _none_if_blank(data.degrees)
    p.nrp = nrp
    p.position = _none_if_blank(data.position)
    p.unit = unit
    p.unit_id = unit.id
    p.is_active = data.is_active


def create_person(actor: User, data: PersonRecordInput) -> Person:
    rank, nrp, unit = _check_person(data, None)
    person = Person()
    _apply_person(person, data, rank, nrp, unit)
    db.session.add(person)
    db.session.flush()
    audit.record(actor, "create", "person", person.id, unit_id=unit.id, changes=_person_snapshot(person))
    return person


def update_person(actor: User, person: Person, data: PersonRecordInput) -> Person:
    rank, nrp, unit = _check_person(data, person)
    before = _person_snapshot(person)
    _apply_person(person, data, rank, nrp, unit)
    db.session.flush()
    changes = audit.diff(before, _person_snapshot(person))
    if changes:
        audit.record(actor, "update", "person", person.id, unit_id=unit.id, changes=changes)
    return person


# --------------------------------------------------------------------------- users


def users_query(unit_id: int | None = None) -> Select[User]:
    query = select(User).join(User.unit).order_by(User.username)
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return query


def update_user(actor: User, user: User, *, full_name: str, role: Role, unit_id: int | None) -> User:
    """Change a user's name, role and unit (an admin cannot take away their own admin role)."""
    errors: dict[str, str] = {}
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        errors["unit_id"] = _("Choose an existing unit.")
    if user.id == actor.id and role is not Role.ADMIN:
        errors["role"] = _("You cannot remove your own administrator role.")
    if errors:
        raise Invalid(errors)
    assert unit is not None
    before = {"full_name": user.full_name, "role": user.role.value, "unit": user.unit.code}
    user.full_name = _clean(full_name)
    user.role = role
    user.unit = unit
    user.unit_id = unit.id
    db.session.flush()
    changes = audit.diff(before, {"full_name": user.full_name, "role": role.value, "unit": unit.code})
    if changes:
        audit.record(actor, "update", "user", user.id, unit_id=unit.id, changes=changes)
    return user


def check_can_deactivate(actor: User, user: User) -> None:
    if user.id == actor.id:
        raise Invalid({"is_active": _("You cannot deactivate your own account.")})


# --------------------------------------------------------------------------- audit log


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    entity: str = ""
    username: str = ""
    #: a group of entries (``downloads.AUDIT_KINDS``): changes, security, downloads, personal-data downloads …
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_query(filters: AuditFilter) -> Select[AuditEntry]:
    from outreach.services import downloads

    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    query = query.where(
        *downloads.audit_conditions(filters.kind, downloads.Period(filters.date_from, filters.date_to))
    )
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.entity:
        query = query.where(AuditEntry.entity_type == filters.entity)
    if filters.username:
        query = query.where(AuditEntry.actor_username == filters.username.strip().lower())
    return query


def audit_facets() -> tuple[list[str], list[str]]:
    """The distinct actions and entity types in the log, for the filter selects."""
    actions = list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
    entity = AuditEntry.entity_type
    entities = list(db.session.scalars(select(entity).distinct().order_by(entity)))
    return actions, entities


# --------------------------------------------------------------------------- location registry (regions)


@dataclass
class LocationEditInput:
    """What the admin registry changes on a place: its name and its regions (names and/or codes)."""

    name: str
    village: str = ""
    district: str = ""
    regency: str = ""
    province: str = ""
    village_code: str = ""
    district_code: str = ""
    regency_code: str = ""
    province_code: str = ""


def locations_registry_query(actor: User, q: str = "", *, unmatched: bool = False) -> Select[Any]:
    """The registry in the admin's area (``q`` as the location picker searches); ``unmatched``: only the places
    with a region name that matched no Kemendagri region."""
    from outreach.services.locations import locations_query

    query = locations_query(actor, q)
    if unmatched:
        query = query.where(Location.is_region_unmatched.is_(True))
    return query


def get_registry_location(actor: User, location_id: int) -> Location:
    """A place of the admin's area, or NotFound."""
    query = locations_registry_query(actor).where(Location.id == location_id)
    location: Location | None = db.session.scalars(query).first()
    if location is None:
        raise NotFound(_("Unknown location."))
    return location


def _location_snapshot(location: Location) -> dict[str, Any]:
    fields = ["name"] + [f"{f}{suffix}" for f in regions.FIELD_LEVELS for suffix in ("", "_code")]
    return {f: getattr(location, f) for f in fields} | {"region_unmatched": location.is_region_unmatched}


def update_location(actor: User, location: Location, data: LocationEditInput) -> Location:
    """Rename a place and (re)place its regions: codes where names or picked codes match, the flag otherwise."""
    from outreach.services.locations import apply_placement

    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = _("Enter the name of the place.")
    placement = regions.place(
        {f: getattr(data, f) for f in regions.FIELD_LEVELS},
        {f: getattr(data, f"{f}_code") for f in regions.FIELD_LEVELS},
        errors,
    )
    if errors:
        raise Invalid(errors)
    before = _location_snapshot(location)
    location.name = name
    apply_placement(location, placement)
    db.session.flush()
    changes = audit.diff(before, _location_snapshot(location))
    if changes:
        audit.record(actor, "update", "location", location.id, unit_id=location.unit_id, changes=changes)
    return location


@dataclass
class PlacingReport:
    placed: int = 0
    unmatched: int = 0


def place_unplaced_locations(actor: User | None = None) -> PlacingReport:
    """Give Kemendagri codes to the places registered before codes existed (every code empty, not flagged):
    each name that matches gets its code and official spelling, the others are kept and flagged for an admin.
    Idempotent: a place once placed (or flagged) is not looked at again."""
    from outreach.services.locations import apply_placement

    report = PlacingReport()
    unplaced = (
        select(Location.id)
        .where(
            Location.province_code.is_(None),
            Location.regency_code.is_(None),
            Location.district_code.is_(None),
            Location.village_code.is_(None),
            Location.is_region_unmatched.is_(False),
        )
        .order_by(Location.id)
    )
    ids = list(db.session.scalars(unplaced))
    for start in range(0, len(ids), 500):
        for location in db.session.scalars(select(Location).where(Location.id.in_(ids[start : start + 500]))):
            names = {f: getattr(location, f) or "" for f in regions.FIELD_LEVELS}
            if not any(names.values()):
                continue
            placement = regions.place(names, {}, {})
            apply_placement(location, placement)
            if placement.is_unmatched:
                report.unmatched += 1
            else:
                report.placed += 1
        db.session.flush()
    if report.placed or report.unmatched:
        audit.record(
            actor,
            "update",
            "location",
            None,
            changes={"placed": report.placed, "unmatched": report.unmatched},
            comment="regions place-locations",
        )
    return report
