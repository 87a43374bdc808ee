"""The factory and its configuration."""

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from outreach import create_app
from outreach.extensions import db
from tests.support.app import PG_URL, make_app

#: a PostgreSQL URL nothing listens on: building its engine opens no connection
NOWHERE = "postgresql+psycopg://outreach@127.0.0.1:9/outreach"
POOL_ENV = {
    "OUTREACH_DB_POOL_SIZE": "3",
    "OUTREACH_DB_MAX_OVERFLOW": "4",
    "OUTREACH_DB_POOL_TIMEOUT_S": "7",
    "OUTREACH_DB_POOL_RECYCLE_S": "600",
}


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


def _production_app(tmp_path, monkeypatch, database_url, **env):
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "s")
    monkeypatch.setenv("OUTREACH_DATABASE_URL", database_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app()


def test_pool_settings_from_the_environment_shape_the_postgresql_pool(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch, NOWHERE, **POOL_ENV)
    with app.app_context():
        pool = db.engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 3
        assert pool._max_overflow == 4
        assert pool._timeout == 7
        assert pool._recycle == 600
        assert pool._pre_ping is True
        db.engine.dispose()
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]  # no statement timeout by default


def test_the_default_pool_is_sqlalchemys_with_pre_ping(tmp_path, monkeypatch):
    app = _production_app(tmp_path, monkeypatch, NOWHERE)
    with app.app_context():
        pool = db.engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle) == (5, 10, 30, -1)
        assert pool._pre_ping is True
        db.engine.dispose()


def test_engine_options_in_the_instance_config_win(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 2, "pool_pre_ping": False}\n'
    )
    app = _production_app(tmp_path, monkeypatch, NOWHERE, **POOL_ENV)
    with app.app_context():
        pool = db.engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow, pool._pre_ping) == (2, 4, False)
        db.engine.dispose()


def test_pool_settings_leave_sqlite_alone(tmp_path, monkeypatch):
    app = _production_app(
        tmp_path,
        monkeypatch,
        f"sqlite:///{tmp_path / 'outreach.db'}",
        OUTREACH_DB_STATEMENT_TIMEOUT_MS="50",
        **POOL_ENV,
    )
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {}
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


def test_a_pool_size_below_one_is_a_clear_startup_error(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="OUTREACH_DB_POOL_SIZE"):
        _production_app(tmp_path, monkeypatch, NOWHERE, OUTREACH_DB_POOL_SIZE="0")
    with pytest.raises(RuntimeError, match="whole number"):
        _production_app(tmp_path, monkeypatch, NOWHERE, OUTREACH_DB_MAX_OVERFLOW="ten")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (OUTREACH_TEST_DATABASE_URL)")
def test_the_statement_timeout_reaches_postgresql(tmp_path):
    # The URL's own options (here a search path) are kept beside the timeout.
    url = make_url(PG_URL).update_query_dict({"options": "-csearch_path=knobs_elsewhere"})
    app = make_app(tmp_path, url.render_as_string(hide_password=False), OUTREACH_DB_STATEMENT_TIMEOUT_MS=200)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
            assert conn.execute(text("SHOW search_path")).scalar() == "knobs_elsewhere"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(2)"))
        db.engine.dispose()
    off = make_app(tmp_path, PG_URL)
    with off.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
        db.engine.dispose()


def test_the_upload_folder_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("OUTREACH_UPLOAD_DIR", raising=False)
    default = _production_app(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'outreach.db'}")
    assert default.config["OUTREACH_UPLOAD_DIR"] == str(tmp_path / "uploads")
    (tmp_path / "config.py").write_text(f"OUTREACH_UPLOAD_DIR = {str(tmp_path / 'from-instance')!r}\n")
    instance = _production_app(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'outreach.db'}")
    assert instance.config["OUTREACH_UPLOAD_DIR"] == str(tmp_path / "from-instance")
    shared = tmp_path / "nfs" / "uploads"
    app = _production_app(
        tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'outreach.db'}", OUTREACH_UPLOAD_DIR=str(shared)
    )
    assert app.config["OUTREACH_UPLOAD_DIR"] == str(shared)  # the environment beats the instance config
    shared.mkdir(parents=True)
    with app.test_client() as client:
        assert client.get("/readyz").get_json()["checks"]["uploads"] == "ok"
