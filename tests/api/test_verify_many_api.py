"""POST /api/v1/activities/verify: verify many at once, the others skipped with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from outreach.extensions import db
from outreach.services import activities as svc
from tests import factories


def _submitted(world: factories.World, unit: str = "POLSEK-A1X") -> int:
    assert world.programme is not None
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(staff, world.programme, world.u(unit), [world.locations[unit]])
    svc.submit_activity(staff, activity)
    db.session.commit()
    return activity.id


def test_verify_many(world: factories.World, api_as: Callable[[str], Any]) -> None:
    a, b = _submitted(world), _submitted(world)
    api = api_as("commander.a1")
    r = api.post("/api/v1/activities/verify", {"ids": [a, b, 999_999]})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["verified"] == 2 and body["verified_ids"] == [a, b]
    assert body["skipped"] == [{"id": 999_999, "code": "not_found", "reason": body["skipped"][0]["reason"]}]
    assert body["skipped"][0]["reason"]
    # Again: both are verified now, so both are skipped as conflicts.
    again = api.post("/api/v1/activities/verify", {"ids": [a, b]}).get_json()
    assert again["verified"] == 0 and [s["code"] for s in again["skipped"]] == ["conflict", "conflict"]
    assert api.get(f"/api/v1/activities/{a}").get_json()["status"] == "verified"


def test_verify_many_refusals(world: factories.World, api_as: Callable[[str], Any]) -> None:
    a = _submitted(world)
    assert api_as("staff.a1").post("/api/v1/activities/verify", {"ids": [a]}).status_code == 403
    api = api_as("commander.a1")
    assert api.post("/api/v1/activities/verify", {"ids": []}).status_code == 422
    assert api.post("/api/v1/activities/verify", {"ids": ["x"]}).status_code == 422
    assert api.post("/api/v1/activities/verify", {"ids": [0]}).status_code == 422
    assert api.post("/api/v1/activities/verify", {}).status_code == 422
    assert api.post("/api/v1/activities/verify", {"ids": list(range(1, 502))}).status_code == 422
    assert api.get(f"/api/v1/activities/{a}").get_json()["status"] == "submitted"
