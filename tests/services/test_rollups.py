"""The rollup tables never drift from the raw activities, whatever the services do to them.

A hypothesis state machine drives the write paths (create, edit, submit, verify, return, reopen, delete,
restore, and moving a Polsek to another Polres) in random order; after every step the stored rollups equal a
fresh computation from the raw rows (``rollups.check``), and the dashboard's totals for a few scopes equal the
straightforward normalized query. Every other test of the suite also ends with ``rollups.check`` (conftest).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, text

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, ItemKind, KamtibmasMessage, Rollup, Unit, User
from outreach.services import activities as svc
from outreach.services import admin, rollups, stats
from outreach.services.errors import Conflict
from outreach.services.schema.activity import ActivityInput, ItemInput, PersonInput, VisitInput
from tests import factories

DAYS = [date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 1), date(2024, 3, 15)]
UNITS = ["POLSEK-A1X", "POLSEK-A1Y", "POLSEK-A2X", "POLSEK-B1X", "POLRES-A1", "POLDA-B"]
ALL = list(ActivityStatus)


def _normalized(root: Unit) -> dict[str, int]:
    """The figures straight from the raw rows: every status, the root's subtree, not deleted."""
    row = db.session.execute(
        text("""
        SELECT count(DISTINCT a.id), count(v.id), coalesce(sum(v.parcel_count), 0),
               coalesce(sum(v.beneficiary_count), 0), count(DISTINCT v.location_id)
        FROM activities a JOIN units u ON u.id = a.unit_id LEFT JOIN visits v ON v.activity_id = a.id
        WHERE u.path LIKE :p AND a.deleted_at IS NULL"""),
        {"p": root.path + "%"},
    ).one()
    keys = ("activities", "visits", "parcels", "beneficiaries", "locations")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


def _summary_figures(user: User, root: Unit) -> dict[str, int]:
    t = stats.summarize(user, stats.StatsFilter(unit_code=root.code, statuses=ALL)).totals
    return {
        "activities": t.activities,
        "visits": t.visits,
        "parcels": t.parcels,
        "beneficiaries": t.beneficiaries,
        "locations": t.locations,
    }


visits_strategy = st.lists(
    st.tuples(
        st.sampled_from(["POLSEK-A1X", "POLSEK-A1Y", "POLSEK-A2X", "POLSEK-B1X"]),
        st.integers(0, 40),
        st.integers(0, 90),
        st.booleans(),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda v: v[0],
)


class RollupMachine(RuleBasedStateMachine):
    def __init__(self, world: factories.World) -> None:
        super().__init__()
        self.world = world
        self.admin = world.users["admin"]
        self.ids: list[int] = []
        self.item_kind = db.session.scalar(select(ItemKind.code).order_by(ItemKind.sort_order).limit(1))
        self.message_ids = list(db.session.scalars(select(KamtibmasMessage.id).limit(3)))

    def _input(self, unit: str, day: date, visits: list[Any], messages: list[int], free: bool) -> Any:
        w = self.world
        return ActivityInput(
            programme_id=w.programme.id if w.programme else None,
            unit_code=unit,
            kind="bakti_sosial" if len(visits) > 1 else "sambang",
            occurred_on=day,
            leader=PersonInput(rank="AKP", name="Lilik Widiastuti", position="Kasat Binmas"),
            visits=[
                VisitInput(
                    location_id=w.locations[code].id,
                    parcels=parcels,
                    beneficiaries=people,
                    items=[ItemInput(name="Beras", quantity=parcels, kind=self.item_kind)] if item else [],
                )
                for code, parcels, people, item in visits
            ],
            message_ids=messages,
            messages=["Jaga kondusivitas"] if free else [],
        )

    def _activity(self, index: int) -> Activity:
        activity = db.session.get(Activity, self.ids[index % len(self.ids)])
        assert activity is not None
        return activity

    @rule(
        unit=st.sampled_from(UNITS),
        day=st.sampled_from(DAYS),
        visits=visits_strategy,
        messages=st.lists(st.integers(0, 2), max_size=3, unique=True),
        free=st.booleans(),
    )
    def create(self, unit: str, day: date, visits: list[Any], messages: list[int], free: bool) -> None:
        data = self._input(unit, day, visits, [self.message_ids[i] for i in messages], free)
        self.ids.append(svc.create_activity(self.admin, data).id)
        db.session.commit()

    @precondition(lambda self: self.ids)
    @rule(
        index=st.integers(0, 3),
        unit=st.sampled_from(UNITS),
        day=st.sampled_from(DAYS),
        visits=visits_strategy,
        free=st.booleans(),
    )
    def edit(self, index: int, unit: str, day: date, visits: list[Any], free: bool) -> None:
        activity = self._activity(index)
        data = self._input(unit, day, visits, self.message_ids[:1], free)
        try:
            svc.update_activity(self.admin, activity, data)
        except Conflict:
            db.session.rollback()  # not editable in its status: nothing changes
            assert (
                activity.status not in (ActivityStatus.DRAFT, ActivityStatus.RETURNED) or activity.deleted_at
            )
            return
        db.session.commit()

    @precondition(lambda self: self.ids)
    @rule(
        index=st.integers(0, 3),
        step=st.sampled_from(["submit", "verify", "return", "reopen", "delete", "restore"]),
    )
    def workflow(self, index: int, step: str) -> None:
        activity = self._activity(index)
        actions = {
            "submit": lambda: svc.submit_activity(self.admin, activity),
            "verify": lambda: svc.verify_activity(self.admin, activity),
            "return": lambda: svc.return_activity(self.admin, activity, "Lengkapi foto"),
            "reopen": lambda: svc.reopen_activity(self.admin, activity, "Salah tanggal"),
            "delete": lambda: svc.delete_activity(self.admin, activity),
            "restore": lambda: svc.restore_activity(self.admin, activity),
        }
        try:
            actions[step]()
        except Conflict:
            db.session.rollback()
            return
        db.session.commit()

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 3), accept=st.booleans())
    def advance(self, index: int, accept: bool) -> None:
        """One step along the activity's normal life, so deep states (verified, reopened) are reached often."""
        activity = self._activity(index)
        if activity.deleted_at is not None:
            svc.restore_activity(self.admin, activity)
        elif activity.status in (ActivityStatus.DRAFT, ActivityStatus.RETURNED):
            svc.submit_activity(self.admin, activity)
        elif activity.status is ActivityStatus.SUBMITTED and accept:
            svc.verify_activity(self.admin, activity)
        elif activity.status is ActivityStatus.SUBMITTED:
            svc.return_activity(self.admin, activity, "Lengkapi foto")
        else:
            svc.reopen_activity(self.admin, activity, "Salah tanggal")
        db.session.commit()

    @rule(
        polsek=st.sampled_from(["POLSEK-A1X", "POLSEK-B1X"]),
        polres=st.sampled_from(["POLRES-A2", "POLRES-B2", "POLRES-A1"]),
    )
    def move(self, polsek: str, polres: str) -> None:
        unit = db.session.scalar(select(Unit).where(Unit.code == polsek))
        parent = db.session.scalar(select(Unit).where(Unit.code == polres))
        assert unit is not None and parent is not None
        if unit.parent_id != parent.id:
            admin.move_unit(unit, parent)
            db.session.commit()

    @invariant()
    def rollups_equal_the_raw_rows(self) -> None:
        drift = rollups.check(db.session.connection())
        assert drift.ok, drift
        for code in ("MABES", "POLDA-A", "POLRES-A2"):
            root = db.session.scalar(select(Unit).where(Unit.code == code))
            assert root is not None
            assert _summary_figures(self.admin, root) == _normalized(root), code
        db.session.rollback()

    def teardown(self) -> None:
        db.session.rollback()
        for table in ("rollups", "location_rollups", "audit_entries"):
            db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed table names
        db.session.execute(text("DELETE FROM activities"))
        db.session.commit()


