"""The admin pages that build a service schema (programme, user) get its errors under their own field names —
the same rules and messages as the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Programme, User

PROGRAMME = {
    "name": "Cooling System Pilkada 2024", "kind": "pilkada", "start_on": "2024-08-01", "end_on": "2024-12-31",
    "description": "Pilkada serentak", "unit_id": 0, "is_active": "y", "target_activities": "40",
}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_parcels", "-5", "Tidak boleh negatif."),
        ("target_parcels", "200000000", "Paling banyak"),
        ("name", "x" * 201, "Paling banyak 200 karakter."),
        ("description", "x" * 5001, "Paling banyak 5000 karakter."),
    ],
)
def test_programme_form_shows_the_schema_errors_on_its_fields(world, login_as, field, value, message):
    client = login_as("admin")
    before = db.session.scalar(select(func.count()).select_from(Programme))
    response = client.post("/admin/programmes/new", data=PROGRAMME | {field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in html
    assert message in html
    assert db.session.scalar(select(func.count()).select_from(Programme)) == before


def test_user_form_shows_the_schema_errors_on_its_fields(world, login_as):
    client = login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "baru",
            "full_name": "x" * 161,
            "role": "staff",
            "unit_id": str(world.units["POLSEK-A1X"].id),
            "password": "correct horse battery",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="full_name-errors"' in html
    assert "Paling banyak 160 karakter." in html
    assert db.session.scalar(select(User).where(User.username == "baru")) is None
