"""Bulk verify in the browser: the preview lists the matches; the confirmation verifies exactly those."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus
from outreach.services import activities as svc
from tests import factories


def _submitted(world: factories.World, title: str, day: int = 1) -> int:
    assert world.programme is not None
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]],
        title=title, occurred_on=date(2023, 12, day),
    )  # fmt: skip
    svc.submit_activity(staff, activity)
    db.session.commit()
    return activity.id


def _status(activity_id: int) -> ActivityStatus:
    db.session.expire_all()
    activity = db.session.get(Activity, activity_id)
    assert activity is not None
    return activity.status


def test_preview_then_confirm_verifies_exactly_the_previewed(world: factories.World, login_as: Any) -> None:
    a = _submitted(world, "Sambang pesantren", 1)
    b = _submitted(world, "Sambang pesantren Al-Falah", 2)
    other = _submitted(world, "Sambang gereja", 3)
    client = login_as("commander.a1")
    assert 'data-testid="bulk-verify"' in client.get("/activities/?q=pesantren").get_data(as_text=True)
    page = client.get("/activities/verify-all?q=pesantren").get_data(as_text=True)
    assert re.findall(r'name="ids" value="(\d+)"', page) == [str(a), str(b)]
    assert 'data-testid="bulk-count"' in page
    # Submitted after the preview: matches the filter, but was not previewed, so it is not verified.
    late = _submitted(world, "Sambang pesantren baru", 4)
    r = client.post("/activities/verify-all?q=pesantren", data={"ids": [str(a), str(b)]})
    assert r.status_code == 302 and "q=pesantren" in r.headers["Location"]
    assert _status(a) is _status(b) is ActivityStatus.VERIFIED
    assert _status(late) is ActivityStatus.SUBMITTED and _status(other) is ActivityStatus.SUBMITTED


def test_nothing_chosen_and_nothing_matching(world: factories.World, login_as: Any) -> None:
    client = login_as("commander.a1")
    assert 'data-testid="bulk-none"' in client.get("/activities/verify-all?q=nothing").get_data(as_text=True)
    assert client.post("/activities/verify-all", data={}).status_code == 422


def test_staff_see_no_bulk_button(world: factories.World, login_as: Any) -> None:
    page = login_as("staff.a1x").get("/activities/").get_data(as_text=True)
    assert 'data-testid="bulk-verify"' not in page
