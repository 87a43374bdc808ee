"""Activities over the API: create, read, list, change, delete, workflow, idempotency, scope, errors."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, IdempotencyKey, Visit
from tests import factories
from tests.api.conftest import activity_payload


def _counts():
    return db.session.scalar(select(func.count(Activity.id))), db.session.scalar(select(func.count(Visit.id)))


def _fields(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]["fields"]


def test_create_read_list_update_delete(api_as, world):
    api = api_as("staff.a1x")
    response = api.post("/api/v1/activities", activity_payload(world))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "draft"
    assert isinstance(body["id"], int)
    assert body["totals"] == {"visits": 2, "locations": 2, "parcels": 15, "beneficiaries": 25, "messages": 2}
    assert body["visits"][1]["location"]["name"] == "Panti Asuhan Harapan"
    assert body["visits"][1]["items"][0] == {
        "name": "Beras",
        "quantity": 50,
        "kind": "beras",
        "measure": "kg",
    }
    assert body["messages"] == ["Jaga persatuan dan kesatuan", "Jangan golput"]
    assert len(body["message_ids"]) == 1  # the catalogue text links to its entry
    assert [p["name"] for p in body["partners"]] == ["KH. Nasir", "Camat Jepon"]
    assert response.headers["Location"].endswith(f"/api/v1/activities/{body['id']}")
    aid = body["id"]

    detail = api.get(f"/api/v1/activities/{aid}")
    assert detail.status_code == 200
    assert detail.get_json()["leader"]["rank"] == "AKP"

    listing = api.get("/api/v1/activities").get_json()
    assert listing["total"] == 1
    assert listing["page"] == 1
    assert listing["items"][0]["id"] == aid

    patched = api.patch(f"/api/v1/activities/{aid}", {"title": "Diubah", "version": body["version"]})
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert patched.get_json()["title"] == "Diubah"
    assert patched.get_json()["totals"]["parcels"] == 15  # the rest kept
    stale = api.patch(f"/api/v1/activities/{aid}", {"title": "Lagi", "version": body["version"]})
    assert stale.status_code == 409
    patched = api.patch(f"/api/v1/activities/{aid}", {"messages": ["Tolak politik uang"]})
    assert patched.get_json()["messages"] == ["Tolak politik uang"]
    fields = _fields(
        api.patch(f"/api/v1/activities/{aid}", {"visits": [{"location_id": 999999, "parcels": -1}]})
    )
    assert set(fields) == {"visits.0.parcels"}  # shape first; the service's rules come after

    assert api.delete(f"/api/v1/activities/{aid}").status_code == 204
    assert api.get(f"/api/v1/activities/{aid}").status_code == 404
    admin = api_as("admin")
    assert admin.get("/api/v1/activities?deleted=true").get_json()["total"] == 1
    restored = admin.post(f"/api/v1/activities/{aid}/restore")
    assert restored.status_code == 200
    assert restored.get_json()["deleted_at"] is None


def test_workflow_submit_return_verify_reopen(api_as, world):
    staff, commander, pr = api_as("staff.a1x"), api_as("commander.a1"), api_as("pr.a1")
    aid = staff.post("/api/v1/activities", activity_payload(world)).get_json()["id"]
    assert staff.post(f"/api/v1/activities/{aid}/verify").status_code == 403  # role forbids
    assert staff.post(f"/api/v1/activities/{aid}/submit").get_json()["status"] == "submitted"
    assert staff.post(f"/api/v1/activities/{aid}/submit").status_code == 409  # state forbids
    assert staff.patch(f"/api/v1/activities/{aid}", {"title": "x"}).status_code == 409
    assert "comment" in _fields(commander.post(f"/api/v1/activities/{aid}/return", {}))
    returned = commander.post(f"/api/v1/activities/{aid}/return", {"comment": "Tambahkan foto"})
    assert returned.get_json()["status"] == "returned"
    assert returned.get_json()["return_comment"] == "Tambahkan foto"
    staff.post(f"/api/v1/activities/{aid}/submit")
    assert pr.get(f"/api/v1/activities/{aid}").status_code == 404  # PR sees verified only
    assert commander.post(f"/api/v1/activities/{aid}/verify").get_json()["status"] == "verified"
    assert pr.get(f"/api/v1/activities/{aid}").status_code == 200
    assert pr.post("/api/v1/activities", activity_payload(world)).status_code == 403
    reopened = commander.post(f"/api/v1/activities/{aid}/reopen", {"reason": "Salah jumlah"})
    assert reopened.get_json()["status"] == "returned"


def test_scope_sibling_polsek_gets_404(api_as, world):
    own = api_as("staff.a1x")
    aid = own.post("/api/v1/activities", activity_payload(world)).get_json()["id"]
    sibling = api_as("staff.a1y")
    for method, url in (
        ("GET", f"/api/v1/activities/{aid}"),
        ("PATCH", f"/api/v1/activities/{aid}"),
        ("DELETE", f"/api/v1/activities/{aid}"),
        ("POST", f"/api/v1/activities/{aid}/submit"),
    ):
        response = sibling.request(method, url, {"title": "x"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, url)
        assert response.get_json()["error"]["code"] == "not_found"
    assert sibling.get("/api/v1/activities").get_json()["total"] == 0
    assert sibling.get("/api/v1/activities/999999").status_code == 404
    # a unit outside the caller's area is a field error on create
    fields = _fields(sibling.post("/api/v1/activities", activity_payload(world)))
    assert "unit_code" in fields


def test_list_filters_and_pagination(api_as, world):
    staff = world.users["staff.a1"]
    loc_x, loc_y = world.locations["POLSEK-A1X"], world.locations["POLSEK-A1Y"]
    for day in range(1, 6):
        factories.make_activity(
            staff, world.programme, world.u("POLSEK-A1X"), [loc_x], occurred_on=date(2023, 12, day)
        )
    factories.make_activity(
        staff, world.programme, world.u("POLSEK-A1Y"), [loc_y], kind="sambang", title="Sambang ulama"
    )
    db.session.commit()
    api = api_as("commander.a1")
    page = api.get("/api/v1/activities?per_page=2&page=2").get_json()
    assert page["total"] == 6
    assert page["per_page"] == 2
    assert page["page"] == 2
    assert len(page["items"]) == 2
    assert api.get("/api/v1/activities?unit=POLSEK-A1Y").get_json()["total"] == 1
    assert api.get("/api/v1/activities?kind=sambang").get_json()["total"] == 1
    assert api.get("/api/v1/activities?q=ulama").get_json()["total"] == 1
    assert api.get("/api/v1/activities?from=2023-12-02&to=2023-12-03").get_json()["total"] == 2
    assert api.get("/api/v1/activities?status=submitted").get_json()["total"] == 0
    assert api.get("/api/v1/activities?status=draft,submitted").get_json()["total"] == 6
    assert api.get(f"/api/v1/activities?programme_id={world.programme.id}").get_json()["total"] == 6
    assert api.get("/api/v1/activities?unit=POLSEK-B1X").get_json()["total"] == 0  # outside: nothing
    fields = _fields(api.get("/api/v1/activities?per_page=1000&from=2023-02-30&status=bogus&page=x"))
    assert set(fields) == {"per_page", "from", "status", "page"}


def test_list_total_is_counted_up_to_a_cap(api_as, world, app):
    staff, unit, loc = world.users["staff.a1x"], world.u("POLSEK-A1X"), world.locations["POLSEK-A1X"]
    made = [
        factories.make_activity(staff, world.programme, unit, [loc], occurred_on=date(2023, 12, day))
        for day in range(1, 8)
    ]
    db.session.commit()
    api = api_as("commander.a1")
    first = api.get("/api/v1/activities?per_page=3").get_json()
    assert [i["id"] for i in first["items"]] == [a.id for a in made[::-1][:3]]  # newest first
    assert (first["total"], first["total_exact"], first["pages"], first["has_next"]) == (7, True, 3, True)
    assert set(first) == {"items", "total", "total_exact", "pages", "page", "per_page", "has_next"}

    app.config["OUTREACH_LIST_COUNT_CAP"] = 4
    capped = api.get("/api/v1/activities?per_page=3").get_json()
    assert (capped["total"], capped["total_exact"], capped["pages"], capped["has_next"]) == (
        4,
        False,
        None,
        True,
    )
    assert len(capped["items"]) == 3
    last = api.get("/api/v1/activities?per_page=3&page=3").get_json()  # the last page knows the total
    assert (last["total"], last["total_exact"], last["pages"], last["has_next"]) == (7, True, 3, False)
    assert [i["id"] for i in last["items"]] == [made[0].id]
    beyond = api.get("/api/v1/activities?per_page=3&page=50").get_json()
    assert (beyond["items"], beyond["total"], beyond["total_exact"], beyond["has_next"]) == (
        [],
        4,
        False,
        False,
    )
    assert api.get("/api/v1/activities?per_page=3&status=submitted").get_json()["total_exact"] is True

    walked, page = [], 1  # a client walks every page with has_next, whatever the total says
    while True:
        body = api.get(f"/api/v1/activities?per_page=2&page={page}").get_json()
        walked += [i["id"] for i in body["items"]]
        if not body["has_next"]:
            break
        page += 1
    assert walked == [a.id for a in made[::-1]]


def test_other_lists_keep_the_exact_envelope(api_as, world):
    units = api_as("admin").get("/api/v1/units?per_page=2").get_json()
    assert set(units) == {"items", "total", "page", "per_page"}
    assert units["total"] == len(world.units)


def test_validation_names_every_bad_field_and_writes_nothing(api_as, world):
    api = api_as("staff.a1x")
    before = _counts()
    bad = activity_payload(world, date="2023-02-30", kind=7, extra=1)
    bad["leader"] = {"rank": "AKP"}
    bad["visits"][0]["parcels"] = "10"
    bad["visits"][1]["parcels"] = 2.5
    bad["visits"][1]["items"][0]["quantity"] = -3
    fields = _fields(api.post("/api/v1/activities", bad))
    assert set(fields) == {
        "date",
        "kind",
        "extra",
        "leader.name",
        "visits.0.parcels",
        "visits.1.parcels",
        "visits.1.items.0.quantity",
    }
    # rule errors come from the service with the same paths
    rules = activity_payload(world, kind="terbang", date="2020-01-01", unit_code="POLSEK-A1X")
    rules["leader"]["rank"] = "Jendral"
    rules["visits"].append({"location_id": world.locations["POLSEK-A1X"].id})
    rules["programme_id"] = 999999
    fields = _fields(api.post("/api/v1/activities", rules))
    assert {"kind", "leader.rank", "visits.2.location_id", "programme_id"} <= set(fields)
    outside = activity_payload(world, date="2020-01-01")
    assert "date" in _fields(api.post("/api/v1/activities", outside))
    missing = _fields(api.post("/api/v1/activities", {}))
    assert {"programme_id", "unit_code", "kind", "date", "leader", "visits"} <= set(missing)
    assert _counts() == before


def test_malformed_bodies_are_400(api_as, world):
    api = api_as("staff.a1x")
    before = _counts()
    for data in ("{not json", "[1, 2]", '"text"', "", '{"a": NaN}'):
        response = api.post("/api/v1/activities", data=data, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, data
        assert response.get_json()["error"]["code"] == "bad_request"
    assert _counts() == before


def test_idempotency_key_returns_the_first_result(api_as, world):
    api = api_as("staff.a1x")
    headers = {"Idempotency-Key": "phone-42-attempt"}
    first = api.post("/api/v1/activities", activity_payload(world), headers=headers)
    again = api.post("/api/v1/activities", activity_payload(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _counts()[0] == 1
    # another user with the same key is a different request
    other = api_as("staff.a1").post("/api/v1/activities", activity_payload(world), headers=headers)
    assert other.get_json()["id"] != first.get_json()["id"]
    # after 24 h the key is forgotten
    key = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.activity_id == first.get_json()["id"])
    )
    key.created_at = key.created_at - timedelta(hours=25)
    db.session.commit()
    fresh = api.post("/api/v1/activities", activity_payload(world, title="tomorrow"), headers=headers)
    assert fresh.status_code == 201
    assert fresh.get_json()["id"] not in (
        first.get_json()["id"],
        other.get_json()["id"],
    )


def test_ids_beyond_the_database_range_are_refused_cleanly(api_as, world):
    api = api_as("staff.a1x")
    payload = activity_payload(world, programme_id=2**70, message_ids=[2**40])
    payload["visits"][0]["location_id"] = 2**63
    fields = _fields(api.post("/api/v1/activities", payload))
    assert set(fields) == {"programme_id", "message_ids.0", "visits.0.location_id"}
    assert api.get(f"/api/v1/activities/{2**63}").status_code == 404
    assert api.get(f"/api/v1/programmes/{2**40}").status_code == 404


def test_unknown_route_and_wrong_method_answer_json(api_as, world):
    api = api_as("staff.a1x")
    assert api.get("/api/v1/nothing").status_code == 404
    assert api.get("/api/v1/nothing").is_json
    response = api.request("PUT", "/api/v1/activities")
    assert response.status_code == 405
    assert response.is_json
