"""The admin area: access, create/edit flows, validation, unit moves, deactivation and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from flask import g
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import (
    AuditEntry,
    Indicator,
    KamtibmasMessage,
    LocationKind,
    Person,
    Programme,
    ProgrammeTarget,
    Role,
    Unit,
    UnitLevel,
    User,
)
from outreach.services import activities as activities_svc
from outreach.services import admin as admin_svc
from outreach.services.activity_list import ActivityFilter, list_activities_query
from outreach.services.errors import NotFound
from tests import factories
from tests.conftest import login


@pytest.fixture(autouse=True)
def _english(client):
    """These tests assert the English msgids; Indonesian (the default) is covered by tests/test_i18n.py."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


ADMIN_PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/programmes",
    "/admin/programmes/new",
    "/admin/catalogues/activity-kinds/",
    "/admin/catalogues/location-kinds/",
    "/admin/catalogues/item-kinds/",
    "/admin/catalogues/partner-kinds/",
    "/admin/catalogues/messages/",
    "/admin/catalogues/messages/new",
    "/admin/people",
    "/admin/people/new",
    "/admin/audit",
]


def _audit_count(action: str, entity: str) -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == action, AuditEntry.entity_type == entity)
    )


def _unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _edit_pages(world: factories.World) -> list[str]:
    kind = db.session.scalar(select(LocationKind).where(LocationKind.code == "masjid"))
    person = Person(rank="AKP", name="Lilik Widiastuti", unit=world.u("POLRES-A1"))
    db.session.add(person)
    db.session.commit()
    return [
        f"/admin/users/{world.users['staff.a1'].id}/edit",
        f"/admin/units/{world.u('POLRES-A1').id}/edit",
        f"/admin/programmes/{world.programme.id}/edit",
        f"/admin/catalogues/location-kinds/{kind.id}/edit",
        f"/admin/people/{person.id}/edit",
        f"/admin/people?unit={world.u('POLRES-A1').code}",
        f"/admin/users?unit={world.u('POLRES-A1').code}",
    ]


# --------------------------------------------------------------------------- access


def test_every_page_renders_for_admin(world, login_as):
    client = login_as("admin")
    for url in ADMIN_PAGES + _edit_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.get_data(as_text=True), url


@pytest.mark.parametrize("username", ["staff.a1", "commander.a1", "pr.a1"])
def test_other_roles_get_403(world, login_as, username):
    pages = _edit_pages(world)
    client = login_as(username)
    for url in ADMIN_PAGES + pages:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/units/new", data={"code": "X", "name": "X"}).status_code == 403
    assert _unit("X") is None


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_catalogue_is_404(world, login_as):
    assert login_as("admin").get("/admin/catalogues/weapons/").status_code == 404


def test_nav_link_only_for_admin(world, login_as, client):
    login_as("admin")
    assert 'href="/admin/"' in client.get("/password").get_data(as_text=True)
    client.post("/logout")
    login_as("staff.a1")
    assert 'href="/admin/"' not in client.get("/password").get_data(as_text=True)


# --------------------------------------------------------------------------- users


def test_create_user(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "Staf.Baru", "full_name": "Staf Baru", "role": "staff",
        "unit_id": world.u("POLSEK-A2X").id, "password": "password-123",
    })  # fmt: skip
    assert response.status_code == 302
    user = _user("staf.baru")
    assert user.role is Role.STAFF
    assert user.unit.code == "POLSEK-A2X"
    assert _audit_count("create", "user") >= 1


