"""Issue 13, part A: the outside review's findings on login, input, caching, passwords and tokens, as attacks.

F1 (login lockout turned against users), F7 (NUL → 500 on PostgreSQL), F9 (no Cache-Control on the API),
F10 (length-only password policy), and the Idempotency-Key / password-reset findings. Each test reproduces
the attack the review made and asserts it no longer works. They run on SQLite and, with
OUTREACH_TEST_DATABASE_URL, on PostgreSQL (where the NUL cases used to answer 500).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from outreach import create_app
from outreach.config import from_environment
from outreach.extensions import db
from outreach.models import ApiToken, AuditEntry, IdempotencyKey, LoginAttempt, LoginLock, User, utcnow
from outreach.services import tokens, users
from outreach.services.errors import Invalid
from tests import factories
from tests.conftest import PASSWORD, base_config, login

PROXY = "10.0.0.2"  # the reverse proxy every request comes through
OWNER_IP = "192.0.2.10"
ATTACKER_IP = "198.51.100.7"


def post_login(
    client: FlaskClient, username: str, password: str, ip: str, *, forwarded: str | None = None
) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/login",
        data={"username": username, "password": password},
        headers=headers,
        environ_overrides={"REMOTE_ADDR": ip},
    )


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def audit_actions(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def proxied(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The same database served behind one trusted reverse proxy (OUTREACH_TRUSTED_PROXIES=1)."""
    behind = create_app(
        base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"]) | {"OUTREACH_TRUSTED_PROXIES": 1}
    )
    yield behind
    with behind.app_context():
        db.session.remove()
        db.engine.dispose()


# --------------------------------------------------------------------------- F1: login throttling


def test_trusted_proxies_is_read_from_the_environment() -> None:
    assert from_environment({"OUTREACH_TRUSTED_PROXIES": "2"}) == {"OUTREACH_TRUSTED_PROXIES": 2}
    with pytest.raises(RuntimeError, match="whole number"):
        from_environment({"OUTREACH_TRUSTED_PROXIES": "yes"})


def test_random_usernames_behind_the_proxy_no_longer_lock_everyone_out(proxied: Flask, world) -> None:
    """F1: 50 bad logins with random usernames from one person behind the proxy locked every account."""
    attacker, victim = proxied.test_client(), proxied.test_client()
    rng = random.Random(13)
    for _ in range(50):  # the review's attack: 50 bad logins, random usernames
        name = "".join(rng.choice("abcdefghijklmnop") for _ in range(10))
        post_login(attacker, name, "wrong password", PROXY, forwarded=ATTACKER_IP)
    # Someone else behind the same proxy logs in at once; the attacker's own address is now refused.
    assert logged_in(post_login(victim, "staff.a1", PASSWORD, PROXY, forwarded=OWNER_IP))
    assert not logged_in(post_login(attacker, "staff.a2", PASSWORD, PROXY, forwarded=ATTACKER_IP))
    locks = audit_actions("login_locked")
    assert [(e.changes["scope"], e.changes["address"], e.ip) for e in locks] == [
        ("address", ATTACKER_IP, ATTACKER_IP)
    ]


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(
    client: FlaskClient, world, app: Flask
) -> None:
    """With OUTREACH_TRUSTED_PROXIES=0 a client cannot dodge the address limit by inventing X-Forwarded-For."""
    for n in range(50):
        post_login(client, f"ghost{n}", "wrong password", ATTACKER_IP, forwarded=f"203.0.113.{n}")
    assert not logged_in(post_login(client, "staff.a1", PASSWORD, ATTACKER_IP, forwarded=OWNER_IP))
    assert db.session.scalar(select(func.count()).where(LoginAttempt.ip != ATTACKER_IP)) == 0


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another(
    client: FlaskClient, world, app: Flask
) -> None:
    """F1: five wrong passwords locked a named account for its owner too, from anywhere."""
    for _ in range(5):
        assert not logged_in(post_login(client, "staff.a1", "wrong password", ATTACKER_IP))
    # The guesser's address is refused for this account, even with the right password …
    assert not logged_in(post_login(client, "staff.a1", PASSWORD, ATTACKER_IP))
    # … while the owner, elsewhere, logs in.
    owner = app.test_client()
    assert logged_in(post_login(owner, "staff.a1", PASSWORD, OWNER_IP))
    (lock,) = audit_actions("login_locked")
    assert lock.changes["scope"] == "account_address" and lock.changes["address"] == ATTACKER_IP
    assert lock.actor_username == "staff.a1" and lock.entity_id == world.users["staff.a1"].id
    assert [e.changes["scopes"] for e in audit_actions("login_throttled")] == [["account_address"]]


