"""Plans in the browser: staff file, the commander approves or returns, staff record the activity against it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from outreach.extensions import db
from outreach.models import Activity, Plan, PlanStatus
from tests import factories
from tests.conftest import login


def _plan(world: factories.World) -> int:
    db.session.expire_all()
    plan = db.session.query(Plan).one()
    return plan.id


def test_file_approve_and_realise(world: factories.World, app: Any) -> None:
    assert world.programme is not None
    staff: FlaskClient = app.test_client()
    commander: FlaskClient = app.test_client()
    login(staff, "staff.a1x")
    login(commander, "commander.a1")

    r = staff.post(
        "/activities/plans/new",
        data={
            "programme_id": str(world.programme.id),
            "unit_code": "POLSEK-A1X",
            "kind": "bakti_sosial",
            "planned_on": "2023-11-30",
            "title": "Bakti sosial Ponpes",
            "places": "Ponpes A\nMasjid B",
            "messages": "Tolak politik uang\nJaga persatuan",
            "expected_parcels": "40",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    pid = _plan(world)
    page = staff.get(f"/activities/plans/{pid}").get_data(as_text=True)
    assert 'data-testid="plan-approve"' not in page and 'data-testid="plan-realise"' not in page

    page = commander.get(f"/activities/plans/{pid}").get_data(as_text=True)
    assert 'data-testid="plan-approve"' in page
    assert commander.post(f"/activities/plans/{pid}/approve").status_code == 302
    assert db.session.get(Plan, pid).status is PlanStatus.APPROVED

    page = staff.get(f"/activities/plans/{pid}").get_data(as_text=True)
    assert 'data-testid="plan-realise"' in page
    form = staff.get(f"/activities/new?plan_id={pid}").get_data(as_text=True)
    assert 'data-testid="realising-plan"' in form
    assert re.search(rf'<input[^>]*name="plan_id"[^>]*value="{pid}"', form)
    assert 'value="Bakti sosial Ponpes"' in form and "Tolak politik uang" in form
    assert 'value="2023-11-30"' in form


def test_return_with_a_comment(world: factories.World, app: Any) -> None:
    assert world.programme is not None
    from outreach.services import plans

    plan = plans.create_plan(
        world.users["staff.a1x"],
        plans.PlanInput(
            world.programme.id, "POLSEK-A1X", "bakti_sosial", world.programme.start_on, "Rencana"
        ),
    )
    db.session.commit()
    commander: FlaskClient = app.test_client()
    login(commander, "commander.a1")
    assert commander.post(f"/activities/plans/{plan.id}/return", data={"comment": ""}).status_code == 422
    assert (
        commander.post(f"/activities/plans/{plan.id}/return", data={"comment": "Lengkapi"}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status is PlanStatus.RETURNED
    page = commander.get("/activities/plans/?status=returned").get_data(as_text=True)
    assert "Rencana" in page
    assert db.session.query(Activity).count() == 0


def test_dashboard_shows_planned_realised_overdue(world: factories.World, app: Any) -> None:
    assert world.programme is not None
    from outreach.services import plans

    plan = plans.create_plan(
        world.users["staff.a1x"],
        plans.PlanInput(
            world.programme.id, "POLSEK-A1X", "bakti_sosial", world.programme.start_on, "Rencana"
        ),
    )
    plans.approve_plan(world.users["commander.a1"], plan)
    db.session.commit()
    commander: FlaskClient = app.test_client()
    login(commander, "commander.a1")
    page = commander.get(f"/dashboard/?programme_id={world.programme.id}").get_data(as_text=True)
    assert 'data-testid="plans-planned">1<' in page
    assert 'data-testid="plans-overdue">1<' in page
