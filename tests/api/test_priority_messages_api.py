"""Priority messages through the API: list, add (commander, audited), remove; scope and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry, KamtibmasMessage
from tests import factories


def _message() -> KamtibmasMessage:
    row = KamtibmasMessage(code="tolak_politik_uang_api", label_id="Tolak politik uang (API)", label_en="x")
    db.session.add(row)
    db.session.commit()
    return row


def test_add_list_remove(world: factories.World, api_as: Callable[[str], Any]) -> None:
    message = _message()
    commander = api_as("commander.a1")
    body = {"unit": "POLSEK-A1X", "message_id": message.id, "from": "2024-01-01", "to": "2024-01-14"}
    r = commander.post("/api/v1/priority-messages", body)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert (created["unit"], created["message_code"], created["from"], created["to"]) == (
        "POLSEK-A1X", "tolak_politik_uang_api", "2024-01-01", "2024-01-14",
    )  # fmt: skip
    # the Polsek sees it; another Polres does not
    r = api_as("commander.a1x").get("/api/v1/priority-messages")
    assert [p["id"] for p in r.get_json()["items"]] == [created["id"]]
    assert api_as("commander.b1").get("/api/v1/priority-messages").get_json()["items"] == []
    # outside the period asked for: not listed
    r = commander.get("/api/v1/priority-messages?from=2024-02-01&to=2024-02-28")
    assert r.get_json()["items"] == []
    # another area's commander cannot remove it (404), its own can (204), audited
    assert api_as("commander.b1").delete(f"/api/v1/priority-messages/{created['id']}").status_code == 404
    assert commander.delete(f"/api/v1/priority-messages/{created['id']}").status_code == 204
    assert commander.delete(f"/api/v1/priority-messages/{created['id']}").status_code == 404
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "priority_message")
    ).all()
    assert sorted(actions) == ["priority_message_add", "priority_message_remove"]


def test_refusals(world: factories.World, api_as: Callable[[str], Any]) -> None:
    message = _message()
    body = {"unit": "POLRES-B1", "message_id": message.id, "from": "2024-01-14", "to": "2024-01-01"}
    r = api_as("commander.a1").post("/api/v1/priority-messages", body)
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) >= {"unit", "to"}
    r = api_as("staff.a1x").post("/api/v1/priority-messages", body | {"unit": "POLSEK-A1X"})
    assert r.status_code == 403
    assert api_as("commander.a1").post("/api/v1/priority-messages", {}).status_code in (400, 422)
