"""Kemendagri regions in the web app: the autocomplete endpoint, the activity form's new place, the admin
location registry (the unmatched filter, fixing a place's regions) and the dashboard's by-kecamatan table."""

from __future__ import annotations

import re

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry, Location
from outreach.services import activities, stats
from tests import factories
from tests.support.forms import base_form


def test_autocomplete_endpoint(world, client, login_as):
    assert client.get("/regions?q=blora").status_code == 302  # login required
    login_as("pr.a1x")  # any role may look regions up
    found = client.get("/regions?q=blo").get_json()
    assert found[0] == {
        "code": "33.16",
        "name": "Kabupaten Blora",
        "level": 2,
        "label": "Kabupaten Blora, Jawa Tengah",
    }
    inside = client.get("/regions?q=jat&level=3&parent=33.16").get_json()
    assert [r["code"] for r in inside] == ["33.16.01"]
    villages = client.get("/regions?q=kun&level=4&parent=33.16.09").get_json()
    assert [(r["code"], r["label"]) for r in villages] == [
        ("33.16.09.1015", "Kunden, Blora, Kabupaten Blora, Jawa Tengah")
    ]
    assert client.get("/regions?q=").get_json() == []
    assert client.get("/regions?q=blo&parent=xx").get_json() == []
    bad = client.get("/regions?q=blo&level=9")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "invalid"


def _new_place(world, **place):
    fields = {f"visits-1-{k}": v for k, v in place.items()}
    return base_form(world, **{"visits-1-new_kind": "panti_asuhan", "visits-1-parcels": "5", **fields})


def test_activity_form_new_place_by_names(world, login_as):
    client = login_as("staff.a1x")
    data = _new_place(
        world,
        new_name="Panti Asuhan Darul Hadlonah",
        new_village="kunden",
        new_district="Blora",
        new_regency="Blora",
    )
    response = client.post("/activities/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    place = db.session.scalar(select(Location).where(Location.name == "Panti Asuhan Darul Hadlonah"))
    assert (place.village_code, place.district_code, place.regency_code, place.province_code) == (
        "33.16.09.1015",
        "33.16.09",
        "33.16",
        "33",
    )
    assert (place.village, place.regency, place.province) == ("Kunden", "Kabupaten Blora", "Jawa Tengah")
    assert not place.is_region_unmatched


def test_activity_form_new_place_with_picked_codes(world, login_as):
    client = login_as("staff.a1x")
    # what regions.js sends after a pick: the name as shown and the code of the region picked; "Karanganyar"
    # is a kecamatan in six regencies, the picked code says which
    data = _new_place(
        world, new_name="Masjid Al Ikhlas", new_district="Karanganyar", new_district_code="33.26.07"
    )
    assert client.post("/activities/new", data=data).status_code == 302
    place = db.session.scalar(select(Location).where(Location.name == "Masjid Al Ikhlas"))
    assert place.district_code == "33.26.07"
    assert place.regency == "Kabupaten Pekalongan"
    bad = _new_place(world, new_name="Masjid Baru", new_district="Blora", new_district_code="33.16")
    response = client.post("/activities/new", data=bad)
    assert response.status_code == 422
    assert 'id="visits-1-new_district-errors"' in response.get_data(as_text=True)


def test_activity_form_unknown_names_are_kept_and_flagged(world, login_as):
    client = login_as("staff.a1x")
    data = _new_place(world, new_name="Pos Kamling Ngablak", new_village="Dukuh Ngablak", new_regency="Blora")
    assert client.post("/activities/new", data=data).status_code == 302
    place = db.session.scalar(select(Location).where(Location.name == "Pos Kamling Ngablak"))
    assert place.village == "Dukuh Ngablak"
    assert place.village_code is None
    assert place.regency_code == "33.16"
    assert place.is_region_unmatched


def test_form_is_wired_to_the_autocomplete(world, login_as):
    html = login_as("staff.a1x").get("/activities/new").get_data(as_text=True)
    assert 'data-region-group data-region-url="/regions"' in html
    assert 'data-region-level="3"' in html
    assert 'data-region-code="3"' in html
    assert "js/regions.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_admin_registry_filters_and_fixes_unmatched_places(world, login_as):
    ok = factories.make_location("Ponpes Al Falah", unit=world.u("POLSEK-A1X"), regency="Kabupaten Blora")
    ok.regency_code = "33.16"
    bad = factories.make_location(
        "Panti Sepi",
        "panti_asuhan",
        world.u("POLSEK-A1X"),
        village="Kundenn",
        district="Blora",
        regency="Blora",
    )
    bad.is_region_unmatched = True
    db.session.commit()
    client = login_as("admin")
    listing = client.get("/admin/locations?unmatched=1").get_data(as_text=True)
    assert "Panti Sepi" in listing
    assert "Ponpes Al Falah" not in listing
    assert 'data-testid="region-unmatched"' in listing
    everything = client.get("/admin/locations").get_data(as_text=True)
    assert "Ponpes Al Falah" in everything
    form = client.get(f"/admin/locations/{bad.id}/edit").get_data(as_text=True)
    assert "js/regions.js" in form
    response = client.post(
        f"/admin/locations/{bad.id}/edit",
        data={"name": "Panti Sepi", "village": "Kunden", "district": "Blora", "regency": "Blora"},
    )
    assert response.status_code == 302
    db.session.refresh(bad)
    assert bad.village_code == "33.16.09.1015"
    assert not bad.is_region_unmatched
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "location"))
    assert entry.changes["village_code"] == [None, "33.16.09.1015"]
    client.get("/admin/locations")  # the flash of the save shows there
    assert 'data-testid="locations-table"' not in client.get("/admin/locations?unmatched=1").get_data(
        as_text=True
    )
    bad_code = client.post(
        f"/admin/locations/{bad.id}/edit", data={"name": "Panti Sepi", "district_code": "99.99.99"}
    )
    assert bad_code.status_code == 200
    assert 'id="district-errors"' in bad_code.get_data(as_text=True)
    assert client.get("/admin/locations/999999/edit").status_code == 404
    client.post("/logout")
    assert login_as("staff.a1x").get("/admin/locations").status_code == 403


