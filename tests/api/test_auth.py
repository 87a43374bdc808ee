"""Tokens: CLI, hashing, 401 for every bad credential, last use recorded sparingly, rate limit, body limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ApiToken
from outreach.services import tokens, users
from tests.api.conftest import Api


def _error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_cli_create_prints_only_the_token_and_stores_its_hash(runner, world, client):
    result = runner.invoke(args=["tokens", "create", "staff.a1", "--name", "field app"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert "\n" not in raw
    assert raw.startswith(tokens.TOKEN_PREFIX)
    stored = db.session.scalar(select(ApiToken).where(ApiToken.name == "field app"))
    assert stored.token_hash == tokens.hash_token(raw)
    assert raw not in stored.token_hash
    assert Api(client, raw).get("/api/v1/units").status_code == 200

    listing = runner.invoke(args=["tokens", "list"])
    assert stored.prefix in listing.output
    assert "staff.a1" in listing.output
    assert raw not in listing.output

    revoked = runner.invoke(args=["tokens", "revoke", stored.prefix])
    assert revoked.exit_code == 0, revoked.output
    _error(Api(client, raw).get("/api/v1/units"), 401, "unauthorized")


def test_cli_refuses_unknown_user_and_unknown_prefix(runner, world):
    assert runner.invoke(args=["tokens", "create", "nobody"]).exit_code == 1
    assert runner.invoke(args=["tokens", "revoke", "otk_doesnotexist"]).exit_code == 1


def test_missing_malformed_unknown_token_is_401(client, world):
    for headers in (
        {},
        {"Authorization": "Basic YWRtaW46eA=="},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer otk_wrong"},
    ):
        response = client.get("/api/v1/activities", headers=headers)
        _error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_browser_session_does_not_authenticate_the_api(client, world, login_as):
    login_as("admin")
    _error(client.get("/api/v1/units"), 401)


def test_deactivated_user_token_is_401(api_as, world):
    api = api_as("staff.a1")
    assert api.get("/api/v1/units").status_code == 200
    users.set_active(world.users["staff.a1"], False, actor=None)
    db.session.commit()
    _error(api.get("/api/v1/units"), 401)


def test_token_acts_with_its_users_role_and_unit(api_as):
    codes = {u["code"] for u in api_as("staff.a1x").get("/api/v1/units?per_page=100").get_json()["items"]}
    assert codes == {"POLSEK-A1X"}
    codes = {u["code"] for u in api_as("commander.a1").get("/api/v1/units?per_page=100").get_json()["items"]}
    assert codes == {"POLRES-A1", "POLSEK-A1X", "POLSEK-A1Y"}


def test_last_used_is_written_at_most_once_a_minute(api_as, world):
    api = api_as("staff.a1")
    assert api.get("/api/v1/units").status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.users["staff.a1"].id))
    first = token.last_used_at
    assert first is not None
    assert api.get("/api/v1/units").status_code == 200
    db.session.refresh(token)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    assert api.get("/api/v1/units").status_code == 200
    db.session.refresh(token)
    assert token.last_used_at > first - timedelta(minutes=2)


def test_rate_limit_per_token(app, api_as):
    app.config["OUTREACH_API_RATE_LIMIT"] = 3
    api, other = api_as("staff.a1"), api_as("staff.a1x")
    assert [api.get("/api/v1/units").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/units")
    _error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert other.get("/api/v1/units").status_code == 200  # counted per token


def test_body_too_large_is_413(app, api_as):
    app.config["OUTREACH_API_MAX_BYTES"] = 1000
    api = api_as("admin")
    response = api.post("/api/v1/units", data="x" * 5000, headers={"Content-Type": "application/json"})
    _error(response, 413)


def test_openapi_document_is_public(client, world):
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_csrf_enabled_does_not_block_token_posts(tmp_path, world, make_token):
    from outreach import create_app
    from tests.conftest import base_config

    app = create_app(
        base_config(tmp_path, db.engine.url.render_as_string(hide_password=False))
        | {"WTF_CSRF_ENABLED": True}
    )
    raw = make_token("admin")
    with app.app_context():
        client = app.test_client()
        body = {"code": "POLSEK-NEW", "name": "Polsek New", "level": "polsek", "parent_code": "POLRES-A1"}
        response = Api(client, raw).post("/api/v1/units", body)
        assert response.status_code == 201, response.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
