"""Login, logout, sessions, throttling and the safe-next rule."""

import pytest

from outreach.extensions import db
from outreach.models import AuditEntry, User
from outreach.security import is_safe_next
from outreach.services import users
from tests.conftest import login


def test_login_and_generic_failure_message(client, world):
    wrong = client.post("/login", data={"username": "staff.a1", "password": "nope nope"})
    unknown = client.post("/login", data={"username": "ghost", "password": "nope nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert (
        wrong.get_data(as_text=True).count("alert-danger")
        == unknown.get_data(as_text=True).count("alert-danger")
        == 1
    )
    ok = login(client, "staff.a1")
    assert ok.status_code == 302
    assert client.get("/activities/").status_code == 200


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/activities/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/activities/", True),
        ("//evil.example", False),
        ("https://evil.example/", False),
        ("/\\evil", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_login_follows_only_safe_next(client, world):
    response = client.post(
        "/login",
        data={"username": "staff.a1", "password": "correct horse battery", "next": "https://evil.example/"},
    )
    assert response.headers["Location"].startswith("/")
    client.post("/logout")
    response = client.post(
        "/login",
        data={"username": "staff.a1", "password": "correct horse battery", "next": "/activities/?q=x"},
    )
    assert response.headers["Location"] == "/activities/?q=x"


def test_throttling_after_repeated_failures(client, world, app):
    for _ in range(app.config["OUTREACH_LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "staff.a1", "password": "wrong password"})
    # Even the right password is refused now, with the same generic message.
    assert login(client, "staff.a1").status_code == 200
    assert db.session.query(AuditEntry).filter_by(action="login_throttled").count() == 1


def test_logout_kills_the_copied_cookie(client, world, app):
    login(client, "staff.a1")
    cookie = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/activities/").status_code == 302


def test_password_change_and_deactivation_end_sessions(client, world, app):
    login(client, "staff.a1")
    other = app.test_client()
    login(other, "staff.a1")
    response = client.post(
        "/password",
        data={
            "current_password": "correct horse battery",
            "new_password": "kuda benar baterai",
            "confirm": "kuda benar baterai",
        },
    )
    assert response.status_code == 302
    assert client.get("/activities/").status_code == 200  # this session continues
    assert other.get("/activities/").status_code == 302  # the other one is gone
    user = db.session.query(User).filter_by(username="staff.a1").one()
    users.set_active(user, False, actor=None)
    db.session.commit()
    assert client.get("/activities/").status_code == 302


def test_session_cookie_flags(client, world):
    response = login(client, "staff.a1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_switch(client, world):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert "outreach_lang=en" in response.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)
    assert 'lang="id"' in app_default(client)


def app_default(client):
    client.delete_cookie("outreach_lang")
    return client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
