"""The activity rules called directly, with an acting user: validation, scope, versions, workflow, audit.

These tests reach ``outreach.services.activities`` without HTTP, so a failure names the rule that broke rather
than a view; the web and API suites keep testing the edges.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, AuditEntry, Person
from outreach.services import activities as svc
from outreach.services.errors import Conflict, Forbidden, Invalid, NotFound
from outreach.services.policy import can_edit, can_view
from outreach.services.schema.activity import ActivityInput, CoverageInput, PartnerInput, PersonInput
from tests import factories
from tests.factories import World


def _input(world: World, unit: str = "POLSEK-A1X", **kw: object) -> ActivityInput:
    assert world.programme is not None
    return factories.activity_input(world.programme, world.u(unit), [world.locations[unit]], **kw)


def _create(world: World, author: str = "staff.a1x", unit: str = "POLSEK-A1X", **kw: object) -> Activity:
    activity = svc.create_activity(world.users[author], _input(world, unit, **kw))
    db.session.commit()
    return activity


def _submitted(world: World, author: str = "staff.a1x") -> Activity:
    activity = _create(world, author)
    svc.submit_activity(world.users[author], activity)
    db.session.commit()
    return activity


def _status(activity: Activity) -> ActivityStatus:
    """The status as stored now (a helper, so the type checker does not keep an earlier assert's narrowing)."""
    return activity.status


def _audit(activity: Activity) -> list[tuple[str, str | None, str]]:
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "activity", AuditEntry.entity_id == activity.id)
        .order_by(AuditEntry.id)
    ).all()
    return [(row.action, row.actor_username, row.comment) for row in rows]


# --------------------------------------------------------------------------------------------- create


def test_create_denormalises_the_counters_and_writes_a_draft(world: World) -> None:
    assert world.programme is not None
    locations = [world.locations["POLSEK-A1X"], world.locations["POLSEK-A1Y"]]
    data = factories.activity_input(
        world.programme,
        world.u("POLSEK-A1X"),
        locations,
        parcels=[7, 5],
        beneficiaries=[30, 11],
        messages=["Jaga persatuan dan kesatuan", "Jangan golput"],
    )
    activity = svc.create_activity(world.users["staff.a1"], data)  # the Polres sees both Polsek's places
    db.session.commit()
    assert _status(activity) is ActivityStatus.DRAFT
    assert activity.created_by_id == world.users["staff.a1"].id
    assert (activity.visit_count, activity.parcel_count, activity.beneficiary_count) == (2, 12, 41)
    assert activity.message_count == 2
    assert _audit(activity) == [("create", "staff.a1", "")]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "activity", AuditEntry.entity_id == activity.id)
    ).one()
    assert entry.unit_id == world.u("POLSEK-A1X").id
    assert entry.changes["title"] == activity.title


def test_create_reports_every_error_under_its_field_path(world: World) -> None:
    data = _input(
        world,
        kind="no_such_kind",
        occurred_on=date.today() + timedelta(days=3),
        leader=PersonInput(rank="Jenderal Galaksi", name=" ", nrp="12"),
        officers=[PersonInput(rank="", name="Agus")],
        partners=[PartnerInput(name="", kind="nope")],
        coverage=[CoverageInput(outlet="Radar", url="ftp://x")],
    )  # shapes and bounds (a 251-character title, negative parcels) are the input schema's: tests/api
    with pytest.raises(Invalid) as caught:
        svc.create_activity(world.users["staff.a1x"], data)
    fields = caught.value.fields
    for path in (
        "kind",
        "date",
        "leader.rank",
        "leader.name",
        "leader.nrp",
        "officers.0.rank",
        "partners.0.name",
        "partners.0.kind",
        "coverage.0.url",
    ):
        assert path in fields, (path, fields)
    assert "officers.0.name" not in fields  # a valid field is not blamed
    assert db.session.scalar(select(Activity.id)) is None  # nothing stored


def test_create_refuses_a_date_outside_the_programme(world: World) -> None:
    with pytest.raises(Invalid) as caught:
        svc.create_activity(world.users["staff.a1x"], _input(world, occurred_on=date(2020, 1, 1)))
    assert set(caught.value.fields) == {"date"}


def test_create_for_a_unit_outside_the_actor_subtree_is_refused(world: World) -> None:
    # POLSEK-A1Y is the sibling of staff.a1x's Polsek: it is "unknown" to them, never revealed.
    with pytest.raises(Invalid) as caught:
        svc.create_activity(world.users["staff.a1x"], _input(world, "POLSEK-A1Y"))
    assert "unit_code" in caught.value.fields
    # The Polres above both may record for either.
    activity = svc.create_activity(world.users["staff.a1"], _input(world, "POLSEK-A1Y"))
    assert activity.unit.code == "POLSEK-A1Y"


def test_create_with_a_location_outside_the_subtree_is_refused(world: World) -> None:
    data = _input(world)
    data.visits[0].location_id = world.locations["POLSEK-B1X"].id
    with pytest.raises(Invalid) as caught:
        svc.create_activity(world.users["staff.a1x"], data)
    assert any(path.startswith("visits.0") for path in caught.value.fields), caught.value.fields