def test_rollups_never_drift(world: factories.World) -> None:
    run_state_machine_as_test(
        lambda: RollupMachine(world),  # type: ignore[arg-type]  # hypothesis accepts any factory
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_check_finds_a_tampered_row_and_rebuild_repairs_it(world: factories.World) -> None:
    w = world
    factories.make_activity(w.users["admin"], w.programme, w.u("POLSEK-A1X"), [w.locations["POLSEK-A1X"]])
    db.session.commit()
    conn = db.session.connection()
    assert rollups.check(conn).ok
    conn.execute(text("UPDATE rollups SET parcels = parcels + 1 WHERE dim = 'unit'"))
    drift = rollups.check(conn)
    assert not drift.ok
    assert drift.extra["rollups"] == drift.missing["rollups"] == 4  # Mabes, Polda, Polres, Polsek rows
    rollups.rebuild(conn)
    assert rollups.check(conn).ok
    db.session.commit()


def test_each_activity_counts_once_per_scope(world: factories.World) -> None:
    w = world
    activity = factories.make_activity(
        w.users["admin"],
        w.programme,
        w.u("POLSEK-A1X"),
        [w.locations["POLSEK-A1X"], w.locations["POLSEK-A1Y"]],
    )
    db.session.commit()
    rows = db.session.execute(
        select(Rollup.scope_unit_id, Rollup.key_id, Rollup.activities, Rollup.visits, Rollup.parcels).where(
            Rollup.dim == "unit"
        )
    ).all()
    u = w.units
    expected = {
        (u["MABES"].id, u["POLDA-A"].id),
        (u["POLDA-A"].id, u["POLRES-A1"].id),
        (u["POLRES-A1"].id, u["POLSEK-A1X"].id),
        (u["POLSEK-A1X"].id, u["POLSEK-A1X"].id),
    }
    assert {(r.scope_unit_id, r.key_id) for r in rows} == expected
    assert {(r.activities, r.visits, r.parcels) for r in rows} == {(1, 2, 20)}
    svc.delete_activity(w.users["admin"], activity)
    db.session.commit()
    assert db.session.scalar(select(Rollup.scope_unit_id).limit(1)) is None  # pruned, not left at zero


@pytest.mark.parametrize("target", ["POLRES-B1"])
def test_moving_a_polsek_moves_its_figures(world: factories.World, target: str) -> None:
    w = world
    factories.make_activity(w.users["admin"], w.programme, w.u("POLSEK-A1X"), [w.locations["POLSEK-A1X"]])
    db.session.commit()
    admin.move_unit(w.u("POLSEK-A1X"), w.u(target))
    db.session.commit()
    figures = {
        code: _summary_figures(w.users["admin"], w.u(code))["activities"]
        for code in ("POLDA-A", "POLRES-A1", "POLDA-B", target)
    }
    assert figures == {"POLDA-A": 0, "POLRES-A1": 0, "POLDA-B": 1, target: 1}


def test_cli_check_and_rebuild(world: factories.World, runner: Any) -> None:
    w = world
    factories.make_activity(w.users["admin"], w.programme, w.u("POLSEK-B1X"), [w.locations["POLSEK-B1X"]])
    db.session.commit()
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0
    db.session.execute(text("DELETE FROM location_rollups"))
    db.session.commit()
    result = runner.invoke(args=["rollups", "check"])
    assert result.exit_code == 1
    assert "rollups rebuild" in result.output
    assert runner.invoke(args=["rollups", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0
