"""Kemendagri regions over the API: codes or names in, codes stored, unknown names kept and flagged."""

from __future__ import annotations

from outreach.extensions import db
from outreach.models import Location
from tests.api.conftest import activity_payload


def _status(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


BASE = {"name": "Ponpes Al Alif", "kind": "pondok_pesantren"}


def test_location_with_codes(api_as, world):
    staff = api_as("staff.a1x")
    created = _status(staff.post("/api/v1/locations", BASE | {"village_code": "33.16.10.2010"}), 201)
    assert created["village"] == "Tunjungan"
    assert created["district"] == "Tunjungan"
    assert created["regency"] == "Kabupaten Blora"
    assert created["province"] == "Jawa Tengah"
    assert (created["province_code"], created["regency_code"], created["district_code"]) == (
        "33",
        "33.16",
        "33.16.10",
    )
    assert created["village_code"] == "33.16.10.2010"
    assert created["region_unmatched"] is False
    fields = _status(staff.post("/api/v1/locations", BASE | {"name": "X", "district_code": "33.16"}), 422)
    assert set(fields["error"]["fields"]) == {"district_code"}
    fields = _status(
        staff.post("/api/v1/locations", BASE | {"name": "X", "regency_code": "33.161234"}), 422
    )  # longer than a regency code: a shape error
    assert set(fields["error"]["fields"]) == {"regency_code"}


def test_location_with_names(api_as, world):
    staff = api_as("staff.a1x")
    body = BASE | {
        "village": "kunden",
        "district": "Blora",
        "regency": "Kab. Blora",
        "province": "Jawa Tengah",
    }
    created = _status(staff.post("/api/v1/locations", body), 201)
    assert created["village_code"] == "33.16.09.1015"
    assert created["district_code"] == "33.16.09"
    assert created["regency"] == "Kabupaten Blora"
    assert created["region_unmatched"] is False
    # the same place written with the official regency name is the same place
    _status(staff.post("/api/v1/locations", body | {"regency": "Kabupaten Blora"}), 409)


def test_location_with_an_unknown_name_is_flagged(api_as, world):
    staff = api_as("staff.a1x")
    body = BASE | {"village": "Dukuh Ngablak", "district": "Blora", "regency": "Blora"}
    created = _status(staff.post("/api/v1/locations", body), 201)
    assert created["village"] == "Dukuh Ngablak"
    assert created["village_code"] is None
    assert created["district_code"] == "33.16.09"
    assert created["region_unmatched"] is True
    assert db.session.get(Location, created["id"]).is_region_unmatched


def test_activity_with_a_new_place_by_names_and_codes(api_as, world):
    staff = api_as("staff.a1x")
    payload = activity_payload(world)
    payload["visits"][1]["location"] = {
        "name": "Panti Asuhan Darul Hadlonah",
        "kind": "panti_asuhan",
        "village": "Kunden",
        "district_code": "33.16.09",
    }
    body = _status(staff.post("/api/v1/activities", payload), 201)
    place = body["visits"][1]["location"]
    assert place["village_code"] == "33.16.09.1015"
    assert place["regency"] == "Kabupaten Blora"
    assert place["region_unmatched"] is False
    payload = activity_payload(world, date="2023-12-01")
    payload["visits"][1]["location"] = {"name": "Balai Desa", "kind": "panti_asuhan", "village_code": "12"}
    fields = _status(staff.post("/api/v1/activities", payload), 422)["error"]["fields"]
    assert set(fields) == {"visits.1.location.village_code"}
