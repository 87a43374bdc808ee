"""Units, programmes and locations over the API."""

from __future__ import annotations

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Programme, Unit


def _status(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_units(api_as, world):
    admin, commander = api_as("admin"), api_as("commander.a1")
    body = {"code": "POLSEK-A1Z", "name": "Polsek A1Z", "level": "polsek", "parent_code": "POLRES-A1"}
    created = _status(admin.post("/api/v1/units", body), 201)
    assert created["parent_code"] == "POLRES-A1"
    assert created["depth"] == 3
    unit = db.session.scalar(select(Unit).where(Unit.code == "POLSEK-A1Z"))
    assert unit.path == f"{world.u('POLRES-A1').path}{unit.id}/"
    assert "POLSEK-A1Z" in {
        u["code"] for u in _status(commander.get("/api/v1/units?per_page=100"), 200)["items"]
    }
    taken = _status(admin.post("/api/v1/units", body), 409)["error"]
    assert taken["code"] == "conflict"
    assert list(taken["fields"]) == ["code"]  # the field that collides, as the admin form shows it
    _status(commander.post("/api/v1/units", body | {"code": "X-1"}), 403)
    fields = _status(
        admin.post("/api/v1/units", body | {"code": "X-2", "parent_code": "NOPE", "level": "kodim"}), 422
    )
    assert set(fields["error"]["fields"]) == {"level"}  # shape errors first
    fields = _status(admin.post("/api/v1/units", body | {"code": "X-2", "parent_code": "NOPE"}), 422)
    assert set(fields["error"]["fields"]) == {"parent_code"}
    listing = _status(admin.get("/api/v1/units?per_page=5&page=2"), 200)
    assert listing["total"] == len(world.units) + 1
    assert len(listing["items"]) == 5


def test_units_parent_must_be_in_scope(api_as, world, client):
    from outreach.models import Role
    from outreach.services import tokens
    from tests import factories
    from tests.api.conftest import Api

    polda_admin = factories.make_user("admin.polda.a", Role.ADMIN, world.u("POLDA-A"))
    _t, raw = tokens.create_token(polda_admin)
    db.session.commit()
    api = Api(client, raw)
    body = {"code": "POLSEK-B1Z", "name": "Polsek B1Z", "level": "polsek", "parent_code": "POLRES-B1"}
    assert set(_status(api.post("/api/v1/units", body), 422)["error"]["fields"]) == {"parent_code"}


def test_programmes(api_as, world):
    admin, staff = api_as("admin"), api_as("staff.a1")
    body = {
        "name": "Cooling System Pilkada 2024",
        "kind": "pilkada",
        "start_date": "2024-08-27",
        "end_date": "2024-12-31",
        "targets": {"activities": 20, "parcels": 300},
    }
    created = _status(admin.post("/api/v1/programmes", body), 201)
    assert isinstance(created["id"], int)
    assert created["targets"] == {"activities": 20, "parcels": 300}
    assert db.session.get(Programme, created["id"]).targets[0].target in (20, 300)
    listing = _status(staff.get("/api/v1/programmes"), 200)
    assert {p["id"] for p in listing["items"]} == {created["id"], world.programme.id}
    assert _status(staff.get(f"/api/v1/programmes/{created['id']}"), 200)["name"] == body["name"]
    _status(staff.get("/api/v1/programmes/999999"), 404)
    _status(staff.post("/api/v1/programmes", body | {"name": "Other"}), 403)
    assert list(_status(admin.post("/api/v1/programmes", body), 409)["error"]["fields"]) == ["name"]
    fields = _status(
        admin.post(
            "/api/v1/programmes",
            body | {"name": "Bad", "targets": {"parcels": -1, "bogus": 3}, "start_date": "2024-13-01"},
        ),
        422,
    )["error"]["fields"]
    assert set(fields) == {"targets.parcels", "targets.bogus", "start_date"}
    fields = _status(admin.post("/api/v1/programmes", body | {"name": "Bad", "end_date": "2024-01-01"}), 422)
    assert set(fields["error"]["fields"]) == {"end_date"}


def test_locations(api_as, world):
    staff, pr, other = api_as("staff.a1x"), api_as("pr.a1"), api_as("staff.b1")
    body = {
        "name": "Masjid Agung A1X",
        "kind": "masjid",
        "village": "Kauman",
        "district": "Kec A1x",
        "regency": "Kabupaten A1",
        "latitude": -6.9,
        "longitude": 111.4,
    }
    created = _status(staff.post("/api/v1/locations", body), 201)
    assert created["unit_code"] == "POLSEK-A1X"
    assert created["kind"] == "masjid"
    _status(staff.post("/api/v1/locations", body), 409)
    _status(pr.post("/api/v1/locations", body | {"name": "Gereja"}), 403)
    fields = _status(
        staff.post("/api/v1/locations", body | {"name": "X", "kind": "kapal", "latitude": 100}), 422
    )
    assert set(fields["error"]["fields"]) == {"latitude"}
    fields = _status(staff.post("/api/v1/locations", body | {"name": "X", "kind": "kapal"}), 422)
    assert set(fields["error"]["fields"]) == {"kind"}
    found = _status(staff.get("/api/v1/locations?q=kauman"), 200)
    assert [item["id"] for item in found["items"]] == [created["id"]]
    assert _status(staff.get("/api/v1/locations?q=agung"), 200)["total"] == 1
    assert _status(other.get("/api/v1/locations?q=agung"), 200)["total"] == 0  # another Polda's area
    everything = _status(staff.get("/api/v1/locations?per_page=1"), 200)
    assert everything["total"] == 2
    assert len(everything["items"]) == 1
