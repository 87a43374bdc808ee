"""The target allocation page (/dashboard/targets): a commander splits their unit's targets among its children."""

from __future__ import annotations

from typing import Any

from outreach.extensions import db
from tests import factories


def _setup(world: factories.World) -> int:
    assert world.programme is not None
    world.programme.unit = world.u(
        "POLRES-A1"
    )  # POLRES-A1 owns the programme-wide 10 activities / 100 parcels
    db.session.commit()
    return world.programme.id


def _targets(world: factories.World, code: str) -> dict[str, int]:
    assert world.programme is not None
    db.session.expire_all()
    return {t.indicator.value: t.target for t in world.programme.targets if t.unit_id == world.u(code).id}


def test_page_shows_own_allocated_and_remainder(world: factories.World, login_as: Any) -> None:
    pid = _setup(world)
    client = login_as("commander.a1")
    r = client.post(
        f"/dashboard/targets?programme_id={pid}",
        data={"POLSEK-A1X.activities": "6", "POLSEK-A1X.parcels": "40", "POLSEK-A1Y.parcels": "35"},
    )
    assert r.status_code == 302
    assert _targets(world, "POLSEK-A1X") == {"activities": 6, "parcels": 40}
    assert _targets(world, "POLSEK-A1Y") == {"parcels": 35}
    page = client.get(f"/dashboard/targets?programme_id={pid}").get_data(as_text=True)
    assert 'data-testid="remainder-activities">4<' in page
    assert 'data-testid="remainder-parcels">25<' in page
    assert 'data-testid="own-parcels">100<' in page


def test_exceeding_the_own_target_is_refused_on_the_field(world: factories.World, login_as: Any) -> None:
    pid = _setup(world)
    client = login_as("commander.a1")
    r = client.post(
        f"/dashboard/targets?programme_id={pid}",
        data={"POLSEK-A1X.parcels": "70", "POLSEK-A1Y.parcels": "40", "POLSEK-A1Y.activities": "x"},
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "is-invalid" in page
    # Nothing is saved when one field is wrong: the form is one decision.
    assert _targets(world, "POLSEK-A1X") == {}
    assert _targets(world, "POLSEK-A1Y") == {}


def test_a_polsek_commander_has_nothing_to_split(world: factories.World, login_as: Any) -> None:
    pid = _setup(world)
    page = login_as("commander.a1x").get(f"/dashboard/targets?programme_id={pid}").get_data(as_text=True)
    assert 'data-testid="no-own-target"' in page


def test_programme_picker_without_a_programme(world: factories.World, login_as: Any) -> None:
    _setup(world)
    r = login_as("commander.a1").get("/dashboard/targets")
    assert r.status_code == 200 and 'data-testid="programme-picker"' in r.get_data(as_text=True)
