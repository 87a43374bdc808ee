"""Stats and the two PDF reports over the API."""

from __future__ import annotations

from outreach.extensions import db
from outreach.services import activities as svc
from tests import factories


def _world_with_activities(world):
    staff, commander = world.users["staff.a1x"], world.users["commander.a1"]
    a = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    b = factories.make_activity(
        world.users["staff.a1y"],
        world.programme,
        world.u("POLSEK-A1Y"),
        [world.locations["POLSEK-A1Y"]],
        parcels=[7],
    )
    factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )  # draft
    for activity in (a, b):
        svc.submit_activity(staff if activity is a else world.users["staff.a1y"], activity)
    svc.verify_activity(commander, a)
    db.session.commit()
    return a, b


def test_stats(api_as, world):
    a, _b = _world_with_activities(world)
    commander = api_as("commander.a1")
    stats = commander.get(f"/api/v1/stats?programme_id={world.programme.id}").get_json()
    assert stats["activities"] == 2
    assert stats["parcels"] == 17
    assert stats["locations"] == 2
    assert commander.get("/api/v1/stats?status=verified").get_json()["activities"] == 1
    assert commander.get("/api/v1/stats?unit=POLSEK-A1Y").get_json()["parcels"] == 7
    assert commander.get("/api/v1/stats?from=2023-12-01").get_json()["activities"] == 0
    sibling = api_as("staff.a1y").get("/api/v1/stats").get_json()
    assert sibling["activities"] == 1
    assert sibling["parcels"] == 7
    bad = commander.get("/api/v1/stats?from=2023-02-30&status=nope")
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"from", "status"}
    outside = commander.get("/api/v1/stats?unit=POLSEK-B1X")
    assert outside.status_code in (404, 422)
    assert outside.is_json


def test_reports(api_as, world):
    a, b = _world_with_activities(world)
    commander = api_as("commander.a1")
    response = commander.get(f"/api/v1/programmes/{world.programme.id}/report.pdf?unit=POLRES-A1&lang=en")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="laporan-programme-{world.programme.id}.pdf"'
    )
    response = commander.get(f"/api/v1/activities/{a.id}/report.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert f"laporan-kegiatan-{a.id}.pdf" in response.headers["Content-Disposition"]
    assert api_as("staff.b1").get(f"/api/v1/activities/{a.id}/report.pdf").status_code == 404
    assert commander.get("/api/v1/programmes/999999/report.pdf").status_code == 404
    assert commander.get(f"/api/v1/programmes/{world.programme.id}/report.pdf?lang=fr").status_code == 422
