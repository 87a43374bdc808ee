"""The location registry: which places a user may pick, finding one by name and regency, and building one.

Activities (an inline new place), the API's location endpoints, the admin pages and the demo all register and
reuse places through these functions, so "the same place" and "a place in your area" mean one thing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from outreach.extensions import db
from outreach.models import Location, LocationKind, User
from outreach.numerals import ascii_digits
from outreach.services import regions
from outreach.services.filters import like_pattern
from outreach.services.schema.activity import LocationInput
from outreach.services.scope import is_within, subtree_ids_query


def location_visible(actor: User, location: Location) -> bool:
    """A registered place may be used by any unit whose area overlaps: its own subtree or an ancestor's."""
    assert location.unit is not None
    return is_within(location.unit, actor.unit) or is_within(actor.unit, location.unit)


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

    Only places in ``within``'s area count (:func:`area_condition`): another unit's place is never
    returned, reused or named; outside the area a new place is registered instead. With a placement whose
    regency matched, the regency is the same when its code is, or when the stored name is the official one or
    the one written (places registered before codes existed).
    """
    query = select(Location).where(
        func.lower(Location.name) == " ".join(name.split()).lower(), area_condition(within)
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


def area_condition(user: User) -> Any:
    """Locations a user may pick: unassigned ones, those of their subtree, and those of the units above them."""
    ancestors = [int(p) for p in user.unit.path.strip("/").split("/") if ascii_digits(p)]
    return or_(
        Location.unit_id.is_(None),
        Location.unit_id.in_(subtree_ids_query(user.unit)),
        Location.unit_id.in_(ancestors),
    )


def locations_query(user: User, q: str = "") -> Select[Any]:
    """Registered locations in the user's area whose name, village or district contains ``q``, by name."""
    query = (
        select(Location)
        .options(selectinload(Location.kind), selectinload(Location.unit))
        .where(area_condition(user))
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