def test_account_backoff_slows_guessing_from_many_addresses_but_not_the_owners_browser(
    client: FlaskClient, world, app: Flask
) -> None:
    owner = app.test_client()
    assert logged_in(post_login(owner, "staff.a1", PASSWORD, OWNER_IP))  # sets the trusted-device cookie
    owner.post("/logout", environ_overrides={"REMOTE_ADDR": OWNER_IP})
    threshold = app.config["OUTREACH_LOGIN_BACKOFF_AFTER"]
    for n in range(threshold):
        post_login(client, "staff.a1", "wrong password", f"203.0.113.{n}")
    lock = db.session.scalar(select(LoginLock).where(LoginLock.scope == "account"))
    assert lock is not None and lock.until - utcnow() <= app.config["OUTREACH_LOGIN_BACKOFF_MAX"]
    # A new address, even with the right password, waits out the backoff …
    stranger = app.test_client()
    assert not logged_in(post_login(stranger, "staff.a1", PASSWORD, "203.0.113.200"))
    # … the owner's browser does not, from yet another address …
    assert logged_in(post_login(owner, "staff.a1", PASSWORD, "192.0.2.99"))
    # … and once the delay is over, anyone with the password gets in; the unlock is audited.
    lock.until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert logged_in(post_login(stranger, "staff.a1", PASSWORD, "203.0.113.200"))
    (unlocked,) = audit_actions("login_unlocked")
    assert unlocked.changes["scope"] == "account" and unlocked.changes["reason"] == "expired"
    assert db.session.scalar(select(func.count()).select_from(LoginLock)) == 0


def test_the_trusted_proxy_also_tells_the_scheme_and_host(client: FlaskClient, proxied: Flask) -> None:
    headers = {
        "X-Forwarded-For": OWNER_IP,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "outreach.example",
    }
    behind = proxied.test_client().get("/login", headers=headers, environ_overrides={"REMOTE_ADDR": PROXY})
    assert "Strict-Transport-Security" in behind.headers  # the request is known to be HTTPS
    direct = client.get("/login", headers=headers)
    assert "Strict-Transport-Security" not in direct.headers  # nobody trusted: the headers are ignored


def test_locks_are_shared_by_every_worker(client: FlaskClient, world, proxied: Flask) -> None:
    """Two app instances on one database stand for two gunicorn workers: a lock made by one holds in the other."""
    for _ in range(5):
        post_login(client, "staff.a1", "wrong password", ATTACKER_IP)
    other_worker = proxied.test_client()
    assert not logged_in(post_login(other_worker, "staff.a1", PASSWORD, PROXY, forwarded=ATTACKER_IP))
    assert logged_in(post_login(other_worker, "staff.a1", PASSWORD, PROXY, forwarded=OWNER_IP))


def test_failures_older_than_the_window_are_pruned(client: FlaskClient, world, app: Flask) -> None:
    old = utcnow() - app.config["OUTREACH_LOGIN_WINDOW"] - timedelta(minutes=1)
    db.session.add_all([LoginAttempt(username=f"ghost{n}", ip=ATTACKER_IP, at=old) for n in range(200)])
    db.session.commit()
    post_login(client, "ghost", "wrong password", ATTACKER_IP)
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_backoff_doubles_up_to_its_cap(app: Flask) -> None:
    limits = users.LoginLimits.from_config(app.config)
    waits = [limits.backoff(limits.backoff_after + n).total_seconds() for n in range(10)]
    assert waits[:4] == [1, 2, 4, 8]
    assert max(waits) == limits.backoff_max.total_seconds()


def test_operator_unlocks_an_address_from_the_cli(client: FlaskClient, world, app: Flask, runner) -> None:
    for n in range(app.config["OUTREACH_LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        post_login(client, f"ghost{n}", "wrong password", ATTACKER_IP)
    assert not logged_in(post_login(client, "staff.a1", PASSWORD, ATTACKER_IP))
    result = runner.invoke(args=["users", "unlock", "--address", ATTACKER_IP])
    assert result.exit_code == 0, result.output
    assert "Unlocked address" in result.output
    assert logged_in(post_login(client, "staff.a1", PASSWORD, ATTACKER_IP))
    (entry,) = audit_actions("login_unlocked")
    assert entry.changes["reason"] == "operator" and entry.changes["address"] == ATTACKER_IP


# --------------------------------------------------------------------------- F7: NUL and control characters


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("staff\x00.a1", PASSWORD),
        ("staff.a1", "correct\x00horse"),
        ("staff\x01.a1", PASSWORD),
        ("\x00", "\x00"),
    ],
)
def test_control_characters_in_the_login_form_are_a_field_error(
    client: FlaskClient, world, username, password
):
    """F7: a NUL in the login username answered 500 on PostgreSQL, even unauthenticated."""
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 200
    assert "Karakter kontrol (seperti NUL) tidak diperbolehkan." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_nul_in_any_parameter_is_refused_naming_it(client: FlaskClient, world, app: Flask) -> None:
    assert client.get("/login?next=/activities/%00").status_code == 400
    assert (
        client.post(
            "/login", data={"username": "staff.a1", "password": PASSWORD, "next": "/\x00"}
        ).status_code
        == 400
    )
    login(client, "staff.a1")
    # a filter page names the NUL next to its filter (services.filters), the other filters still apply
    response = client.get("/activities/?q=pos%00ko")
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    # the activity form names the field itself (its input schema refuses control characters)
    assert client.post("/activities/new", data={"title": "Bakti\x00sosial"}).status_code == 422
    assert client.get("/reports/?pro%00gramme=1").status_code == 400
    raw = tokens.create_token(world.users["staff.a1"], "phone")[1]
    db.session.commit()
    api = app.test_client()
    response = api.get("/api/v1/activities?q=a%00b", headers=bearer(raw))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["q"]
    response = api.post(
        "/api/v1/activities", json={}, headers=bearer(raw) | {"Idempotency-Key": "key\x00one"}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]


