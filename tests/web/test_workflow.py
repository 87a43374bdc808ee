"""Submit → return → edit → submit → verify; reopen; delete/restore; role and scope checks."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from outreach import create_app
from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, AuditEntry
from tests import factories
from tests.conftest import base_config, login
from tests.support.forms import base_form


def _make(world, username="staff.a1x", unit="POLSEK-A1X"):
    activity = factories.make_activity(
        world.users[username], world.programme, world.u(unit), [world.locations[unit]]
    )
    db.session.commit()
    return activity


def _status(activity_id: int) -> ActivityStatus:
    db.session.expire_all()
    return db.session.get(Activity, activity_id).status


def _switch(client, username):
    client.post("/logout")
    assert login(client, username).status_code == 302
    return client


def test_full_workflow_with_return_and_resubmit(world, client):
    activity = _make(world)
    aid = activity.id
    _switch(client, "staff.a1x")
    page = client.get(f"/activities/{aid}").get_data(as_text=True)
    assert 'data-testid="submit"' in page
    assert 'data-testid="verify"' not in page
    assert client.post(f"/activities/{aid}/submit").status_code == 302
    assert _status(aid) is ActivityStatus.SUBMITTED
    assert 'data-testid="edit"' not in client.get(f"/activities/{aid}").get_data(as_text=True)

    _switch(client, "commander.a1")
    page = client.get(f"/activities/{aid}").get_data(as_text=True)
    assert 'data-testid="verify"' in page
    assert 'data-testid="return-form"' in page
    empty = client.post(f"/activities/{aid}/return", data={"comment": "  "})
    assert empty.status_code == 422
    assert 'id="comment-errors"' in empty.get_data(as_text=True)
    assert _status(aid) is ActivityStatus.SUBMITTED
    assert client.post(f"/activities/{aid}/return", data={"comment": "Foto kurang"}).status_code == 302
    assert _status(aid) is ActivityStatus.RETURNED

    _switch(client, "staff.a1x")
    page = client.get(f"/activities/{aid}").get_data(as_text=True)
    assert "Foto kurang" in page
    assert f"/activities/{aid}" in client.get("/activities/mine").get_data(as_text=True)
    version = db.session.get(Activity, aid).version
    edited = client.post(
        f"/activities/{aid}/edit", data=base_form(world, version=str(version), title="Diperbaiki")
    )
    assert edited.status_code == 302
    assert client.post(f"/activities/{aid}/submit").status_code == 302

    _switch(client, "commander.a1")
    assert client.post(f"/activities/{aid}/verify").status_code == 302
    assert _status(aid) is ActivityStatus.VERIFIED
    history = client.get(f"/activities/{aid}").get_data(as_text=True).split('data-testid="history"')[1]
    for action in ("create", "submit", "return", "update", "verify"):
        assert f'data-action="{action}"' in history
    assert "Diperbaiki" in history  # the changed title, before → after
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "activity", AuditEntry.entity_id == aid)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "submit", "return", "update", "submit", "verify"]


def test_verified_is_read_only(world, client):
    from outreach.services import activities as svc

    activity = _make(world)
    svc.submit_activity(world.users["staff.a1x"], activity)
    svc.verify_activity(world.users["commander.a1"], activity)
    db.session.commit()
    _switch(client, "staff.a1x")
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert 'data-testid="edit"' not in page
    assert 'data-testid="photo-form"' not in page
    assert client.get(f"/activities/{activity.id}/edit").status_code == 302
    response = client.post(f"/activities/{activity.id}/edit", data=base_form(world, title="X"))
    assert response.status_code == 302
    assert client.post(f"/activities/{activity.id}/submit").status_code == 409
    assert client.post(f"/activities/{activity.id}/delete").status_code == 409
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title != "X"


def test_reopen_needs_reason(world, client):
    from outreach.services import activities as svc

    activity = _make(world)
    svc.submit_activity(world.users["staff.a1x"], activity)
    svc.verify_activity(world.users["commander.a1"], activity)
    db.session.commit()
    _switch(client, "commander.a1x")
    assert 'data-testid="reopen-form"' in client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert client.post(f"/activities/{activity.id}/reopen", data={"reason": ""}).status_code == 422
    assert _status(activity.id) is ActivityStatus.VERIFIED
    assert (
        client.post(f"/activities/{activity.id}/reopen", data={"reason": "Salah tanggal"}).status_code == 302
    )
    assert _status(activity.id) is ActivityStatus.RETURNED
    _switch(client, "staff.a1x")
    assert client.get(f"/activities/{activity.id}/edit").status_code == 200


def test_delete_and_admin_restore(world, client):
    activity = _make(world)
    aid = activity.id
    _switch(client, "staff.a1x")
    assert client.post(f"/activities/{aid}/delete").status_code == 302
    assert client.get(f"/activities/{aid}").status_code == 404
    assert client.post(f"/activities/{aid}/restore").status_code == 403
    _switch(client, "admin")
    listed = client.get("/activities/?deleted=y").get_data(as_text=True)
    assert f'/activities/{aid}"' in listed
    assert f'/activities/{aid}"' not in client.get("/activities/").get_data(as_text=True)
    assert 'data-testid="restore"' in client.get(f"/activities/{aid}").get_data(as_text=True)
    assert client.post(f"/activities/{aid}/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, aid).deleted_at is None


def test_staff_cannot_verify_or_return(world, client):
    from outreach.services import activities as svc

    activity = _make(world)
    svc.submit_activity(world.users["staff.a1x"], activity)
    db.session.commit()
    _switch(client, "staff.a1x")
    assert client.post(f"/activities/{activity.id}/verify").status_code == 403
    assert client.post(f"/activities/{activity.id}/return", data={"comment": "x"}).status_code == 403
    assert _status(activity.id) is ActivityStatus.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "verify", "return", "reopen", "delete"])
def test_sibling_commander_gets_404_on_workflow(world, client, action):
    activity = _make(world)
    _switch(client, "commander.a1y")
    response = client.post(f"/activities/{activity.id}/{action}", data={"comment": "x", "reason": "x"})
    assert response.status_code == 404


def test_csrf_enforced_on_create(world, tmp_path):
    """With CSRF on (as in production), a POST without the token is refused and nothing is stored."""
    app: Flask = create_app(
        {
            **base_config(tmp_path, db.engine.url.render_as_string(hide_password=False)),
            "WTF_CSRF_ENABLED": True,
        }
    )
    client = app.test_client()
    with app.app_context():
        page = client.get("/login").get_data(as_text=True)
        token = (
            page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            if 'name="csrf_token" type="hidden"' in page
            else page.split('name="csrf_token" value="')[1].split('"')[0]
        )
        from tests.factories import PASSWORD

        assert (
            client.post(
                "/login", data={"username": "staff.a1x", "password": PASSWORD, "csrf_token": token}
            ).status_code
            == 302
        )
        response = client.post("/activities/new", data=base_form(world))
        assert response.status_code == 400
        assert client.post(f"/activities/{_make_id(world)}/delete").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 1


def _make_id(world) -> int:
    return _make(world).id
