"""Issue 14: POST /api/v1/activities creates or returns by the phone's ``client_id`` (a retry after a lost
answer never makes a duplicate); PATCH keeps it and guards edits by ``version``."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Location, User
from outreach.services import offline
from outreach.services.schema.activity import ActivityInput
from tests.api.conftest import activity_payload
from tests.support.app import PG_URL


def _activities() -> int:
    return int(db.session.scalar(select(func.count(Activity.id))) or 0)


def test_the_same_client_id_twice_stores_one_activity_and_answers_with_it_both_times(api_as, world):
    api = api_as("staff.a1x")
    client_id = str(uuid.uuid4())
    body = activity_payload(world, client_id=client_id)
    first = api.post("/api/v1/activities", body)
    assert first.status_code == 201, first.get_data(as_text=True)
    places = db.session.scalar(select(func.count(Location.id)))
    again = api.post("/api/v1/activities", dict(reversed(list(body.items()))))  # key order does not matter
    assert again.status_code == 201, again.get_data(as_text=True)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.get_json() == first.get_json()
    assert first.get_json()["client_id"] == client_id
    assert _activities() == 1
    assert db.session.scalar(select(func.count(Location.id))) == places  # the new place not registered twice


def test_the_same_client_id_with_another_body_is_a_409_naming_it(api_as, world):
    api = api_as("staff.a1x")
    client_id = str(uuid.uuid4())
    assert api.post("/api/v1/activities", activity_payload(world, client_id=client_id)).status_code == 201
    other = api.post("/api/v1/activities", activity_payload(world, client_id=client_id, title="Lain"))
    assert other.status_code == 409, other.get_data(as_text=True)
    assert set(other.get_json()["error"]["fields"]) == {"client_id"}
    assert _activities() == 1


def test_another_users_client_id_is_refused_without_showing_the_activity(api_as, world):
    client_id = str(uuid.uuid4())
    assert (
        api_as("staff.a1x")
        .post("/api/v1/activities", activity_payload(world, client_id=client_id))
        .status_code
        == 201
    )
    other = api_as("staff.a1").post("/api/v1/activities", activity_payload(world, client_id=client_id))
    assert other.status_code == 409
    assert "id" not in other.get_json()
    assert set(other.get_json()["error"]["fields"]) == {"client_id"}


def test_a_malformed_client_id_is_a_field_error(api_as, world):
    response = api_as("staff.a1x").post("/api/v1/activities", activity_payload(world, client_id="not-a-uuid"))
    assert response.status_code == 422
    assert "client_id" in response.get_json()["error"]["fields"]
    assert _activities() == 0


def test_without_client_id_every_post_is_a_new_activity(api_as, world):
    api = api_as("staff.a1x")
    api.post("/api/v1/activities", activity_payload(world))
    api.post("/api/v1/activities", activity_payload(world))
    assert _activities() == 2
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.client_id.is_(None))) == 2


def test_patch_keeps_the_client_id_and_refuses_a_stale_version(api_as, world):
    api = api_as("staff.a1x")
    client_id = str(uuid.uuid4())
    body = api.post("/api/v1/activities", activity_payload(world, client_id=client_id)).get_json()
    aid, version = body["id"], body["version"]
    same = api.patch(
        f"/api/v1/activities/{aid}", {"title": "Diubah", "client_id": client_id, "version": version}
    )
    assert same.status_code == 200, same.get_data(as_text=True)
    assert same.get_json()["client_id"] == client_id
    changed = api.patch(f"/api/v1/activities/{aid}", {"client_id": str(uuid.uuid4())})
    assert changed.status_code == 422
    assert set(changed.get_json()["error"]["fields"]) == {"client_id"}
    stale = api.patch(f"/api/v1/activities/{aid}", {"title": "Lagi", "version": version})
    assert stale.status_code == 409
    assert api.get(f"/api/v1/activities/{aid}").get_json()["title"] == "Diubah"  # nothing overwritten


@pytest.mark.skipif(not PG_URL, reason="two writers at once: PostgreSQL (SQLite serialises its writers)")
def test_concurrent_duplicates_insert_once(app: Flask, world):
    """Both sends pass the lookup before either has stored anything; the unique index makes the second wait
    for the first and then answer with its activity."""
    data = ActivityInput.model_validate(activity_payload(world, client_id=str(uuid.uuid4())))
    user_id = db.session.scalar(select(User.id).where(User.username == "staff.a1x"))
    db.session.commit()
    looked_up = threading.Barrier(2, timeout=30)
    real_find = offline.find_existing
    calls: dict[int, int] = {}
    results: list[Any] = []

    def racing_find(actor: User, data: ActivityInput) -> Activity | None:
        thread = threading.get_ident()
        calls[thread] = calls.get(thread, 0) + 1
        if calls[thread] == 1:  # the first lookup of each send: neither has stored anything yet
            found = real_find(actor, data)
            looked_up.wait()
            return found
        return real_find(actor, data)

    first_flushed = threading.Event()

    def send(delay_commit: bool) -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, user_id)
                assert actor is not None
                activity, created = offline.create_or_return(actor, data)
                if delay_commit:
                    first_flushed.set()
                    threading.Event().wait(0.5)  # the other send is now waiting on the unique index
                db.session.commit()
                results.append((activity.id, created))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results.append(exc)
            finally:
                db.session.remove()

    original = offline.find_existing
    offline.find_existing = racing_find  # type: ignore[assignment]
    try:
        a = threading.Thread(target=send, args=(True,))
        a.start()
        b = threading.Thread(target=send, args=(False,))
        b.start()
        a.join(60)
        b.join(60)
    finally:
        offline.find_existing = original  # type: ignore[assignment]
    assert len(results) == 2 and all(isinstance(r, tuple) for r in results), results
    assert {r[0] for r in results} == {results[0][0]}  # one activity for both
    assert sorted(r[1] for r in results) == [False, True]
    db.session.expire_all()
    assert _activities() == 1


def test_openapi_shows_client_id_and_the_409(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    field = schemas["ActivityInput"]["properties"]["client_id"]
    assert "uuid" in str(field)
    assert "client_id" in schemas["ActivityOut"]["properties"]
    assert "409" in doc["paths"]["/api/v1/activities"]["post"]["responses"]