# --------------------------------------------------------------------------- F9: Cache-Control


def test_api_answers_and_downloads_with_a_token_are_not_cached(client: FlaskClient, world) -> None:
    """F9: lists, activity details and PDFs fetched with a token carried no Cache-Control."""
    activity = factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    raw = tokens.create_token(world.users["admin"], "reporting")[1]
    db.session.commit()
    urls = [
        "/api/v1/activities",
        f"/api/v1/activities/{activity.id}",
        f"/api/v1/activities/{activity.id}/report.pdf",
        f"/api/v1/programmes/{world.programme.id}/report.pdf",
        "/api/v1/stats",
        "/api/v1/units",
        "/api/v1/activities/999999",  # an error answer too
    ]
    for url in urls:
        response = client.get(url, headers=bearer(raw))
        assert response.status_code in (200, 404), url
        assert response.headers.get("Cache-Control") == "no-store", url
        response.close()
    assert client.get("/api/v1/activities").headers.get("Cache-Control") == "no-store"  # 401
    assert client.get("/api/v1/openapi.json").headers.get("Cache-Control") == "no-store"


def test_static_files_may_still_be_cached(client: FlaskClient) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


# --------------------------------------------------------------------------- F10: password policy

WEAK = [
    "12345678",
    "password",
    "qwertyuiop",
    "1234567890",
    "password123",
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "tab\there-is-long",  # could never be typed into the login form, which refuses control characters
]


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passwords_are_refused_by_the_service(weak: str, world) -> None:
    with pytest.raises(Invalid):
        users.create_user("budi", weak, world.users["admin"].role, world.u("POLSEK-A1X"))
    assert users.password_problem(weak, "budi") is not None


def test_the_username_is_refused_inside_a_password(world) -> None:
    unit = world.u("POLSEK-A1X")
    for password in ("budi.santoso", "Budi.Santoso-2024"):
        with pytest.raises(Invalid):
            users.create_user("budi.santoso", password, world.users["admin"].role, unit)
    assert users.password_problem("staff.a1x", "staff.a1x") is not None
    assert users.password_problem("STAFF.A1X-rahasia", "staff.a1x") is not None
    assert users.password_problem("Hook-Check-12345-Panjang", "first.admin") is None
    assert users.password_problem("demo-outreach", "admin") is None  # the demo password stays valid


def test_weak_passwords_are_refused_on_the_password_page(client: FlaskClient, world) -> None:
    login(client, "staff.a1")
    for weak in ["12345678", "password", "staff.a1", "staff.a1-2024", "qwertyuiop"]:
        response = client.post(
            "/password", data={"current_password": PASSWORD, "new_password": weak, "confirm": weak}
        )
        assert response.status_code == 200, weak
        assert "is-invalid" in response.get_data(as_text=True), weak
    user = db.session.scalar(select(User).where(User.username == "staff.a1"))
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_weak_passwords_are_refused_on_the_admin_pages(client: FlaskClient, world) -> None:
    login(client, "admin")
    staff = world.users["staff.a1"]
    for weak in ["password", "qwertyuiop", "staff.a1"]:
        response = client.post(
            f"/admin/users/{staff.id}/edit",
            data={"role": "staff", "unit_id": staff.unit_id, "is_active": "y", "new_password": weak},
        )
        assert response.status_code == 200, weak
        response = client.post(
            "/admin/users/new",
            data={"username": "budi", "role": "staff", "unit_id": staff.unit_id, "password": weak},
        )
        assert response.status_code == 200, weak
    assert db.session.scalar(select(User).where(User.username == "budi")) is None


