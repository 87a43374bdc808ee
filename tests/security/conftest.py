"""Fixtures of the security suite: one app and one populated world per module (the suite is read-mostly).

Roles of the matrix are users of POLSEK-A1X; the "own" objects live in POLSEK-A1X and the "other" objects in
its sibling POLSEK-A1Y. ``deactivated`` is a staff user who logged in and was then deactivated.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Base, ImportBatch, Indicator, Person, Photo, ProgrammeTarget, Role
from outreach.services import activities as svc
from outreach.services import tokens, users
from outreach.services.catalogues import seed_catalogues
from tests import factories
from tests.support.app import build_app, login

ROLES = ("anonymous", "staff", "commander", "pr", "admin", "deactivated")
USERNAMES = {
    "staff": "staff.a1x",
    "commander": "commander.a1x",
    "pr": "pr.a1x",
    "admin": "admin",
    "deactivated": "staff.gone",
}
OWN_UNIT, OTHER_UNIT = "POLSEK-A1X", "POLSEK-A1Y"
#: Tables a refused request may legitimately touch (security events, token last-use, login attempts).
MUTABLE_TABLES = {
    "activities",
    "users",
    "import_batches",
    "programme_targets",
    "units",
    "programmes",
    "report_texts",
}
VOLATILE_TABLES = {"audit_entries", "login_attempts", "api_tokens"}


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class SecWorld:
    app: Flask
    world: factories.World
    #: URL parameter name → (own-unit value, other-unit value)
    ids: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    #: per-role replacements of ``ids`` (pr only sees verified activities)
    role_ids: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    def ids_for(self, role: str) -> dict[str, tuple[Any, Any]]:
        return self.ids | self.role_ids.get(role, {})

    def fresh_activity(self, unit: str, *, verified: bool = False) -> int:
        suffix = "a1x" if unit == OWN_UNIT else "a1y"
        activity = factories.make_activity(
            self.world.users[f"staff.{suffix}"],
            self.world.programme,
            self.world.u(unit),
            [self.world.locations[unit]],
        )
        if verified:
            svc.submit_activity(self.world.users[f"staff.{suffix}"], activity)
            svc.verify_activity(self.world.users[f"commander.{suffix}"], activity)
        db.session.commit()
        return activity.id

    def fresh_batch(self, unit: str) -> int:
        author = "staff.a1x" if unit == OWN_UNIT else "staff.a1y"
        batch = ImportBatch(filename="x.xlsx", created_by=self.world.users[author])
        db.session.add(batch)
        db.session.commit()
        return batch.id

    def fresh_target(self) -> int:
        taken = {(t.unit_id, t.indicator) for t in self.world.programme.targets}
        unit, indicator = next(
            (u, i) for u in self.world.units.values() for i in Indicator if (u.id, i) not in taken
        )
        target = ProgrammeTarget(indicator=indicator, target=5, unit=unit)
        self.world.programme.targets.append(target)
        db.session.commit()
        return target.id

    def fresh_plan(self, unit: str) -> int:
        """A plan waiting for approval, filed by the unit's staff (issue 15)."""
        from outreach.services import plans

        suffix = "a1x" if unit == OWN_UNIT else "a1y"
        plan = plans.create_plan(
            self.world.users[f"staff.{suffix}"],
            plans.PlanInput(
                programme_id=self.world.programme.id,
                unit_code=unit,
                kind="bakti_sosial",
                planned_on=self.world.programme.start_on,
                title="Rencana bakti sosial",
            ),
        )
        db.session.commit()
        return plan.id

    def relogin(self, role: str) -> None:
        if role in ("anonymous", "deactivated"):
            return
        assert login(self.clients[role], USERNAMES[role]).status_code == 302


def populate(app: Flask) -> SecWorld:
    seed_catalogues()
    world = factories.build_world()
    gone = factories.make_user("staff.gone", Role.STAFF, world.u(OWN_UNIT))
    world.users["staff.gone"] = gone
    person = Person(name="Budi Santoso", rank="IPTU", unit=world.u(OWN_UNIT))
    db.session.add(person)
    db.session.commit()
    sw = SecWorld(app=app, world=world)
    own = sw.fresh_activity(OWN_UNIT)
    other = sw.fresh_activity(OTHER_UNIT)
    for role, username in USERNAMES.items():
        _token, raw = tokens.create_token(world.users[username], "security suite")
        sw.tokens[role] = raw
    db.session.commit()
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert login(client, USERNAMES[role]).status_code == 302
        sw.clients[role] = client
    # Photos go through the real upload path (re-encoded, stored under a server name).
    own_v = sw.fresh_activity(OWN_UNIT)
    other_v = sw.fresh_activity(OTHER_UNIT)
    photo_ids = []
    for activity_id, username in (
        (own, "staff.a1x"),
        (other, "staff.a1y"),
        (own_v, "staff.a1x"),
        (other_v, "staff.a1y"),
    ):
        uploader = app.test_client()
        login(uploader, username)
        response = uploader.post(
            f"/activities/{activity_id}/photos",
            data={"photos": [(io.BytesIO(jpeg()), "p.jpg")]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        photo_ids.append(
            db.session.scalar(select(func.max(Photo.id)).where(Photo.activity_id == activity_id))
        )
    for activity_id, suffix in ((own_v, "a1x"), (other_v, "a1y")):
        activity = db.session.get(Activity, activity_id)
        svc.submit_activity(world.users[f"staff.{suffix}"], activity)
        svc.verify_activity(world.users[f"commander.{suffix}"], activity)
    sw.role_ids["pr"] = {"activity_id": (own_v, other_v), "photo_id": (photo_ids[2], photo_ids[3])}
    users.set_active(gone, False, actor=world.users["admin"])
    db.session.commit()
    target = sw.fresh_target()
    victim_own = factories.make_user("victim.a1x", Role.STAFF, world.u(OWN_UNIT))
    victim_other = factories.make_user("victim.a1y", Role.STAFF, world.u(OTHER_UNIT))
    db.session.commit()
    sw.ids = {
        "activity_id": (own, other),
        "photo_id": (photo_ids[0], photo_ids[1]),
        "programme_id": (world.programme.id, world.programme.id),
        "target_id": (target, target),
        "unit_id": (world.u(OWN_UNIT).id, world.u(OTHER_UNIT).id),
        "user_id": (victim_own.id, victim_other.id),
        "person_id": (person.id, person.id),
        "location_id": (world.locations[OWN_UNIT].id, world.locations[OTHER_UNIT].id),
        "entry_id": (1, 1),
        "slug": ("activity-kinds", "activity-kinds"),
        "batch_id": (sw.fresh_batch(OWN_UNIT), sw.fresh_batch(OTHER_UNIT)),
        "plan_id": (sw.fresh_plan(OWN_UNIT), sw.fresh_plan(OTHER_UNIT)),  # issue 15
        "dataset": ("activities", "activities"),
        "fmt": ("csv", "csv"),
        "filename": ("css/app.css", "css/app.css"),
    }
    return sw


@pytest.fixture(scope="module")
def sec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecWorld]:
    app = build_app(tmp_path_factory.mktemp("security"))
    with app.app_context():
        yield populate(app)
        db.session.remove()
        db.engine.dispose()


def table_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


def fingerprint(skip: set[str] = VOLATILE_TABLES) -> dict[str, object]:
    """Row counts of every table but ``skip``, and a digest of the rows a refused write could alter."""
    digest: dict[str, object] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            if table.name in MUTABLE_TABLES:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                digest[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            else:
                digest[table.name] = conn.execute(select(func.count()).select_from(table)).scalar()
    return digest