def test_pr_cannot_record_activities(world: World) -> None:
    with pytest.raises(Forbidden):
        svc.create_activity(world.users["pr.a1x"], _input(world))


# --------------------------------------------------------------------------------------------- update


def test_update_with_a_stale_version_is_a_conflict(world: World) -> None:
    activity = _create(world)
    staff = world.users["staff.a1x"]
    stale = activity.version
    svc.update_activity(staff, activity, _input(world, title="First edit"), version=stale)
    db.session.commit()
    assert activity.version == stale + 1
    with pytest.raises(Conflict):
        svc.update_activity(staff, activity, _input(world, title="Second edit"), version=stale)
    db.session.rollback()
    assert db.session.get(Activity, activity.id).title == "First edit"  # type: ignore[union-attr]


def test_update_recomputes_counters_and_audits_the_diff(world: World) -> None:
    activity = _create(world, parcels=[10])
    svc.update_activity(world.users["staff.a1x"], activity, _input(world, parcels=[3], title="Sambang"))
    db.session.commit()
    assert activity.parcel_count == 3
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "activity",
            AuditEntry.entity_id == activity.id,
            AuditEntry.action == "update",
        )
    ).one()
    assert "title" in entry.changes
    assert "date" not in entry.changes  # only what changed


def test_update_outside_the_subtree_is_not_found(world: World) -> None:
    activity = _create(world)
    with pytest.raises(NotFound):
        svc.update_activity(world.users["staff.a1y"], activity, _input(world))


def test_a_submitted_activity_cannot_be_edited(world: World) -> None:
    activity = _submitted(world)
    with pytest.raises(Conflict):
        svc.update_activity(world.users["staff.a1x"], activity, _input(world, title="Late"))


# --------------------------------------------------------------------------------------------- workflow


def test_submit_verify_is_audited_with_actors(world: World) -> None:
    activity = _submitted(world)
    assert _status(activity) is ActivityStatus.SUBMITTED
    assert activity.submitted_by_id == world.users["staff.a1x"].id
    svc.verify_activity(world.users["commander.a1x"], activity)
    db.session.commit()
    assert _status(activity) is ActivityStatus.VERIFIED
    assert activity.verified_by_id == world.users["commander.a1x"].id
    assert [a for a, _u, _c in _audit(activity)] == ["create", "submit", "verify"]


@pytest.mark.parametrize("role", ["staff.a1x", "pr.a1x"])
def test_only_commanders_verify_or_return(world: World, role: str) -> None:
    activity = _submitted(world)
    user = world.users[role]
    if role == "pr.a1x":  # PR sees verified activities only: a submitted one does not exist for them
        with pytest.raises(NotFound):
            svc.verify_activity(user, activity)
        return
    with pytest.raises(Forbidden):
        svc.verify_activity(user, activity)
    with pytest.raises(Forbidden):
        svc.return_activity(user, activity, "Fix it")
    assert _status(activity) is ActivityStatus.SUBMITTED


def test_commander_of_a_sibling_unit_cannot_verify(world: World) -> None:
    activity = _submitted(world)
    with pytest.raises(NotFound):
        svc.verify_activity(world.users["commander.a1y"], activity)


def test_a_draft_cannot_be_verified(world: World) -> None:
    activity = _create(world)
    with pytest.raises(Conflict):
        svc.verify_activity(world.users["commander.a1x"], activity)


def test_four_eyes_commander_may_not_verify_their_own_activity(world: World) -> None:
    activity = _submitted(world, author="commander.a1x")
    with pytest.raises(Forbidden):
        svc.verify_activity(world.users["commander.a1x"], activity)
    assert _status(activity) is ActivityStatus.SUBMITTED
    # Another commander above the unit may.
    svc.verify_activity(world.users["commander.a1"], activity)
    assert _status(activity) is ActivityStatus.VERIFIED


def test_four_eyes_covers_the_commander_who_leads_the_activity(world: World) -> None:
    person = Person(name="Lilik Widiastuti", rank="AKP", unit=world.u("POLSEK-A1X"))
    db.session.add(person)
    db.session.flush()
    commander = world.users["commander.a1x"]
    commander.person_id = person.id
    leader = PersonInput(rank="AKP", name="Lilik Widiastuti", person_id=person.id)
    activity = _create(world, leader=leader)  # recorded by staff, led by the commander
    svc.submit_activity(world.users["staff.a1x"], activity)
    with pytest.raises(Forbidden):
        svc.verify_activity(commander, activity)
    assert _status(activity) is ActivityStatus.SUBMITTED


def test_a_person_link_outside_the_unit_is_refused(world: World) -> None:
    stranger = Person(name="Agus Santoso", rank="Bripka", unit=world.u("POLSEK-A1Y"))
    db.session.add(stranger)
    db.session.flush()
    leader = PersonInput(rank="Bripka", name="Agus Santoso", person_id=stranger.id)
    with pytest.raises(Invalid) as caught:
        svc.create_activity(world.users["staff.a1"], _input(world, leader=leader))
    assert set(caught.value.fields) == {"leader.person_id"}