def test_weak_passwords_are_refused_by_the_cli(runner, world) -> None:
    for weak in ["12345678", "password", "qwertyuiop", "budi.santoso1"]:
        result = runner.invoke(
            args=["users", "create", "budi.santoso", "--role", "staff", "--password", weak]
        )
        assert result.exit_code != 0, weak
    for weak in ["12345678", "password", "qwertyuiop", "Staff.A1-sandi"]:
        result = runner.invoke(args=["users", "set-password", "staff.a1", "--password", weak])
        assert result.exit_code != 0, weak
    result = runner.invoke(
        args=["users", "create", "first.admin", "--role", "admin", "--password", "Hook-Check-12345-Panjang"]
    )
    assert result.exit_code == 0, result.output


def test_a_weak_existing_password_must_be_changed_at_the_next_login(client: FlaskClient, world) -> None:
    user = world.users["staff.a1"]
    user.password_hash = generate_password_hash(
        "qwertyuiop", method="pbkdf2:sha256:1000"
    )  # set before the policy
    db.session.commit()
    response = post_login(client, "staff.a1", "qwertyuiop", OWNER_IP)
    assert response.status_code == 302 and response.headers["Location"] == "/password"
    # Every page sends the user back to the change page until it is done.
    for url in ("/activities/", "/dashboard/", "/reports/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/password", url
    assert "alert-warning" in client.get("/password").get_data(as_text=True)
    response = client.post(
        "/password",
        data={
            "current_password": "qwertyuiop",
            "new_password": "kuda benar baterai",
            "confirm": "kuda benar baterai",
        },
    )
    assert response.status_code == 302
    assert client.get("/activities/").status_code == 200
    assert audit_actions("password_weak")


# --------------------------------------------------------------------------- Idempotency-Key and tokens


def _activity_body(world, **overrides: Any) -> dict[str, Any]:
    body = {
        "programme_id": world.programme.id,
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "date": "2023-11-30",
        "title": "Bakti sosial Cooling System",
        "leader": {"rank": "AKP", "name": "Lilik Widiastuti", "position": "Kasat Binmas"},
        "visits": [{"location_id": world.locations["POLSEK-A1X"].id, "parcels": 10, "beneficiaries": 25}],
    }
    return body | overrides


def test_an_idempotency_key_reused_with_another_body_is_refused(client: FlaskClient, world) -> None:
    raw = tokens.create_token(world.users["staff.a1x"], "phone")[1]
    db.session.commit()
    headers = bearer(raw) | {"Idempotency-Key": "phone-42"}
    first = client.post("/api/v1/activities", json=_activity_body(world), headers=headers)
    assert first.status_code == 201, first.get_json()
    other = client.post(
        "/api/v1/activities", json=_activity_body(world, title="Another activity"), headers=headers
    )
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    # The same body, keys in another order, still replays the first result.
    reordered = dict(reversed(list(_activity_body(world).items())))
    again = client.post("/api/v1/activities", json=reordered, headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_password_reset_revokes_the_users_tokens_and_lists_them(client: FlaskClient, world, app) -> None:
    staff = world.users["staff.a1"]
    raw_phone = tokens.create_token(staff, "phone")[1]
    raw_laptop = tokens.create_token(staff, "laptop")[1]
    db.session.commit()
    api = app.test_client()
    assert api.get("/api/v1/units", headers=bearer(raw_phone)).status_code == 200
    login(client, "admin")
    response = client.post(
        f"/admin/users/{staff.id}/edit",
        data={
            "role": "staff",
            "unit_id": staff.unit_id,
            "is_active": "y",
            "new_password": "kuda benar baterai",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert raw_phone[:12] in page and raw_laptop[:12] in page and "phone" in page and "laptop" in page
    for raw in (raw_phone, raw_laptop):
        assert api.get("/api/v1/units", headers=bearer(raw)).status_code == 401
    revokes = audit_actions("revoke")
    assert len(revokes) == 2 and all(e.comment == "password reset" for e in revokes)


def test_a_cli_reset_revokes_tokens_and_an_own_change_keeps_them(client: FlaskClient, world, runner) -> None:
    staff = world.users["staff.a1"]
    raw = tokens.create_token(staff, "phone")[1]
    db.session.commit()
    login(client, "staff.a1")
    client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "kuda benar baterai",
            "confirm": "kuda benar baterai",
        },
    )
    assert client.get("/api/v1/units", headers=bearer(raw)).status_code == 200  # the owner's own change
    result = runner.invoke(args=["users", "set-password", "staff.a1", "--password", "kata sandi rahasia"])
    assert result.exit_code == 0, result.output
    assert f"Revoked API token {raw[:12]}" in result.output
    assert client.get("/api/v1/units", headers=bearer(raw)).status_code == 401
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == staff.id)) is not None