def test_dashboard_groups_by_kecamatan_code(world, login_as):
    blora = factories.make_location(
        "Ponpes Kunden", unit=world.u("POLSEK-A1X"), district="Blora", district_code="33.16.09"
    )
    jati = factories.make_location("Masjid Jati", "masjid", world.u("POLSEK-A1X"), district_code="33.16.01")
    # written differently, same kecamatan: grouped by the code, shown under the official name
    blora2 = factories.make_location(
        "Panti Blora", "panti_asuhan", world.u("POLSEK-A1X"), district="kec. blora", district_code="33.16.09"
    )
    unplaced = world.locations["POLSEK-A1X"]
    activity = factories.make_activity(
        world.users["staff.a1x"],
        world.programme,
        world.u("POLSEK-A1X"),
        [blora, jati, blora2, unplaced],
        parcels=[10, 5, 7, 1],
        beneficiaries=[20, 30, 40, 50],
    )
    activities.submit_activity(world.users["staff.a1x"], activity)  # the dashboard counts submitted work
    db.session.commit()
    summary = stats.summarize(world.users["admin"], stats.StatsFilter(programme_id=world.programme.id))
    rows = {r.code: r for r in summary.by_district}
    assert rows["33.16.09"] == stats.DistrictRow("33.16.09", "Blora", "Kabupaten Blora", 2, 2, 17, 60)
    assert rows["33.16.01"] == stats.DistrictRow("33.16.01", "Jati", "Kabupaten Blora", 1, 1, 5, 30)
    assert rows[None] == stats.DistrictRow(None, "", "", 1, 1, 1, 50)
    assert [r.code for r in summary.by_district] == ["33.16.09", "33.16.01", None]
    assert sum(r.parcels for r in summary.by_district) == summary.totals.parcels
    assert sum(r.locations for r in summary.by_district) == summary.totals.locations
    html = (
        login_as("commander.a1").get(f"/dashboard/?programme_id={world.programme.id}").get_data(as_text=True)
    )
    table = re.search(r'data-testid="by-district">(.*?)</table>', html, re.S)
    assert table
    assert "Blora" in table.group(1)
    assert "33.16.09" in table.group(1)
    assert "33.16.01" in table.group(1)
