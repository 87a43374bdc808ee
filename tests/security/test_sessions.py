"""T4 extras not in tests/test_auth.py: session rotation on login, indistinguishable login failures."""

from __future__ import annotations

import logging
import re
from typing import Any

from tests.factories import PASSWORD
from tests.security.conftest import SecWorld


def test_login_rotates_the_session(sec: SecWorld) -> None:
    client = sec.app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"  # fixation: data placed in the pre-login session
    before = client.get_cookie("session").value
    assert client.post("/login", data={"username": "staff.a1x", "password": PASSWORD}).status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
    # the pre-login cookie does not carry the login
    stale = sec.app.test_client()
    stale.set_cookie("session", before)
    assert stale.get("/activities/").status_code == 302


def _normalised(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


def test_unknown_user_and_wrong_password_look_the_same(sec: SecWorld) -> None:
    responses = []
    for username in ("pr.a1x", "no.such.user"):
        client = sec.app.test_client()
        responses.append(client.post("/login", data={"username": username, "password": "wrong wrong wrong"}))
    wrong, unknown = responses
    assert wrong.status_code == unknown.status_code == 200
    assert _normalised(wrong.get_data(as_text=True)).replace("pr.a1x", "X") == _normalised(
        unknown.get_data(as_text=True)
    ).replace("no.such.user", "X")
    assert "Set-Cookie" not in wrong.headers or "Set-Cookie" in unknown.headers


def test_deactivated_user_is_anonymous_on_the_next_request(sec: SecWorld) -> None:
    client = sec.clients["deactivated"]
    response = client.get("/activities/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    api = client.get("/api/v1/activities", headers={"Authorization": f"Bearer {sec.tokens['deactivated']}"})
    assert api.status_code == 401


def test_audit_and_logs_hold_no_secrets_and_no_forged_lines(sec: SecWorld, caplog: Any) -> None:
    from sqlalchemy import select

    from outreach.extensions import db
    from outreach.models import AuditEntry

    secret = "Never-Log-This-Password-77"
    client = sec.app.test_client()
    with caplog.at_level(logging.DEBUG):
        client.post("/login", data={"username": "pr.a1x", "password": secret})
        client.post("/login", data={"username": "ghost\r\n2026-01-01 login ok admin", "password": secret})
        assert client.post("/login", data={"username": "pr.a1x", "password": PASSWORD}).status_code == 302
        cookie = client.get_cookie("session").value
        client.post("/logout")
    rows = db.session.scalars(select(AuditEntry)).all()
    dump = "\n".join(repr({c.name: getattr(r, c.name) for c in AuditEntry.__table__.columns}) for r in rows)
    for value in (secret, PASSWORD, cookie):
        assert value not in dump
        assert value not in caplog.text
    failed = [r for r in rows if r.action == "login_failed"]
    assert len(failed) >= 1
    # A username with CR LF (a forged log line) is refused by the login form itself (control characters,
    # issue 13 F7): it reaches neither the audit nor the log.
    assert not [r for r in failed if "ghost" in repr(r.changes) + r.actor_username + r.comment]
    for row in failed:
        assert "\r" not in json_values(row)
        assert "\n" not in json_values(row)
    assert "\r\n2026" not in caplog.text


def json_values(row: Any) -> str:
    """Every stored string of an audit row, raw (not repr'd), to look for real CR/LF characters."""
    values = [row.actor_username, row.comment, *(str(v) for v in (row.changes or {}).values())]
    return "".join(values)
