"""T8/T14: security headers on every kind of response, error pages, production cookie and size settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.security.conftest import SecWorld
from tests.support.app import build_app
from tests.support.security import check_headers

HTML_PAGES = ["/activities/", "/dashboard/", "/reports/", "/admin/", "/login", "/nope-404"]


@pytest.mark.parametrize("role", ["anonymous", "staff", "pr", "admin"])
def test_headers_on_pages_and_errors(sec: SecWorld, role: str) -> None:
    client = sec.clients[role]
    authenticated = role != "anonymous"
    own = sec.ids_for(role)["activity_id"][0]
    for url in [*HTML_PAGES, f"/activities/{own}", "/activities/999999"]:
        response = client.get(url)
        check_headers(response, authenticated=authenticated)
    # 405
    response = client.delete("/activities/")
    assert response.status_code == 405
    check_headers(response, authenticated=authenticated)


def test_downloads_are_not_cached(sec: SecWorld) -> None:
    pr = sec.clients["pr"]
    own = sec.ids_for("pr")
    for url in (
        f"/activities/{own['activity_id'][0]}/photos/{own['photo_id'][0]}",
        "/reports/export/activities.csv",
        f"/reports/activities/{own['activity_id'][0]}/report.pdf",
    ):
        response = pr.get(url)
        assert response.status_code == 200, url
        check_headers(response, authenticated=True)
        assert response.headers.get("Content-Disposition") or url.count("/photos/"), url
        response.close()


def test_hsts_only_over_https(sec: SecWorld) -> None:
    client = sec.app.test_client()
    plain = client.get("/login")
    secure = client.get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" not in plain.headers
    hsts = secure.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000


def test_source_and_dotfiles_are_not_served(sec: SecWorld) -> None:
    client = sec.clients["admin"]
    for url in (
        "/.git/HEAD",
        "/static/../outreach/__init__.py",
        "/static/..%2f__init__.py",
        "/static/%2e%2e/config.py",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"create_app" not in response.data
    assert client.open("/activities/", method="TRACE").status_code == 405


@pytest.fixture(scope="module")
def crashing_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = build_app(tmp_path_factory.mktemp("crash"), PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("SELECT secret FROM users WHERE password = 'hunter2'")

    @app.route("/api/v1/boom-test")
    def api_boom() -> str:
        raise RuntimeError("SELECT secret FROM users")

    return app


def test_500_page_shows_an_incident_id_and_nothing_else(crashing_app: Flask) -> None:
    client = crashing_app.test_client()
    with crashing_app.app_context():
        response = client.get("/boom")
        api = client.get("/api/v1/boom-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", html)
    for leak in ("Traceback", "RuntimeError", "SELECT", "hunter2", ".py", "/work/", "site-packages"):
        assert leak not in html, leak
    check_headers(response, authenticated=False)
    assert api.status_code == 500
    assert api.is_json
    assert "SELECT" not in api.get_data(as_text=True)


def test_production_cookie_flags_and_host_prefix(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OUTREACH_SESSION_COOKIE_SECURE", "1")
    app = build_app(tmp_path, TESTING=False)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert not app.debug
    assert not app.testing
    with app.app_context():
        from outreach.extensions import db
        from outreach.services.catalogues import seed_catalogues
        from tests import factories

        seed_catalogues()
        factories.build_world()
        db.session.commit()
        client = app.test_client()
        response = client.post(
            "/login",
            data={"username": "staff.a1x", "password": factories.PASSWORD},
            base_url="https://localhost",
        )
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-session="))
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "path"} <= flags
        assert "domain" not in flags
        assert "samesite=lax" in cookie.lower()
        assert client.get("/activities/", base_url="https://localhost").status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_too_large_post_is_413_not_500(sec: SecWorld) -> None:
    client = sec.clients["staff"]
    limit = sec.app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/activities/new", data=b"x" * (limit + 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    check_headers(response, authenticated=True)
    assert "charset=utf-8" in response.headers["Content-Type"].lower()
