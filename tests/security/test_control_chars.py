"""Control characters (review finding F7): NUL and the other C0 controls are refused with a field error at the
activity's schema — over the API (422 naming the wire path) and the web form (the form field's error) — before
they reach the database (PostgreSQL refuses NUL in text with a 500, SQLite stored it). Tab and newline stay
allowed in long texts (summary, notes)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Unit, User
from outreach.services import tokens

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"]

#: (wire path, how to put a text there) for a spread of the activity's text fields.
PLACES: list[tuple[str, Any]] = [
    ("title", lambda b, v: b.update(title=v)),
    ("summary", lambda b, v: b.update(summary=v)),
    ("leader.name", lambda b, v: b["leader"].update(name=v)),
    ("leader.degrees", lambda b, v: b["leader"].update(degrees=v)),
    ("visits.0.contact", lambda b, v: b["visits"][0].update(contact=v)),
    ("visits.0.notes", lambda b, v: b["visits"][0].update(notes=v)),
    ("visits.1.location.name", lambda b, v: b["visits"][1]["location"].update(name=v)),
    ("visits.1.items.0.name", lambda b, v: b["visits"][1]["items"][0].update(name=v)),
    ("messages.0", lambda b, v: b["messages"].__setitem__(0, v)),
    ("partners.1.name", lambda b, v: b["partners"][1].update(name=v)),
    ("unit_code", lambda b, v: b.update(unit_code=v)),
]


def _body(world: Any) -> dict[str, Any]:
    return {
        "programme_id": world.programme.id,
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "date": "2023-11-30",
        "title": "Bakti sosial",
        "leader": {"rank": "AKP", "name": "Lilik Widiastuti"},
        "visits": [
            {"location_id": world.locations["POLSEK-A1X"].id, "parcels": 10},
            {
                "location": {"name": "Panti Asuhan Harapan", "kind": "panti_asuhan"},
                "items": [{"name": "Beras", "quantity": 5, "kind": "beras"}],
            },
        ],
        "messages": ["Jaga persatuan"],
        "partners": ["KH. Nasir", {"name": "Camat Jepon", "kind": "camat"}],
    }


@pytest.fixture
def bearer(world: Any) -> dict[str, str]:
    _token, raw = tokens.create_token(world.users["staff.a1x"], "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Activity)) or 0)


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(("path", "put"), PLACES, ids=[p for p, _ in PLACES])
def test_api_refuses_control_characters_naming_the_field(world, client, bearer, path, put, char):
    body = _body(world)
    put(body, f"a{char}b")
    response = client.post("/api/v1/activities", json=body, headers=bearer)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert path in fields, fields
    assert "NUL" in fields[path] or "kontrol" in fields[path]
    assert _count() == 0


def test_api_patch_refuses_nul(world, client, bearer):
    created = client.post("/api/v1/activities", json=_body(world), headers=bearer)
    assert created.status_code == 201
    url = f"/api/v1/activities/{created.get_json()['id']}"
    response = client.patch(url, json={"visits": [{"location_id": 1, "contact": "x\x00"}]}, headers=bearer)
    assert response.status_code == 422
    assert "visits.0.contact" in response.get_json()["error"]["fields"]


def test_long_texts_keep_tab_and_newline(world, client, bearer):
    body = _body(world)
    body["summary"] = "Baris satu\n\tBaris dua\r\nBaris tiga"
    body["visits"][0]["notes"] = "a\tb\nc"
    response = client.post("/api/v1/activities", json=body, headers=bearer)
    assert response.status_code == 201, response.get_json()
    out = response.get_json()
    assert out["summary"] == "Baris satu\n\tBaris dua\nBaris tiga"
    assert out["visits"][0]["notes"] == "a\tb\nc"
    body["title"] = "a\tb"  # a one-line text takes no tab
    response = client.post("/api/v1/activities", json=body, headers=bearer)
    assert response.status_code == 422
    assert "title" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("form_field", "value"),
    [
        ("title", "Bakti\x00sosial"),
        ("summary", "Lancar\x00"),
        ("leader_name", "Lilik\x00"),
        ("visits-0-contact_name", "KH.\x00Nasir"),
        ("visits-0-items-0-name", "Beras\x1b"),
        ("partners-0-name", "Camat\x00"),
        ("officers-0-degrees", "S.H.\x07"),
    ],
)
def test_web_form_refuses_control_characters_on_the_field(world, login_as, form_field, value):
    client = login_as("staff.a1x")
    data = {
        "programme_id": str(world.programme.id),
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "occurred_on": "2023-11-30",
        "leader_rank": "AKP",
        "leader_name": "Lilik Widiastuti",
        "officers-0-rank": "Bripka",
        "officers-0-name": "Sutrisno",
        "visits-0-location_id": str(world.locations["POLSEK-A1X"].id),
        "visits-0-parcels": "10",
        "visits-0-items-0-name": "Beras",
        "visits-0-items-0-quantity": "5",
        "partners-0-name": "Camat Jepon",
    }
    data[form_field] = value
    response = client.post("/activities/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{form_field}-errors"' in html or f'aria-describedby="{form_field}-errors"' in html, html[
        :200
    ]
    assert "Karakter kontrol" in html
    assert _count() == 0


@pytest.mark.parametrize("field", ["username", "password"])
def test_login_with_nul_is_a_field_error_not_a_500(world, client, field):
    data = {"username": "staff.a1x", "password": "x"}
    data[field] = "staff\x00.a1x"
    response = client.post("/login", data=data)
    assert response.status_code == 200
    assert "Karakter kontrol" in response.get_data(as_text=True)


def test_api_query_string_and_registry_body_refuse_nul(world, client, bearer):
    response = client.get("/api/v1/activities?q=a%00b", headers=bearer)
    assert response.status_code == 422
    assert "q" in response.get_json()["error"]["fields"]
    response = client.get("/api/v1/locations?q=%1b", headers=bearer)
    assert response.status_code == 422
    body = {"name": "Masjid\x00", "kind": "masjid"}
    response = client.post("/api/v1/locations", json=body, headers=bearer)
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_admin_unit_form_refuses_control_characters(world, login_as):
    client = login_as("admin")
    response = client.post(
        "/admin/units/new",
        data={
            "code": "POLSEK-NUL",
            "name": "Polsek\x00Nul",
            "level": "polsek",
            "parent_id": str(world.units["POLRES-A1"].id),
            "timezone": "WIB",
            "is_active": "y",
        },
    )
    assert response.status_code == 200
    assert "Karakter kontrol" in response.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.code == "POLSEK-NUL")) is None


def test_cli_user_create_refuses_control_characters(world, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "bad\x01user",
            "--role",
            "staff",
            "--unit",
            "POLSEK-A1X",
            "--password",
            "x" * 12,
        ]
    )
    assert result.exit_code == 1
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == "bad\x01user")) is None
