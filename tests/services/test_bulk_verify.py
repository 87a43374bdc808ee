"""Bulk verification: each activity through the single verify rule; the rest skipped with the reason."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, AuditEntry
from outreach.services import activities as svc
from outreach.services import bulk
from outreach.services.activity_list import ActivityFilter
from outreach.services.errors import Forbidden, Invalid
from tests import factories


def _submitted(world: factories.World, unit: str, day: int, title: str = "Sambang") -> int:
    assert world.programme is not None
    author = world.users.get("staff." + unit.split("-")[1].lower()) or world.users["staff.b1"]
    activity = factories.make_activity(
        author,
        world.programme,
        world.u(unit),
        [world.locations[unit]],
        occurred_on=date(2023, 12, day),
        title=title,
    )
    svc.submit_activity(author, activity)
    db.session.commit()
    return activity.id


def test_verifies_each_and_skips_the_rest_with_reasons(world: factories.World) -> None:
    a = _submitted(world, "POLSEK-A1X", 1)
    b = _submitted(world, "POLSEK-A1Y", 2)
    foreign = _submitted(world, "POLSEK-B1X", 3)
    assert world.programme is not None
    draft = factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    ).id
    db.session.commit()

    result = bulk.verify_many(world.users["commander.a1"], [a, b, a, foreign, draft, 2_000_000])
    db.session.commit()
    assert result.verified == [a, b]
    assert [(s.id, s.code) for s in result.skipped] == [
        (foreign, "not_found"),  # outside the commander's area: like an unknown id
        (draft, "conflict"),
        (2_000_000, "not_found"),
    ]
    assert all(s.reason for s in result.skipped)
    statuses = {r.id: r.status for r in db.session.execute(select(Activity.id, Activity.status))}
    assert statuses[a] is statuses[b] is ActivityStatus.VERIFIED
    assert statuses[foreign] is ActivityStatus.SUBMITTED and statuses[draft] is ActivityStatus.DRAFT
    # One audit entry per verified activity, like a single verify.
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "verify")).all()
    assert sorted(e.entity_id for e in entries) == sorted([a, b])


def test_only_commanders_and_sane_input(world: factories.World) -> None:
    a = _submitted(world, "POLSEK-A1X", 1)
    with pytest.raises(Forbidden):
        bulk.verify_many(world.users["staff.a1"], [a])
    with pytest.raises(Invalid):
        bulk.verify_many(world.users["commander.a1"], [])
    with pytest.raises(Invalid):
        bulk.verify_many(world.users["commander.a1"], list(range(1, bulk.MAX_BULK + 2)))


def test_preview_lists_the_submitted_matches_of_the_filter(world: factories.World) -> None:
    a = _submitted(world, "POLSEK-A1X", 1, "Sambang pesantren")
    b = _submitted(world, "POLSEK-A1Y", 2, "Sambang gereja")
    _submitted(world, "POLSEK-B1X", 3, "Sambang pesantren")
    commander = world.users["commander.a1"]
    items, total = bulk.preview(commander, ActivityFilter())
    assert [i.id for i in items] == [a, b] and total == 2
    items, total = bulk.preview(commander, ActivityFilter(q="pesantren"))
    assert [i.id for i in items] == [a] and total == 1
    # A status filter of the list does not widen the preview beyond submitted activities.
    items, _total = bulk.preview(commander, ActivityFilter(statuses=[ActivityStatus.DRAFT]))
    assert [i.id for i in items] == [a, b]
