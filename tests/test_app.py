"""The factory and its configuration."""

import pytest
from sqlalchemy import text

from outreach import create_app
from outreach.extensions import db


def test_overrides_and_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SECRET_KEY = "from-instance"\nOUTREACH_PAGE_SIZE = 7\n')
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("OUTREACH_SECRET_KEY", raising=False)
    monkeypatch.delenv("OUTREACH_DATABASE_URL", raising=False)
    app = create_app({"OUTREACH_PAGE_SIZE": 9})
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["OUTREACH_PAGE_SIZE"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'outreach.db'}"


def test_environment_beats_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('SECRET_KEY = "from-instance"\n')
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "from-env")
    monkeypatch.setenv("OUTREACH_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")


def test_missing_secret_key_is_a_clear_startup_error(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("OUTREACH_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="OUTREACH_SECRET_KEY"):
        create_app()
    assert create_app({"TESTING": True}).config["SECRET_KEY"]


def test_production_defaults_are_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "s")
    app = create_app()
    assert app.config["MAX_CONTENT_LENGTH"] and app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024 * 1024
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600
    assert not app.debug
    assert app.config["OUTREACH_PASSWORD_METHOD"] == "scrypt"


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "charset=utf-8" in response.headers["Content-Type"]
    missing = client.get("/does-not-exist")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers


def test_no_asset_comes_from_outside(client):
    html = client.get("/login").get_data(as_text=True)
    assert "/bootstrap/static/" in html
    assert "cdn" not in html.lower()
    with client.get(html.split('href="')[1].split('"')[0]) as css:
        assert css.status_code == 200
