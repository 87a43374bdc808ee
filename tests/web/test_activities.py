"""The activity form, lists and detail through the test client."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, KamtibmasMessage
from tests import factories
from tests.support.forms import base_form


def count_activities() -> int:
    return db.session.scalar(select(func.count()).select_from(Activity)) or 0


def test_form_renders_with_defaults(world, login_as):
    client = login_as("staff.a1x")
    page = client.get("/activities/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="nonce"' in html
    assert '<option selected value="POLSEK-A1X">' in html
    assert 'for="visits-0-parcels"' in html
    assert "activity-form.js" in html
    assert "<script>" not in html  # CSP: no inline script


def test_create_with_three_locations_items_messages(world, login_as):
    client = login_as("staff.a1x")
    msgs = list(db.session.scalars(select(KamtibmasMessage).order_by(KamtibmasMessage.id).limit(2)))
    data = base_form(
        world,
        **{
            "visits-1-new_name": "Panti Asuhan Harapan",
            "visits-1-new_kind": "panti_asuhan",
            "visits-1-new_village": "Tunjungan",
            "visits-1-new_regency": "Kabupaten A1",
            "visits-1-parcels": "15",
            "visits-1-beneficiaries": "30",
            "visits-1-beneficiary_group": "anak yatim",
            "visits-1-contact_name": "Ibu Siti",
            "visits-1-contact_role": "pengurus panti",
            "visits-1-items-0-name": "Beras",
            "visits-1-items-0-quantity": "50",
            "visits-1-items-0-measure": "kg",
            "visits-2-new_name": "Masjid Al Ikhlas",
            "visits-2-new_kind": "masjid",
            "visits-2-new_regency": "Kabupaten A1",
            "visits-2-parcels": "25",
            "visits-2-items-0-name": "Brosur",
            "visits-2-items-0-quantity": "100",
            "visits-2-items-1-name": "Minyak goreng",
            "visits-2-items-1-quantity": "10",
            "visits-2-items-1-measure": "l",
            "messages_text": "Jaga kamtibmas selama masa kampanye\n\n",
            "partners-0-name": "KH. Nasir",
            "partners-0-role": "pengasuh ponpes",
            "partners-1-name": "Camat Tunjungan",
            "coverage-0-outlet": "Blora Update",
            "coverage-0-url": "https://example.org/berita",
            "coverage-0-published_on": "2023-11-30",
            "summary": "Berjalan lancar.",
            "officers-0-rank": "Bripka",
            "officers-0-name": "Sutrisno",
        },
    )
    data["message_ids"] = [str(m.id) for m in msgs]
    response = client.post("/activities/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    activity = db.session.scalar(select(Activity))
    assert activity.visit_count == 3
    assert activity.parcel_count == 50
    assert activity.beneficiary_count == 50
    assert activity.message_count == 3
    assert [i.name for i in activity.visits[2].items] == ["Brosur", "Minyak goreng"]
    assert activity.visits[1].items[0].measure == "kg"
    assert [(p.name, p.role) for p in activity.partners] == [
        ("KH. Nasir", "pengasuh ponpes"),
        ("Camat Tunjungan", ""),
    ]
    assert activity.coverage[0].published_on == date(2023, 11, 30)
    assert activity.officers[0].rank == "Bripka"
    assert activity.created_by.username == "staff.a1x"
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Panti Asuhan Harapan" in html
    assert "Masjid Al Ikhlas" in html
    assert 'data-testid="history"' in html


def _errors_html(response):
    assert response.status_code == 422
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field_id", "kept"),
    [
        ({"visits-0-parcels": "-5"}, "visits-0-parcels", 'value="-5"'),
        ({"occurred_on": (date.today() + timedelta(days=3)).isoformat()}, "occurred_on", "Lilik Widiastuti"),
        ({"occurred_on": "2023-01-10"}, "occurred_on", 'value="2023-01-10"'),
        ({"leader_rank": "Kapten"}, "leader_rank", 'value="Kapten"'),
    ],
)
def test_validation_errors_shown_at_field_with_input_kept(world, login_as, overrides, field_id, kept):
    client = login_as("staff.a1x")
    html = _errors_html(
        client.post("/activities/new", data=base_form(world, title="Kept title", **overrides))
    )
    assert f'id="{field_id}-errors"' in html
    assert f'aria-describedby="{field_id}-errors' in html
    assert 'value="Kept title"' in html
    assert kept in html
    assert count_activities() == 0


def test_same_location_twice_is_explained(world, login_as):
    client = login_as("staff.a1x")
    loc = str(world.locations["POLSEK-A1X"].id)
    data = base_form(world, **{"visits-1-location_id": loc, "visits-1-parcels": "3"})
    html = _errors_html(client.post("/activities/new", data=data))
    assert 'id="visits-1-location_id-errors"' in html
    assert count_activities() == 0


def test_blank_rows_skipped_and_error_maps_to_the_typed_row(world, login_as):
    """Rows posted as 0 and 2 (a JS-removed row between): the error lands on the row typed with it."""
    client = login_as("staff.a1x")
    data = base_form(
        world, **{"visits-2-new_name": "Pasar Baru", "visits-2-new_kind": "pasar", "visits-2-parcels": "-1"}
    )
    html = _errors_html(client.post("/activities/new", data=data))
    row = html.split('data-testid="visit-row"')[2]
    assert 'id="visits-1-parcels-errors"' in row
    assert 'value="Pasar Baru"' in row


def test_add_visit_row_without_js_keeps_input(world, login_as):
    client = login_as("staff.a1x")
    data = base_form(world, title="Judul sementara", add_visit="1")
    response = client.post("/activities/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="visits-1-parcels"' in html
    assert 'value="Judul sementara"' in html
    assert "invalid-feedback" not in html
    assert count_activities() == 0


def test_remove_visit_row_without_js_renumbers(world, login_as):
    client = login_as("staff.a1x")
    data = base_form(
        world,
        **{
            "visits-1-new_name": "Akan dihapus",
            "visits-2-new_name": "Tetap ada",
            "visits-2-parcels": "7",
            "remove_visit_1": "1",
        },
    )
    html = client.post("/activities/new", data=data).get_data(as_text=True)
    assert "Akan dihapus" not in html
    assert 'name="visits-1-new_name" type="text" value="Tetap ada"' in html or (
        'value="Tetap ada"' in html
        and 'id="visits-1-new_name"' in html
        and 'name="visits-2-new_name"' not in html
    )
    assert count_activities() == 0


def test_add_item_row_without_js(world, login_as):
    client = login_as("staff.a1x")
    data = base_form(world, **{"visits-0-items-0-name": "Beras", "add_item_0": "1"})
    html = client.post("/activities/new", data=data).get_data(as_text=True)
    assert 'name="visits-0-items-1-name"' in html
    assert 'value="Beras"' in html


def test_double_submit_stores_one(world, login_as):
    client = login_as("staff.a1x")
    html = client.get("/activities/new").get_data(as_text=True)
    nonce = html.split('name="nonce" type="hidden" value="')[1].split('"')[0]
    first = client.post("/activities/new", data=base_form(world, nonce=nonce))
    second = client.post("/activities/new", data=base_form(world, nonce=nonce))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count_activities() == 1


def _make(world, username="staff.a1x", unit="POLSEK-A1X"):
    activity = factories.make_activity(
        world.users[username], world.programme, world.u(unit), [world.locations[unit]]
    )
    db.session.commit()
    return activity


def test_edit_prefills_and_saves(world, login_as):
    activity = _make(world)
    client = login_as("staff.a1x")
    html = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="Lilik Widiastuti"' in html
    assert f'name="version" type="hidden" value="{activity.version}"' in html
    data = base_form(world, version=str(activity.version), title="Judul baru")
    response = client.post(f"/activities/{activity.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "Judul baru"


def test_edit_with_stale_version_is_a_conflict(world, login_as):
    activity = _make(world)
    client = login_as("staff.a1x")
    stale = activity.version
    assert (
        client.post(
            f"/activities/{activity.id}/edit", data=base_form(world, version=str(stale), title="A")
        ).status_code
        == 302
    )
    response = client.post(
        f"/activities/{activity.id}/edit", data=base_form(world, version=str(stale), title="B")
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-testid="form-message"' in html
    assert 'value="B"' in html
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "A"


def test_pr_cannot_create(world, login_as):
    client = login_as("pr.a1x")
    assert client.get("/activities/new").status_code == 403
    assert client.post("/activities/new", data=base_form(world)).status_code == 403
    assert count_activities() == 0


def test_sibling_polsek_gets_404(world, login_as):
    activity = _make(world)
    client = login_as("staff.a1y")
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert client.get(f"/activities/{activity.id}/edit").status_code == 404
    assert client.post(f"/activities/{activity.id}/edit", data=base_form(world)).status_code == 404
    for action in ("submit", "delete"):
        assert client.post(f"/activities/{activity.id}/{action}").status_code == 404


def test_sibling_unit_code_refused_in_form(world, login_as):
    client = login_as("staff.a1x")
    html = _errors_html(client.post("/activities/new", data=base_form(world, unit_code="POLSEK-A1Y")))
    assert 'id="unit_code-errors"' in html
    assert count_activities() == 0


def test_locations_search_is_scoped(world, login_as):
    client = login_as("staff.a1x")
    found = client.get("/activities/locations?q=ponpes").get_json()
    names = {f["name"] for f in found}
    assert "Ponpes POLSEK-A1X" in names
    assert "Ponpes POLSEK-A1Y" not in names
    assert "Ponpes POLSEK-B1X" not in names


def test_lists_mine_waiting_and_filters(world, login_as):
    from outreach.services import activities as svc

    mine = _make(world)
    other = _make(world, "staff.a1y", "POLSEK-A1Y")
    svc.submit_activity(world.users["staff.a1y"], other)
    db.session.commit()
    client = login_as("staff.a1x")
    html = client.get("/activities/mine").get_data(as_text=True)
    assert f"/activities/{mine.id}" in html
    assert f"/activities/{other.id}" not in html
    assert client.get("/activities/waiting").status_code == 403
    client.post("/logout")
    client = login_as("commander.a1")
    html = client.get("/activities/waiting").get_data(as_text=True)
    assert f"/activities/{other.id}" in html
    assert f"/activities/{mine.id}" not in html
    html = client.get("/activities/?status=submitted&unit=POLSEK-A1Y").get_data(as_text=True)
    assert f'/activities/{other.id}"' in html
    assert f'/activities/{mine.id}"' not in html
    html = client.get("/activities/?unit=POLSEK-A1X&from=2023-11-01&to=2023-12-01").get_data(as_text=True)
    assert f'/activities/{mine.id}"' in html
    assert f'/activities/{other.id}"' not in html
    html = client.get("/activities/?from=2024-01-01").get_data(as_text=True)
    assert 'data-testid="empty"' in html


def test_pagination_keeps_filters(world, login_as, app):
    app.config["OUTREACH_PAGE_SIZE"] = 1
    _make(world)
    _make(world)
    client = login_as("staff.a1x")
    html = client.get("/activities/?kind=bakti_sosial&q=").get_data(as_text=True)
    assert "kind=bakti_sosial" in html.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_officers_picked_from_the_units_people(world, login_as):
    """An officer chosen from the unit's people needs no typing (and works without JavaScript)."""
    from outreach.models import Person

    person = Person(
        unit=world.u("POLSEK-A1X"),
        rank="Bripka",
        name="Joko Susanto",
        nrp="87654321",
        position="Bhabinkamtibmas",
    )
    db.session.add(person)
    db.session.commit()
    client = login_as("staff.a1x")
    assert "Joko Susanto" in client.get("/activities/new").get_data(as_text=True)
    response = client.post(
        "/activities/new", data=base_form(world, **{"officers-0-person_id": str(person.id)})
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    officer = db.session.scalar(select(Activity)).officers[0]
    assert (officer.rank, officer.name, officer.nrp, officer.person_id) == (
        "Bripka",
        "Joko Susanto",
        "87654321",
        person.id,
    )