def test_an_administrator_is_not_bound_by_four_eyes(world: World) -> None:
    activity = _submitted(world, author="admin")
    svc.verify_activity(world.users["admin"], activity)
    assert _status(activity) is ActivityStatus.VERIFIED


def test_self_verification_is_allowed_by_the_setting_and_audited(app: Flask, world: World) -> None:
    app.config["OUTREACH_ALLOW_SELF_VERIFY"] = True
    activity = _submitted(world, author="commander.a1x")
    svc.verify_activity(world.users["commander.a1x"], activity)
    db.session.commit()
    assert _status(activity) is ActivityStatus.VERIFIED
    assert _audit(activity)[-1] == ("verify", "commander.a1x", "self-verification")


def test_return_needs_a_comment_and_keeps_it(world: World) -> None:
    activity = _submitted(world)
    commander = world.users["commander.a1x"]
    with pytest.raises(Invalid) as caught:
        svc.return_activity(commander, activity, "   ")
    assert set(caught.value.fields) == {"comment"}
    svc.return_activity(commander, activity, "  Foto kurang  ")
    db.session.commit()
    assert _status(activity) is ActivityStatus.RETURNED
    assert activity.return_comment == "Foto kurang"
    assert _audit(activity)[-1] == ("return", "commander.a1x", "Foto kurang")
    # A returned activity is editable and can be submitted again.
    assert can_edit(world.users["staff.a1x"], activity)
    svc.submit_activity(world.users["staff.a1x"], activity)
    assert _status(activity) is ActivityStatus.SUBMITTED


def test_reopen_needs_a_reason_and_clears_the_verification(world: World) -> None:
    activity = _submitted(world)
    commander = world.users["commander.a1x"]
    with pytest.raises(Conflict):  # only a verified activity reopens
        svc.reopen_activity(commander, activity, "Salah tanggal")
    svc.verify_activity(commander, activity)
    with pytest.raises(Forbidden):
        svc.reopen_activity(world.users["staff.a1x"], activity, "Salah tanggal")
    with pytest.raises(Invalid) as caught:
        svc.reopen_activity(commander, activity, "")
    assert set(caught.value.fields) == {"reason"}
    svc.reopen_activity(commander, activity, "Salah tanggal")
    db.session.commit()
    assert _status(activity) is ActivityStatus.RETURNED
    assert activity.verified_by_id is None and activity.verified_at is None
    assert _audit(activity)[-1] == ("reopen", "commander.a1x", "Salah tanggal")


def test_pr_sees_only_verified_activities(world: World) -> None:
    activity = _submitted(world)
    pr = world.users["pr.a1x"]
    assert not can_view(pr, activity)
    svc.verify_activity(world.users["commander.a1x"], activity)
    assert can_view(pr, activity)
    assert not can_view(world.users["pr.a1y"], activity)  # and only in their subtree


# --------------------------------------------------------------------------------------------- delete


def test_delete_and_restore(world: World) -> None:
    activity = _create(world)
    with pytest.raises(NotFound):  # a draft does not exist for PR
        svc.delete_activity(world.users["pr.a1"], activity)
    svc.delete_activity(world.users["staff.a1x"], activity)
    db.session.commit()
    assert activity.deleted_at is not None
    assert activity.deleted_by_id == world.users["staff.a1x"].id
    # Deleted: gone for everyone but an administrator, who alone may restore it.
    assert not can_view(world.users["commander.a1x"], activity)
    with pytest.raises(NotFound):
        svc.submit_activity(world.users["staff.a1x"], activity)
    with pytest.raises(Forbidden):
        svc.restore_activity(world.users["commander.a1x"], activity)
    svc.restore_activity(world.users["admin"], activity)
    db.session.commit()
    assert activity.deleted_at is None
    with pytest.raises(Conflict):
        svc.restore_activity(world.users["admin"], activity)
    assert [a for a, _u, _c in _audit(activity)] == ["create", "delete", "restore"]


def test_a_submitted_activity_cannot_be_deleted_but_by_an_admin(world: World) -> None:
    activity = _submitted(world)
    with pytest.raises(Conflict):
        svc.delete_activity(world.users["staff.a1x"], activity)
    assert activity.deleted_at is None
    svc.verify_activity(world.users["commander.a1x"], activity)
    with pytest.raises(Forbidden):  # PR sees it now, and still may not delete it
        svc.delete_activity(world.users["pr.a1x"], activity)
    svc.delete_activity(world.users["admin"], activity)
    assert activity.deleted_at is not None


def test_input_of_round_trips_through_update(world: World) -> None:
    activity = _create(world, parcels=[4], messages=["Jaga kerukunan"])
    before = svc.snapshot(activity)
    data = svc.input_of(activity)
    svc.update_activity(world.users["staff.a1x"], activity, data.model_copy(deep=True))
    db.session.commit()
    assert svc.snapshot(activity) == before