def test_create_user_errors_keep_input(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "staff.a1", "full_name": "Nama Diketik", "role": "staff",
        "unit_id": world.u("POLSEK-A2X").id, "password": "password-123",
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That username is taken." in html
    assert 'value="Nama Diketik"' in html
    assert db.session.scalar(select(func.count(User.id)).where(User.full_name == "Nama Diketik")) == 0


def test_edit_user_role_unit_and_password(world, login_as, client):
    target = world.users["staff.a1x"]
    admin_client = login_as("admin")
    response = admin_client.post(f"/admin/users/{target.id}/edit", data={
        "full_name": "Bripka Sutrisno", "role": "commander", "unit_id": world.u("POLRES-A2").id,
        "is_active": "y", "new_password": "brand-new-pass",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    user = _user("staff.a1x")
    assert user.role is Role.COMMANDER
    assert user.unit.code == "POLRES-A2"
    assert user.full_name == "Bripka Sutrisno"
    changes = db.session.scalar(
        select(AuditEntry.changes).where(AuditEntry.action == "update", AuditEntry.entity_type == "user")
    )
    assert changes["role"] == ["staff", "commander"]
    assert _audit_count("set_password", "user") == 1
    admin_client.post("/logout")
    assert login_as("staff.a1x", "brand-new-pass")


def _forget_loaded_user() -> None:
    """The test app context outlives requests, so Flask-Login's per-request user cache (g) must be dropped
    when a second browser (client) acts."""
    g.pop("_login_user", None)


def test_deactivated_user_session_is_refused(app, world, login_as):
    staff = app.test_client()
    assert login(staff, "staff.a1").status_code == 302
    assert staff.get("/password").status_code == 200
    _forget_loaded_user()
    admin_client = login_as("admin")
    target = world.users["staff.a1"]
    response = admin_client.post(
        f"/admin/users/{target.id}/edit",
        data={
            "full_name": "staff.a1",
            "role": "staff",
            "unit_id": target.unit_id,
        },
    )  # fmt: skip  (is_active unchecked)
    assert response.status_code == 302
    db.session.expire_all()
    assert _user("staff.a1").is_active_account is False
    assert _audit_count("deactivate", "user") == 1
    _forget_loaded_user()
    refused = staff.get("/password")
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    assert (
        login(staff, "staff.a1").status_code == 200
    )  # the login form again: inactive accounts cannot log in


def test_admin_cannot_deactivate_or_demote_self(world, login_as):
    client = login_as("admin")
    me = world.users["admin"]
    response = client.post(f"/admin/users/{me.id}/edit", data={
        "full_name": "Admin", "role": "staff", "unit_id": me.unit_id,
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in html
    db.session.expire_all()
    assert _user("admin").role is Role.ADMIN
    assert _user("admin").is_active_account


def test_admin_changes_own_password_and_stays_logged_in(world, login_as, client):
    login_as("admin")
    me = world.users["admin"]
    data = {"full_name": "Admin", "role": "admin", "unit_id": me.unit_id, "is_active": "y",
            "new_password": "another-secret"}  # fmt: skip
    assert client.post(f"/admin/users/{me.id}/edit", data=data).status_code == 302
    _forget_loaded_user()
    assert client.get("/admin/").status_code == 200
    assert _audit_count("set_password", "user") == 1


def test_short_new_password_is_refused(world, login_as):
    client = login_as("admin")
    target = world.users["staff.a1"]
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "full_name": "Changed Name", "role": "staff", "unit_id": target.unit_id, "is_active": "y",
        "new_password": "short",
    })  # fmt: skip
    assert response.status_code == 200
    assert 'value="Changed Name"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert _user("staff.a1").full_name == "staff.a1"


# --------------------------------------------------------------------------- units


def test_unit_tree_is_indented(world, login_as):
    html = login_as("admin").get("/admin/units").get_data(as_text=True)
    assert (
        html.index('data-code="POLDA-A"')
        < html.index('data-code="POLRES-A1"')
        < html.index('data-code="POLSEK-A1X"')
    )
    assert 'data-depth="3" data-code="POLSEK-A1X"' in html


def test_create_unit(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/units/new", data={
        "code": "polsek-a1z", "name": "Polsek A1Z", "level": "polsek", "kind": "polsek",
        "parent_id": world.u("POLRES-A1").id, "district": "Kec A1Z", "regency": "Kabupaten A1",
        "city": "Kota A1", "timezone": "WITA", "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    unit = _unit("POLSEK-A1Z")
    parent = world.u("POLRES-A1")
    assert unit.path == f"{parent.path}{unit.id}/"
    assert unit.depth == 3
    assert unit.timezone == "WITA"
    assert _audit_count("create", "unit") == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "POLRES-A1"}, "code", "That code is taken."),
        ({"code": "bad code!"}, "code", "Use capital letters"),
        ({"parent_id": 0}, "parent_id", "Choose the unit above this one."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_create_unit_validation(world, login_as, data, field, message):
    client = login_as("admin")
    form = {
        "code": "POLSEK-NEW",
        "name": "Polsek Baru Diketik",
        "level": "polsek",
        "parent_id": world.u("POLRES-A1").id,
        "timezone": "WIB",
        "city": "Kota Diketik",
    } | data
    response = client.post("/admin/units/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-errors"' in html
    assert 'value="Kota Diketik"' in html
    assert db.session.scalar(select(func.count(Unit.id)).where(Unit.city == "Kota Diketik")) == 0
    assert _audit_count("create", "unit") == 0


def test_edit_unit_name_and_territory(world, login_as):
    client = login_as("admin")
    unit = world.u("POLRES-A1")
    response = client.post(f"/admin/units/{unit.id}/edit", data={
        "name": "Polres Blora", "level": "polres", "parent_id": unit.parent_id, "regency": "Kabupaten Blora",
        "province": "Jawa Tengah", "city": "Blora", "timezone": "WIB", "is_active": "y",
        "code": "HACKED",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    unit = _unit("POLRES-A1")
    assert unit.name == "Polres Blora"
    assert unit.city == "Blora"
    assert _unit("HACKED") is None  # the code is immutable
    changes = db.session.scalar(select(AuditEntry.changes).where(AuditEntry.action == "update"))
    assert changes["name"] == ["Polres A1", "Polres Blora"]


def test_move_unit_rewrites_subtree_and_scope(world, login_as, client):
    polsek = world.u("POLSEK-A1X")
    pos = factories.make_unit("POS-A1X", UnitLevel.SATKER, polsek)
    commander_a2 = factories.make_user("commander.a2", Role.COMMANDER, world.u("POLRES-A2"))
    activity = factories.make_activity(
        world.users["staff.a1x"], world.programme, polsek, [world.locations["POLSEK-A1X"]]
    )
    deep = factories.make_activity(
        world.users["admin"], world.programme, pos, [world.locations["POLSEK-A1X"]]
    )
    db.session.commit()
    activity_id, deep_id = activity.id, deep.id
    assert commander_a2
    assert _visible("commander.a1", activity_id)
    assert len(_visible("commander.a1", None)) == 2

    new_parent = world.u("POLRES-A2")
    login_as("admin")
    response = client.post(f"/admin/units/{polsek.id}/edit", data={
        "name": polsek.name, "level": "polsek", "parent_id": new_parent.id, "timezone": "WIB",
        "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    client.post("/logout")

    db.session.expire_all()
    polsek, pos, new_parent = _unit("POLSEK-A1X"), _unit("POS-A1X"), _unit("POLRES-A2")
    assert polsek.parent_id == new_parent.id
    assert polsek.path == f"{new_parent.path}{polsek.id}/"
    assert pos.path == f"{new_parent.path}{polsek.id}/{pos.id}/"
    assert (polsek.depth, pos.depth) == (3, 4)
    assert _unit("POLSEK-A1Y").path.startswith(_unit("POLRES-A1").path)  # siblings untouched
    move = db.session.scalar(
        select(AuditEntry.changes).where(AuditEntry.action == "update", AuditEntry.entity_type == "unit")
    )
    assert move["parent"] == ["POLRES-A1", "POLRES-A2"]

    assert not _visible("commander.a1", activity_id)
    assert not _visible("commander.a1", deep_id)
    assert _visible("commander.a2", activity_id)
    assert _visible("commander.a2", deep_id)
    assert _visible("staff.a1x", activity_id)  # the unit's own staff keep their records
    assert _visible("commander.a1", None) == []  # nothing of the moved subtree in the old parent's list


def _visible(username: str, activity_id: int | None):
    """Scope as the activity pages apply it: get_activity for one record, the list query for all."""
    db.session.expire_all()
    user = _user(username)
    if activity_id is None:
        return list(db.session.scalars(list_activities_query(user, ActivityFilter())))
    try:
        activities_svc.get_activity(user, activity_id)
    except NotFound:
        return False
    return True


def test_unit_cannot_move_below_itself(world, login_as):
    client = login_as("admin")
    polres = world.u("POLRES-A1")
    response = client.post(f"/admin/units/{polres.id}/edit", data={
        "name": polres.name, "level": "polres", "parent_id": world.u("POLSEK-A1X").id, "timezone": "WIB",
    })  # fmt: skip
    assert response.status_code == 200
    assert "cannot be moved below itself" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _unit("POLRES-A1").parent_id == world.u("POLDA-A").id


def test_move_unit_service_single_update(app, world):
    """The service on its own: the descendants' paths follow in the session too."""
    unit = world.u("POLRES-A1")
    admin_svc.update_unit(world.users["admin"], unit, admin_svc.UnitInput(
        name=unit.name, level=unit.level, parent_id=world.u("POLDA-B").id, timezone="WIB",
    ))  # fmt: skip
    child = world.u("POLSEK-A1Y")
    assert child.path == f"{world.u('POLDA-B').path}{unit.id}/{child.id}/"
    assert child.depth == 3
    db.session.rollback()


# --------------------------------------------------------------------------- programmes


def _programme_form(**overrides):
    data = {
        "name": "Cooling System Pilkada 2024", "kind": "pilkada", "start_on": "2024-08-01",
        "end_on": "2024-12-31", "description": "Pilkada serentak 27 November 2024", "unit_id": 0,
        "is_active": "y", "target_activities": "40", "target_parcels": "500",
    }  # fmt: skip
    return data | overrides


def test_create_programme_with_targets(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/programmes/new", data=_programme_form())
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.name == "Cooling System Pilkada 2024"))
    targets = {t.indicator: t.target for t in programme.targets}
    assert targets == {Indicator.ACTIVITIES: 40, Indicator.PARCELS: 500}
    assert programme.end_on == date(2024, 12, 31)
    assert _audit_count("create", "programme") == 1


def test_programme_validation(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/programmes/new", data=_programme_form(end_on="2024-01-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The end must not be before the start." in html
    assert 'value="Cooling System Pilkada 2024"' in html
    response = client.post("/admin/programmes/new", data=_programme_form(name=world.programme.name))
    assert "A programme with this name exists." in response.get_data(as_text=True)
    response = client.post("/admin/programmes/new", data=_programme_form(target_parcels="-5"))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Programme.id))) == 1


def test_edit_programme_targets_and_unit_targets(world, login_as):
    client = login_as("admin")
    pid = world.programme.id
    page = client.get(f"/admin/programmes/{pid}/edit").get_data(as_text=True)
    assert 'value="100"' in page  # the stored parcels target is shown
    response = client.post(f"/admin/programmes/{pid}/edit", data=_programme_form(
        name=world.programme.name, kind="pemilu", start_on="2023-10-19", end_on="2024-10-20",
        target_activities="", target_parcels="250", target_visits="30",
    ))  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    programme = db.session.get(Programme, pid)
    assert {t.indicator: t.target for t in programme.targets} == {
        Indicator.PARCELS: 250,
        Indicator.VISITS: 30,
    }

    unit = world.u("POLRES-A1")
    response = client.post(
        f"/admin/programmes/{pid}/targets",
        data={"t-unit_id": unit.id, "t-indicator": "parcels", "t-target": "60"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/admin/programmes/{pid}/targets",
        data={"t-unit_id": unit.id, "t-indicator": "parcels", "t-target": "75"},
    )
    rows = db.session.scalars(select(ProgrammeTarget).where(ProgrammeTarget.unit_id == unit.id)).all()
    assert [(r.indicator, r.target) for r in rows] == [(Indicator.PARCELS, 75)]
    assert "Polres A1" in client.get(f"/admin/programmes/{pid}/edit").get_data(as_text=True)

    bad = client.post(
        f"/admin/programmes/{pid}/targets", data={"t-unit_id": 0, "t-indicator": "parcels", "t-target": "5"}
    )
    assert bad.status_code == 422
    response = client.post(f"/admin/programmes/{pid}/targets/{rows[0].id}/delete")
    assert response.status_code == 302
    assert (
        db.session.scalar(select(func.count(ProgrammeTarget.id)).where(ProgrammeTarget.unit_id == unit.id))
        == 0
    )
    assert _audit_count("set_target", "programme") == 2
    assert _audit_count("delete_target", "programme") == 1
    assert _audit_count("update", "programme") == 1


# --------------------------------------------------------------------------- catalogues


def test_add_and_edit_catalogue_entry(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/catalogues/messages/new", data={
        "code": "jaga_kamtibmas_pilkada", "label_id": "Jaga kamtibmas saat pilkada",
        "label_en": "Keep order during the regional election", "sort_order": "50", "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    entry = db.session.scalar(
        select(KamtibmasMessage).where(KamtibmasMessage.code == "jaga_kamtibmas_pilkada")
    )
    assert entry.sort_order == 50
    response = client.post(
        f"/admin/catalogues/messages/{entry.id}/edit",
        data={
            "code": "renamed",
            "label_id": "Jaga kamtibmas",
            "label_en": "Keep order",
            "sort_order": "5",
        },
    )  # fmt: skip  (inactive: the checkbox is not sent)
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(KamtibmasMessage, entry.id)
    assert (entry.code, entry.label_id, entry.sort_order, entry.is_active) == (
        "jaga_kamtibmas_pilkada",
        "Jaga kamtibmas",
        5,
        False,
    )
    assert _audit_count("create", "kamtibmas_message") == 1
    assert _audit_count("update", "kamtibmas_message") == 1


def test_location_kind_is_key(world, login_as):
    client = login_as("admin")
    response = client.post("/admin/catalogues/location-kinds/new", data={
        "code": "pesantren_kilat", "label_id": "Pesantren kilat", "label_en": "Short course", "is_key": "y",
        "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    kind = db.session.scalar(select(LocationKind).where(LocationKind.code == "pesantren_kilat"))
    assert kind.is_key is True


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("Pasar Ikan", "Use lower-case letters"),
        ("pasar-ikan", "Use lower-case letters"),
        ("_x", "Use lower-case letters"),
        ("pasar", "That code is taken."),
    ],
)
def test_catalogue_code_validation(world, login_as, code, message):
    client = login_as("admin")
    before = db.session.scalar(select(func.count(LocationKind.id)))
    response = client.post("/admin/catalogues/location-kinds/new", data={
        "code": code, "label_id": "Label diketik", "label_en": "Typed label",
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'value="Label diketik"' in html
    assert db.session.scalar(select(func.count(LocationKind.id))) == before


# --------------------------------------------------------------------------- people


def test_create_and_edit_person(world, login_as):
    client = login_as("admin")
    unit = world.u("POLRES-A1")
    response = client.post("/admin/people/new", data={
        "rank": "AKP", "name": "Lilik Widiastuti", "degrees": "S.H.", "nrp": "12345678",
        "position": "Kasat Binmas", "unit_id": unit.id, "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.nrp == "12345678"))
    assert person.display_name == "AKP Lilik Widiastuti, S.H."
    listing = client.get(f"/admin/people?unit={unit.code}").get_data(as_text=True)
    assert "AKP Lilik Widiastuti, S.H." in listing
    assert "Lilik" not in client.get(f"/admin/people?unit={world.u('POLRES-B1').code}").get_data(as_text=True)
    response = client.post(f"/admin/people/{person.id}/edit", data={
        "rank": "Kompol", "name": "Lilik Widiastuti", "degrees": "S.H.", "nrp": "197001012000031001",
        "position": "Kabag Ops", "unit_id": unit.id, "is_active": "y",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.rank, person.nrp) == ("Kompol", "197001012000031001")
    assert _audit_count("create", "person") == 1
    assert _audit_count("update", "person") == 1


@pytest.mark.parametrize("nrp", ["1234567", "123456789", "1234567a"])
def test_person_nrp_validation(world, login_as, nrp):
    client = login_as("admin")
    response = client.post("/admin/people/new", data={
        "rank": "Bripka", "name": "Nama Diketik", "nrp": nrp, "unit_id": world.u("POLSEK-A1X").id,
    })  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An NRP has 8 digits, an NIP 18." in html
    assert 'value="Nama Diketik"' in html
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_person_duplicate_nrp_and_bad_rank(world, login_as):
    db.session.add(Person(rank="AKP", name="A", nrp="87654321", unit=world.u("POLRES-A1")))
    db.session.commit()
    client = login_as("admin")
    response = client.post("/admin/people/new", data={
        "rank": "Bripka", "name": "B", "nrp": "87654321", "unit_id": world.u("POLSEK-A1X").id,
    })  # fmt: skip
    assert "Another person has this NRP." in response.get_data(as_text=True)
    response = client.post(
        "/admin/people/new", data={"rank": "Sersan", "name": "C", "unit_id": world.u("POLSEK-A1X").id}
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Person.id))) == 1


# --------------------------------------------------------------------------- audit log


def test_audit_log_filters_and_paginates(world, login_as):
    client = login_as("admin")
    client.post("/admin/catalogues/messages/new", data={
        "code": "tolak_hoaks_pilkada", "label_id": "Tolak hoaks", "label_en": "Reject hoaxes",
        "is_active": "y",
    })  # fmt: skip
    html = client.get("/admin/audit?entity=kamtibmas_message").get_data(as_text=True)
    assert "tolak_hoaks_pilkada" in html
    assert "kamtibmas_message" in html
    html = client.get("/admin/audit?action=login&user=admin").get_data(as_text=True)
    assert "<code>login</code>" in html
    assert "kamtibmas_message #" not in html
    html = client.get("/admin/audit?user=nobody").get_data(as_text=True)
    assert 'data-testid="empty"' in html
    for i in range(60):
        db.session.add(AuditEntry(action="test", entity_type="thing", entity_id=i))
    db.session.commit()
    first = client.get("/admin/audit?entity=thing").get_data(as_text=True)
    assert "thing #59" in first
    assert "thing #5<" not in first
    second = client.get("/admin/audit?entity=thing&page=2").get_data(as_text=True)
    assert "thing #5<" in second


def test_overview_counts(world, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    assert 'data-testid="admin-overview"' in html
    assert str(len(world.units)) in html


def test_csrf_is_enforced(request, tmp_path):
    """With CSRF on (as in production) a post without the form's token changes nothing."""
    from outreach import create_app
    from tests.conftest import _fresh_uri, base_config

    uri = _fresh_uri(request.getfixturevalue("_schema"), tmp_path)
    app = create_app(base_config(tmp_path, uri) | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        root_id = factories.make_unit("MABES", UnitLevel.MABES).id
        factories.make_user("admin", Role.ADMIN, db.session.get(Unit, root_id))
        db.session.commit()
        db.session.remove()

    def token(page: str) -> str:
        return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    client = app.test_client()
    credentials = {"username": "admin", "password": factories.PASSWORD}
    assert client.post("/login", data=credentials).status_code == 400
    login_token = token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data=credentials | {"csrf_token": login_token}).status_code == 302
    data = {"code": "POLSEK-CSRF", "name": "X", "level": "polsek", "parent_id": root_id, "timezone": "WIB"}
    assert client.post("/admin/units/new", data=data).status_code == 400
    form_token = token(client.get("/admin/units/new").get_data(as_text=True))
    assert client.post("/admin/units/new", data=data | {"csrf_token": form_token}).status_code == 302
    with app.app_context():
        codes = db.session.scalars(select(Unit.code).where(Unit.code.like("POLSEK-CSRF%"))).all()
        assert codes == ["POLSEK-CSRF"]
        db.session.remove()
        db.engine.dispose()
