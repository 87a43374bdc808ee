"""ANEV test data: two Polsek under POLRES-A1 scored in December 2023 (shared by the service and API tests)."""

from __future__ import annotations

from datetime import date

from outreach.extensions import db
from outreach.models import Indicator, ProgrammeTarget
from outreach.services import activities as svc
from outreach.services import anev, plans
from tests import factories

DEC_FROM, DEC_TO = date(2023, 12, 1), date(2023, 12, 31)
TODAY = date(2024, 1, 15)


def _activity(world: factories.World, unit: str, day: date, parcels: int) -> None:
    assert world.programme is not None
    staff = world.users["staff.a1x"] if unit == "POLSEK-A1X" else world.users["staff.a1y"]
    activity = factories.make_activity(
        staff, world.programme, world.u(unit), [world.locations[unit]], occurred_on=day, parcels=[parcels]
    )
    svc.submit_activity(staff, activity)


def _plan(world: factories.World, unit: str, day: date, realise: bool) -> None:
    assert world.programme is not None
    staff = world.users["staff.a1y"]
    plan = plans.create_plan(staff, plans.PlanInput(world.programme.id, unit, "bakti_sosial", day, "Rencana"))
    plans.approve_plan(world.users["commander.a1"], plan)
    if realise:
        factories.make_activity(
            staff, world.programme, world.u(unit), [world.locations[unit]], occurred_on=day, plan_id=plan.id
        )


def seed(world: factories.World) -> anev.Anev:
    """Two Polsek under POLRES-A1: one scored on a parcels target, one on its plans; December 2023."""
    programme = world.programme
    assert programme is not None
    # POLSEK-A1X: a parcels target of 736 over the programme's 368 days → 62 for December's 31 days.
    programme.targets.append(
        ProgrammeTarget(indicator=Indicator.PARCELS, target=736, unit=world.u("POLSEK-A1X"))
    )
    _activity(world, "POLSEK-A1X", date(2023, 12, 5), 31)  # 31 of 62: 50 %
    _activity(world, "POLSEK-A1X", date(2023, 11, 20), 62)  # the 31 days before: 62 of 62 → 100 %
    # POLSEK-A1Y: no target; two approved plans in December, one realised → 50 %.
    _plan(world, "POLSEK-A1Y", date(2023, 12, 3), realise=True)
    _plan(world, "POLSEK-A1Y", date(2023, 12, 10), realise=False)
    db.session.commit()
    return anev.build(world.users["commander.a1"], programme.id, None, DEC_FROM, DEC_TO, today=TODAY)
