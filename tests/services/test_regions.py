"""Kemendagri regions: lookups and the placing of a location's names/codes (services.regions)."""

from __future__ import annotations

import re

import pytest

from outreach.services import regions


def test_lookup_by_code_and_children():
    assert regions.get("33.16") == regions.Region("33.16", "Kabupaten Blora")
    assert regions.get("3316") == regions.Region("33.16", "Kabupaten Blora")  # undotted form accepted
    assert regions.get("33.99") is None
    assert regions.get("not a code") is None
    assert regions.name_of("33.16.09") == "Blora"
    kecamatan = regions.children("33.16")
    assert len(kecamatan) == 16
    assert kecamatan[0] == regions.Region("33.16.01", "Jati")
    assert all(r.parent_code == "33.16" and r.level == 3 for r in kecamatan)
    assert len(regions.children()) == 38  # the provinces
    assert regions.label("33.16.09.1015") == "Kunden, Blora, Kabupaten Blora, Jawa Tengah"


@pytest.mark.parametrize(
    ("name", "level", "parent", "codes"),
    [
        ("Kabupaten Blora", 2, None, ["33.16"]),  # exact
        ("kabupaten BLORA", 2, None, ["33.16"]),  # case-insensitive
        ("Kab. Blora", 2, None, ["33.16"]),  # abbreviated kind
        ("Blora", 2, None, ["33.16"]),  # no kind
        ("Kota Semarang", 2, None, ["33.74"]),  # the whole name decides
        ("Semarang", 2, None, ["33.22", "33.74"]),  # the kabupaten and the kota: ambiguous
        ("Jawa Tengah", 1, None, ["33"]),
        ("Karanganyar", 3, "33.26", ["33.26.07"]),  # six kecamatan of that name: the parent decides
        ("Kunden", 4, "33.16.09", ["33.16.09.1015"]),
        ("Atlantis", 3, None, []),
    ],
)
def test_match(name, level, parent, codes):
    assert regions.match(name, level, parent) == codes


def test_karanganyar_is_ambiguous_without_its_parent():
    assert len(regions.match("Karanganyar", 3)) > 1


def test_search_for_autocomplete():
    found = regions.search("blo")
    assert found[0] == regions.Region(
        "33.16", "Kabupaten Blora"
    )  # prefix matches first, larger regions first
    assert regions.Region("33.16.09", "Blora") in found
    inside = regions.search("jat", parent="33.16", level=3)
    assert inside == [regions.Region("33.16.01", "Jati")]
    villages = regions.search("kun", parent="33.16.09", level=4)
    assert villages == [regions.Region("33.16.09.1015", "Kunden")]
    assert regions.search("", level=2) == []
    assert regions.search("blo", parent="nonsense") == []
    assert len(regions.search("a", limit=3)) == 3


def test_place_names_to_codes():
    errors: dict[str, str] = {}
    placed = regions.place(
        {"province": "jateng", "regency": "blora", "district": "JATI", "village": "Bangkleyan"}, {}, errors
    )
    assert errors == {}
    assert placed.codes == {
        "province": "33",
        "regency": "33.16",
        "district": "33.16.01",
        "village": "33.16.01.2001",
    }
    # matched names take their official spelling; the province ("jateng") is known from the regency below it
    assert placed.names == {
        "province": "Jawa Tengah",
        "regency": "Kabupaten Blora",
        "district": "Jati",
        "village": "Bangkleyan",
    }
    assert not placed.is_unmatched


def test_place_ambiguous_name_is_disambiguated_by_its_parent():
    errors: dict[str, str] = {}
    placed = regions.place({"regency": "Karanganyar", "district": "Karanganyar"}, {}, errors)
    assert placed.codes["regency"] == "33.13"
    assert placed.codes["district"] == "33.13.09"
    alone = regions.place({"district": "Karanganyar"}, {}, errors)
    assert alone.codes["district"] is None
    assert alone.unmatched == ["district"]
    assert alone.names["district"] == "Karanganyar"  # kept as written


def test_place_codes_and_unmatched_names():
    errors: dict[str, str] = {}
    placed = regions.place({"village": "Dukuh Ngablak"}, {"district": "3316090"[:-1]}, errors)
    # "331609" is the undotted kecamatan Blora; the village name is unknown there: kept, flagged
    assert placed.codes["district"] == "33.16.09"
    assert placed.names["regency"] == "Kabupaten Blora"
    assert placed.names["village"] == "Dukuh Ngablak"
    assert placed.unmatched == ["village"]
    assert errors == {}


def test_place_rejects_bad_codes():
    errors: dict[str, str] = {}
    regions.place({}, {"district": "33.16"}, errors, "location.")  # a regency's code at the district level
    assert set(errors) == {"location.district_code"}
    errors.clear()
    regions.place({"province": "Jawa Timur"}, {"regency": "33.16"}, errors)  # outside the province above
    assert set(errors) == {"regency_code"}
    errors.clear()
    regions.place({}, {"village": "99.99.99.9999"}, errors)
    assert set(errors) == {"village_code"}


def test_cli_places_locations_registered_before_codes(runner, world):
    from sqlalchemy import select

    from outreach.extensions import db
    from outreach.models import Location
    from tests import factories

    known = factories.make_location(
        "Ponpes Lama", unit=world.u("POLSEK-A1X"), village="Kunden", district="Blora"
    )
    unknown = factories.make_location("Panti Lama", "panti_asuhan", world.u("POLSEK-A1X"), district="Kec A1x")
    db.session.commit()
    result = runner.invoke(args=["regions", "place-locations"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert known.village_code == "33.16.09.1015"
    assert not known.is_region_unmatched
    assert unknown.regency_code == "33.16"  # "Kabupaten Blora" (the factory's regency) matched
    assert unknown.district == "Kec A1x"  # kept as written
    assert unknown.is_region_unmatched
    flagged = db.session.scalars(select(Location).where(Location.is_region_unmatched.is_(True))).all()
    placed, unmatched = (int(n) for n in re.findall(r"\d+", result.output))
    assert unmatched == len(flagged)
    assert placed >= 1
    again = runner.invoke(args=["regions", "place-locations"])
    assert again.output.startswith("0 place(s) placed, 0 flagged")  # idempotent
    found = runner.invoke(args=["regions", "search", "kunden", "--level", "4"])
    assert "33.16.09.1015\tKunden, Blora, Kabupaten Blora, Jawa Tengah" in found.output
