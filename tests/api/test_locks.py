"""Reporting locks: a closed month refuses staff and commanders (409 "locked"); an exception lets it through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry
from outreach.services import activities as svc
from outreach.services import locks
from tests import factories
from tests.api.conftest import activity_payload


@pytest.fixture
def locked(world: factories.World) -> factories.World:
    """Lock after 10 days: on any day of 2026 November 2023 (and most later months) is long closed."""
    assert world.programme is not None
    world.programme.lock_after_days = 10
    db.session.commit()
    return world


def test_month_lock_rule() -> None:
    from outreach.models import Programme

    p = Programme(lock_after_days=10, start_on=date(2023, 10, 19), end_on=date(2024, 1, 5))
    assert not locks.is_month_locked(p, date(2023, 11, 5), date(2023, 12, 10))  # 10 days after 30 Nov
    assert locks.is_month_locked(p, date(2023, 11, 5), date(2023, 12, 11))
    assert locks.locked_months(p, date(2023, 12, 11)) == [date(2023, 10, 1), date(2023, 11, 1)]
    assert not locks.is_month_locked(Programme(lock_after_days=None), date(2000, 1, 1), date(2026, 1, 1))


def test_staff_refused_with_a_lock_error_and_exception_lets_through(
    locked: factories.World, api_as: Callable[[str], Any]
) -> None:
    world = locked
    staff = api_as("staff.a1x")
    r = staff.post("/api/v1/activities", activity_payload(world))
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "locked"
    assert error["message"].lower().startswith(("kunci pelaporan", "reporting lock"))

    # A commander of the Polres grants November 2023 for the Polsek (audited); then the write goes through.
    assert world.programme is not None
    commander = api_as("commander.a1")
    url = f"/api/v1/programmes/{world.programme.id}/lock-exceptions"
    r = commander.post(url, {"unit_code": "POLSEK-A1X", "month": "2023-11-15", "reason": "Laporan susulan"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["month"] == "2023-11-01"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "lock_exception"))
    assert entry is not None and entry.actor_username == "commander.a1"
    assert staff.post("/api/v1/activities", activity_payload(world)).status_code == 201
    # The sibling Polsek is still locked; staff cannot grant; a foreign unit is not found.
    sibling = api_as("staff.a1y").post("/api/v1/activities", activity_payload(world, unit="POLSEK-A1Y"))
    assert sibling.status_code == 409, sibling.get_json()
    assert sibling.get_json()["error"]["code"] == "locked"
    assert (
        staff.post(url, {"unit_code": "POLSEK-A1X", "month": "2023-11-01", "reason": "x"}).status_code == 403
    )
    assert (
        commander.post(url, {"unit_code": "POLSEK-B1X", "month": "2023-11-01", "reason": "x"}).status_code
        == 404
    )
    assert (
        commander.post(url, {"unit_code": "POLSEK-A1X", "month": "2023-11-01", "reason": ""}).status_code
        == 422
    )


def test_edit_delete_and_move_are_locked_admin_is_not(locked: factories.World) -> None:
    world = locked
    assert world.programme is not None
    world.programme.lock_after_days = None
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    world.programme.lock_after_days = 10
    db.session.commit()
    data = svc.input_of(activity)
    with pytest.raises(locks.Locked):
        svc.update_activity(staff, activity, data)
    with pytest.raises(locks.Locked):
        svc.delete_activity(staff, activity)
    db.session.rollback()
    # Moving an open activity into a locked month is refused too.
    world.programme.lock_after_days = None
    fresh = factories.make_activity(
        staff,
        world.programme,
        world.u("POLSEK-A1X"),
        [world.locations["POLSEK-A1X"]],
        occurred_on=date(2023, 11, 2),
    )
    world.programme.lock_after_days = 10
    db.session.commit()
    with pytest.raises(locks.Locked):
        svc.update_activity(staff, fresh, svc.input_of(fresh))
    # An administrator is not locked.
    svc.update_activity(world.users["admin"], fresh, svc.input_of(fresh))
    db.session.commit()


def test_the_form_shows_the_lock_message(locked: factories.World, login_as: Any) -> None:
    from tests.support.forms import base_form

    r = login_as("staff.a1x").post("/activities/new", data=base_form(locked))
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert 'data-testid="activity-form"' in page  # the form again, with the lock's message on it
    assert "November 2023" in page


def test_laporan_states_the_locked_months(locked: factories.World) -> None:
    from outreach.services import reports

    assert locked.programme is not None
    text = reports._locked(locked.programme, "id", date(2023, 12, 11))
    assert text == ". Bulan terkunci (laporan final): Oktober 2023, November 2023."
    assert reports._locked(locked.programme, "en", date(2023, 11, 1)) == ""


def test_locks_page_lists_and_grants(locked: factories.World, login_as: Any) -> None:
    assert locked.programme is not None
    client = login_as("commander.a1")
    url = f"/dashboard/locks?programme_id={locked.programme.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="locked-months"' in page and "2023" in page
    assert (
        client.post(url, data={"unit_code": "POLSEK-A1X", "month": "2023-11", "reason": ""}).status_code
        == 422
    )
    r = client.post(url, data={"unit_code": "POLSEK-A1X", "month": "2023-11", "reason": "Laporan susulan"})
    assert r.status_code == 302
    assert "Laporan susulan" in client.get(url).get_data(as_text=True)
