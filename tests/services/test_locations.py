"""services.locations: the registry's area (which places a user may pick), look-up by name and regency, search."""

from __future__ import annotations

from outreach.extensions import db
from outreach.models import Location, LocationKind
from outreach.services import locations
from outreach.services.filters import like_pattern
from outreach.services.schema.activity import LocationInput
from tests import factories
from tests.factories import World


def _names(found: list[Location]) -> set[str]:
    return {loc.name for loc in found}


def test_area_is_own_subtree_ancestors_and_unassigned(world: World) -> None:
    loose = factories.make_location("Pasar Induk", unit=None)
    above = factories.make_location("Masjid Agung", unit=world.u("POLRES-A1"), regency="Kabupaten A1")
    seen = _names(locations.search_locations(world.users["staff.a1x"], limit=100))
    assert {"Ponpes POLSEK-A1X", loose.name, above.name} <= seen
    assert "Ponpes POLSEK-A1Y" not in seen  # the sibling Polsek's place
    assert "Ponpes POLSEK-B1X" not in seen
    polres = _names(locations.search_locations(world.users["commander.a1"], limit=100))
    assert {"Ponpes POLSEK-A1X", "Ponpes POLSEK-A1Y"} <= polres


def test_location_visible_both_ways_along_the_tree(world: World) -> None:
    own = world.locations["POLSEK-A1X"]
    assert locations.location_visible(world.users["staff.a1x"], own)
    assert locations.location_visible(world.users["commander.a1"], own)  # below the Polres
    assert not locations.location_visible(world.users["staff.a1y"], own)


def test_find_location_by_name_and_regency_within_the_area(world: World) -> None:
    staff = world.users["staff.a1x"]
    found = locations.find_location("  ponpes   POLSEK-A1X ", "kabupaten a1", within=staff)
    assert found is world.locations["POLSEK-A1X"]
    assert locations.find_location("Ponpes POLSEK-A1X", "Kabupaten B2", within=staff) is None
    assert (
        locations.find_location("Ponpes POLSEK-A1X", "Kabupaten A1", within=world.users["staff.a1y"]) is None
    )


def test_search_matches_name_village_district_and_escapes_wildcards(world: World) -> None:
    staff = world.users["staff.a1x"]
    factories.make_location("Panti 100% Kasih", unit=world.u("POLSEK-A1X"), village="Sukamaju")
    assert _names(locations.search_locations(staff, "sukamaju")) == {"Panti 100% Kasih"}
    assert _names(locations.search_locations(staff, "100%")) == {"Panti 100% Kasih"}
    assert _names(locations.search_locations(staff, "0%k")) == set()  # % is a character, not a wildcard
    assert like_pattern("a_b%c\\") == "%a\\_b\\%c\\\\%"


def test_build_location_tidies_the_name_and_places_the_regions(world: World) -> None:
    errors: dict[str, str] = {}
    data = LocationInput(name="  Pondok   Al  Hikmah ", kind="pondok_pesantren", regency="Kabupaten Blora")
    placement = locations.place_location(data, errors)
    assert errors == {}
    kind = db.session.query(LocationKind).filter_by(code="pondok_pesantren").one()
    built = locations.build_location(data, kind, world.u("POLSEK-A1X").id, placement)
    assert built.name == "Pondok Al Hikmah"
    assert built.regency_code == "33.16"
    assert built.id is None  # not saved: the caller adds it


def test_place_location_reports_an_unknown_code_under_the_prefix(world: World) -> None:
    errors: dict[str, str] = {}
    data = LocationInput(name="X", kind="masjid", regency_code="99.99")
    locations.place_location(data, errors, "visits.0.location.")
    assert "visits.0.location.regency_code" in errors
