"""PUT /api/v1/programmes/{id}/targets/{unit_code}: a commander splits their unit's targets among its children."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry
from outreach.services import stats
from tests import factories


def _run_by_polres(world: factories.World) -> int:
    """The programme run by POLRES-A1, whose own targets are then the programme-wide 10 activities/100 parcels."""
    assert world.programme is not None
    world.programme.unit = world.u("POLRES-A1")
    db.session.commit()
    return world.programme.id


def test_commander_allocates_and_the_polsek_is_scored_against_it(
    world: factories.World, api_as: Callable[[str], Any]
) -> None:
    pid = _run_by_polres(world)
    api = api_as("commander.a1")
    r = api.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1X", {"activities": 7, "parcels": 50})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["unit"] == "POLSEK-A1X" and body["parent"] == "POLRES-A1"
    assert body["targets"] == {"activities": 7, "parcels": 50}
    assert body["parent_targets"] == {"activities": 10, "parcels": 100}
    assert body["remainder"] == {"activities": 3, "parcels": 50}

    # The sibling may take at most what is left.
    r = api.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1Y", {"activities": 4})
    assert r.status_code == 422
    assert "activities" in r.get_json()["error"]["fields"]
    assert "3" in r.get_json()["error"]["fields"]["activities"]
    r = api.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1Y", {"activities": 3})
    assert r.status_code == 200
    assert r.get_json()["remainder"] == {"activities": 0, "parcels": 50}

    # An indicator the parent has no target for cannot be split.
    r = api.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1Y", {"visits": 3})
    assert r.status_code == 422 and "visits" in r.get_json()["error"]["fields"]

    # The Polsek is scored against its allocation; its sibling, which has none for parcels, is not.
    summary = stats.summarize(
        world.users["commander.a1x"], stats.StatsFilter(programme_id=pid), today=date(2023, 12, 15)
    )
    assert {t.indicator: (t.target, t.scope) for t in summary.targets} == {
        "activities": (7, "unit"),
        "parcels": (50, "unit"),
    }
    parent = stats.summarize(world.users["commander.a1"], stats.StatsFilter(programme_id=pid))
    rows = {r.code: {t.indicator: t.target for t in r.targets} for r in parent.by_unit}
    assert rows["POLSEK-A1X"] == {"activities": 7, "parcels": 50}
    assert rows["POLSEK-A1Y"] == {"activities": 3}

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "allocate_targets")).all()
    assert [(e.actor_username, e.unit_id) for e in entries] == [
        ("commander.a1", world.u("POLSEK-A1X").id),
        ("commander.a1", world.u("POLSEK-A1Y").id),
    ]
    assert entries[0].changes == {"POLSEK-A1X.activities": [None, 7], "POLSEK-A1X.parcels": [None, 50]}


def test_put_replaces_and_clears(world: factories.World, api_as: Callable[[str], Any]) -> None:
    pid = _run_by_polres(world)
    api = api_as("commander.a1")
    url = f"/api/v1/programmes/{pid}/targets/POLSEK-A1X"
    assert api.request("PUT", url, {"activities": 7, "parcels": 50}).status_code == 200
    r = api.request("PUT", url, {"parcels": 60, "activities": None})
    assert r.status_code == 200 and r.get_json()["targets"] == {"parcels": 60}
    # Unchanged: no second audit entry for a PUT that changes nothing.
    before = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    assert api.request("PUT", url, {"parcels": 60}).status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == before


def test_who_may_allocate(world: factories.World, api_as: Callable[[str], Any]) -> None:
    pid = _run_by_polres(world)
    body = {"activities": 1}

    def put(username: str, code: str, programme_id: int = pid) -> int:
        url = f"/api/v1/programmes/{programme_id}/targets/{code}"
        return int(api_as(username).request("PUT", url, body).status_code)

    # The Polsek's own commander is not its parent's commander.
    assert put("commander.a1x", "POLSEK-A1X") == 403
    assert put("staff.a1", "POLSEK-A1X") == 403
    assert put("pr.a1", "POLSEK-A1X") == 403
    # Outside the commander's area: not found, like an unknown code.
    assert put("commander.a1", "POLSEK-B1X") == 404
    assert put("commander.a1", "NOPE") == 404
    assert put("commander.a1", "POLSEK-A1X", 999) == 404
    # An administrator may, within the same rule (at most the parent's target).
    admin = api_as("admin")
    assert admin.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1X", body).status_code == 200
    assert (
        admin.request("PUT", f"/api/v1/programmes/{pid}/targets/POLSEK-A1X", {"activities": 11}).status_code
        == 422
    )


def test_bad_bodies_are_field_errors(world: factories.World, api_as: Callable[[str], Any]) -> None:
    pid = _run_by_polres(world)
    api = api_as("commander.a1")
    url = f"/api/v1/programmes/{pid}/targets/POLSEK-A1X"
    for bad in ({"activities": -1}, {"activities": "7"}, {"bogus": 1}, {"activities": 10**12}):
        r = api.request("PUT", url, bad)
        assert r.status_code in (400, 422), (bad, r.status_code)
        assert r.get_json()["error"]["code"] in ("validation_error", "bad_request")
    assert api.request("PUT", url, None).status_code == 400
