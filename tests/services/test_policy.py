"""services.policy: who may do what to an activity, rule by rule, without HTTP or the database's help.

The activities are stand-ins carrying only what the rules read (unit, status, deletion, author, leader), so a
failure names the rule and the case, not a view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from outreach.models import ActivityStatus, Role
from outreach.services import policy
from tests.factories import World

S = ActivityStatus


def _activity(world: World, unit: str = "POLSEK-A1X", status: S = S.DRAFT, **kw: Any) -> Any:
    values = {"unit": world.u(unit), "status": status, "deleted_at": None, "created_by_id": None,
              "leader_person_id": None, **kw}  # fmt: skip
    return SimpleNamespace(**values)


def test_role_sets() -> None:
    assert {Role.STAFF, Role.COMMANDER, Role.ADMIN} == policy.WRITER_ROLES
    assert {Role.COMMANDER, Role.ADMIN} == policy.VERIFIER_ROLES
    assert {S.DRAFT, S.RETURNED} == policy.EDITABLE


def test_view_follows_the_unit_subtree(world: World) -> None:
    activity = _activity(world, status=S.VERIFIED)
    assert policy.can_view(world.users["staff.a1x"], activity)
    assert policy.can_view(world.users["commander.a1"], activity)  # the Polres above
    assert policy.can_view(world.users["admin"], activity)
    assert not policy.can_view(world.users["staff.a1y"], activity)  # the sibling Polsek
    assert not policy.can_view(world.users["commander.b1"], activity)


def test_pr_sees_verified_only_and_deleted_is_for_admins(world: World) -> None:
    pr = world.users["pr.a1"]
    assert policy.can_view(pr, _activity(world, status=S.VERIFIED))
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED):
        assert not policy.can_view(pr, _activity(world, status=status))
    deleted = _activity(world, deleted_at=datetime.now(UTC))
    assert not policy.can_view(world.users["commander.a1"], deleted)
    assert policy.can_view(world.users["admin"], deleted)


@pytest.mark.parametrize(
    ("username", "status", "editable"),
    [
        ("staff.a1x", S.DRAFT, True),
        ("staff.a1x", S.RETURNED, True),
        ("staff.a1x", S.SUBMITTED, False),
        ("staff.a1x", S.VERIFIED, False),
        ("commander.a1", S.DRAFT, True),
        ("pr.a1", S.DRAFT, False),
    ],
)
def test_edit_and_submit(world: World, username: str, status: S, editable: bool) -> None:
    activity = _activity(world, status=status)
    assert policy.can_edit(world.users[username], activity) is editable
    assert policy.can_submit(world.users[username], activity) is editable


def test_a_deleted_activity_cannot_be_edited_but_can_be_restored_by_an_admin(world: World) -> None:
    deleted = _activity(world, deleted_at=datetime.now(UTC))
    assert not policy.can_edit(world.users["staff.a1x"], deleted)
    assert not policy.can_delete(world.users["admin"], deleted)
    assert policy.can_restore(world.users["admin"], deleted)
    assert not policy.can_restore(world.users["commander.a1"], deleted)
    assert not policy.can_restore(world.users["admin"], _activity(world))


def test_return_verify_and_reopen_belong_to_commanders(world: World) -> None:
    commander, staff = world.users["commander.a1"], world.users["staff.a1x"]
    submitted = _activity(world, status=S.SUBMITTED)
    assert policy.can_return(commander, submitted) and policy.can_verify(commander, submitted)
    assert not policy.can_return(staff, submitted) and not policy.can_verify(staff, submitted)
    assert not policy.can_verify(commander, _activity(world, status=S.DRAFT))
    verified = _activity(world, status=S.VERIFIED)
    assert policy.can_reopen(commander, verified)
    assert not policy.can_reopen(staff, verified)
    assert not policy.can_reopen(commander, submitted)


def test_delete_editable_for_writers_anything_for_admins(world: World) -> None:
    assert policy.can_delete(world.users["staff.a1x"], _activity(world))
    assert not policy.can_delete(world.users["staff.a1x"], _activity(world, status=S.SUBMITTED))
    assert not policy.can_delete(world.users["pr.a1"], _activity(world))
    assert policy.can_delete(world.users["admin"], _activity(world, status=S.VERIFIED))


def test_four_eyes_own_activity(app: Flask, world: World) -> None:
    commander = world.users["commander.a1"]
    mine = _activity(world, status=S.SUBMITTED, created_by_id=commander.id)
    assert policy.is_own(commander, mine)
    assert not policy.is_own(world.users["admin"], _activity(world, created_by_id=world.users["admin"].id))
    assert not policy.self_verification_allowed()
    assert not policy.can_verify(commander, mine)
    assert policy.can_return(commander, mine)  # returning one's own work is no verification
    app.config["OUTREACH_ALLOW_SELF_VERIFY"] = True
    assert policy.self_verification_allowed()
    assert policy.can_verify(commander, mine)


def test_leading_an_activity_makes_it_ones_own(world: World) -> None:
    commander = world.users["commander.a1"]
    led = _activity(world, status=S.SUBMITTED, leader_person_id=41)
    commander.person_id = 41
    assert policy.is_own(commander, led)
    commander.person_id = None
    assert not policy.is_own(commander, led)
