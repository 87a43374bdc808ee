"""Plans through the API: file (staff), approve/return (commander), realise (plan_id), count (/stats)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry
from outreach.services import plans
from tests import factories
from tests.api.conftest import activity_payload


def _plan_body(world: factories.World, **kw: Any) -> dict[str, Any]:
    assert world.programme is not None
    body = {
        "programme_id": world.programme.id,
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "date": "2023-11-30",
        "title": "Bakti sosial Ponpes",
        "places": ["Ponpes POLSEK-A1X", "Masjid Agung"],
        "messages": ["Tolak politik uang"],
        "expected_parcels": 40,
    }
    return body | kw


def test_plan_approve_realise_and_count(world: factories.World, api_as: Callable[[str], Any]) -> None:
    staff, commander = api_as("staff.a1x"), api_as("commander.a1")
    r = staff.post("/api/v1/plans", _plan_body(world))
    assert r.status_code == 201, r.get_json()
    plan = r.get_json()
    assert plan["status"] == "submitted" and plan["places"] == ["Ponpes POLSEK-A1X", "Masjid Agung"]
    # Not approved yet: an activity cannot realise it, and it is not "planned".
    r = staff.post("/api/v1/activities", activity_payload(world, plan_id=plan["id"]))
    assert r.status_code == 422 and "plan_id" in r.get_json()["error"]["fields"]
    assert commander.get("/api/v1/stats").get_json()["plans"]["planned"] == 0

    # Staff cannot approve; the commander can, once.
    assert staff.post(f"/api/v1/plans/{plan['id']}/approve").status_code == 403
    r = commander.post(f"/api/v1/plans/{plan['id']}/approve")
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    assert commander.post(f"/api/v1/plans/{plan['id']}/approve").status_code == 409

    stats = commander.get("/api/v1/stats").get_json()["plans"]
    assert {k: stats[k] for k in ("planned", "realised", "overdue")} == {
        "planned": 1,
        "realised": 0,
        "overdue": 1,
    }

    r = staff.post("/api/v1/activities", activity_payload(world, plan_id=plan["id"]))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["plan_id"] == plan["id"]
    stats = commander.get("/api/v1/stats").get_json()["plans"]
    assert {k: stats[k] for k in ("planned", "realised", "overdue")} == {
        "planned": 1,
        "realised": 1,
        "overdue": 0,
    }
    by_unit = {u["unit"]: u for u in stats["by_unit"]}
    assert by_unit["POLSEK-A1X"]["planned"] == 1 and by_unit["POLSEK-A1X"]["realised"] == 1
    assert by_unit["POLSEK-A1Y"]["planned"] == 0
    # Another unit's commander does not see it; the list shows it to the author's area.
    assert api_as("commander.b1").get("/api/v1/stats").get_json()["plans"]["planned"] == 0
    assert [p["id"] for p in staff.get("/api/v1/plans").get_json()["items"]] == [plan["id"]]
    assert api_as("pr.a1").get("/api/v1/plans").status_code == 403
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "plan")).all()
    assert sorted(actions) == ["approve", "create"]


def test_return_needs_a_comment(world: factories.World, api_as: Callable[[str], Any]) -> None:
    staff, commander = api_as("staff.a1x"), api_as("commander.a1")
    pid = staff.post("/api/v1/plans", _plan_body(world)).get_json()["id"]
    assert commander.post(f"/api/v1/plans/{pid}/return", {}).status_code == 422
    r = commander.post(f"/api/v1/plans/{pid}/return", {"comment": "Tambahkan lokasi"})
    assert r.status_code == 200 and r.get_json()["status"] == "returned"
    assert r.get_json()["return_comment"] == "Tambahkan lokasi"
    assert api_as("commander.b1").post(f"/api/v1/plans/{pid}/approve").status_code == 404


def test_bad_plans_are_field_errors(world: factories.World, api_as: Callable[[str], Any]) -> None:
    staff = api_as("staff.a1x")
    for bad, field in (
        ({"date": "2030-01-01"}, "date"),
        ({"unit_code": "POLSEK-B1X"}, "unit_code"),
        ({"kind": "nope"}, "kind"),
        ({"title": "  "}, "title"),
        ({"expected_parcels": -1}, "expected_parcels"),
    ):
        r = staff.post("/api/v1/plans", _plan_body(world, **bad))
        assert r.status_code == 422, bad
        assert field in r.get_json()["error"]["fields"], r.get_json()


def test_counts_per_child_in_sql(world: factories.World) -> None:
    """Overdue: approved, date past, nothing recorded; a deleted activity does not realise a plan."""
    assert world.programme is not None
    staff, commander = world.users["staff.a1x"], world.users["commander.a1"]

    def approved(day: date, unit: str = "POLSEK-A1X") -> Any:
        assert world.programme is not None
        plan = plans.create_plan(
            staff if unit == "POLSEK-A1X" else world.users["staff.a1y"],
            plans.PlanInput(world.programme.id, unit, "bakti_sosial", day, "Rencana"),
        )
        plans.approve_plan(commander, plan)
        return plan

    past, future, other = (
        approved(date(2023, 11, 1)),
        approved(date(2024, 1, 10)),
        approved(date(2023, 11, 2), "POLSEK-A1Y"),
    )
    pending = plans.create_plan(
        staff, plans.PlanInput(world.programme.id, "POLSEK-A1X", "bakti_sosial", date(2023, 11, 1), "x")
    )
    from outreach.services import activities as svc

    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]], plan_id=past.id
    )
    svc.delete_activity(staff, activity)
    db.session.commit()
    total, by_unit = plans.counts(world.u("POLRES-A1"), today=date(2023, 12, 1))
    assert total == plans.PlanCounts(planned=3, realised=0, overdue=2)
    assert {u.code: u.counts for u in by_unit} == {
        "POLSEK-A1X": plans.PlanCounts(2, 0, 1),
        "POLSEK-A1Y": plans.PlanCounts(1, 0, 1),
    }
    assert future.id and other.id and pending.id
    total, _ = plans.counts(world.u("POLRES-A1"), date_from=date(2023, 12, 1), today=date(2023, 12, 1))
    assert total == plans.PlanCounts(planned=1, realised=0, overdue=0)
