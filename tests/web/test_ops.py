"""Issue 18: /healthz, /readyz, /metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from outreach import create_app, logs, metrics
from outreach.extensions import db
from outreach.ops import health
from outreach.services import activities as svc
from outreach.services import tokens
from tests import factories
from tests.conftest import PG_URL, base_config

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stamp(app: Flask, revisions: set[str] | frozenset[str]) -> None:
    """Record ``revisions`` as applied, as ``flask db upgrade`` would (the test schema is built without it)."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("DELETE FROM alembic_version"))
        for rev in revisions:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": rev})


@pytest.fixture
def stamped(app: Flask) -> Any:
    _stamp(app, health.migration_heads(app))
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


# ------------------------------------------------------------------------------------------------ health


def test_healthz_answers_json_without_login_or_database(app: Flask, client: FlaskClient) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert statements == []


def test_readyz_is_ready_at_head(app: Flask, client: FlaskClient, stamped: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "uploads": "ok", "queue": "not_configured"},
    }
    assert os.access(app.config["OUTREACH_UPLOAD_DIR"], os.W_OK)


def test_readyz_fails_when_a_migration_is_missing(app: Flask, client: FlaskClient, stamped: None) -> None:
    heads = health.migration_heads(app)
    assert heads == {sorted(p.name for p in Path("migrations/versions").glob("[0-9]*.py"))[-1][:4]}
    _stamp(app, {"0001"})  # the database stopped at the first migration
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "fail"
    assert response.get_json()["checks"]["migrations"] == "behind"
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # never migrated at all
    assert client.get("/readyz").get_json()["checks"]["migrations"] == "missing"


def test_readyz_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    uri = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"
    app = create_app(base_config(tmp_path, uri))
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == "unreachable"
    assert "127.0.0.1" not in response.get_data(as_text=True)  # reasons are codes, never exception text


def test_readyz_runs_registered_checks(app: Flask, client: FlaskClient, stamped: None) -> None:
    health.register_check(app, "queue", lambda: "unreachable")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"] == "unreachable"
    health.register_check(app, "queue", lambda: None)
    assert client.get("/readyz").get_json()["checks"]["queue"] == "ok"


def test_readyz_fails_when_uploads_cannot_be_written(
    app: Flask, client: FlaskClient, stamped: None, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["OUTREACH_UPLOAD_DIR"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["uploads"] == "missing"
    if os.geteuid() != 0:  # root may write anywhere
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        app.config["OUTREACH_UPLOAD_DIR"] = str(folder)
        try:
            assert client.get("/readyz").get_json()["checks"]["uploads"] == "not_writable"
        finally:
            folder.chmod(0o700)


# ------------------------------------------------------------------------------------------------ metrics


def _metric(body: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text (0 when absent)."""
    for line in body.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        sample, _, label_text = head.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if sample == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


def test_metrics_refuses_anonymous_and_non_admins(world: factories.World, client: FlaskClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"outreach_" not in response.data
    _token, raw = tokens.create_token(world.users["commander.a1"])
    db.session.commit()
    assert client.get("/metrics", headers={"Authorization": f"Bearer {raw}"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer otk_wrong"}).status_code == 401


def test_metrics_answers_an_admin_token_with_prometheus_text(
    world: factories.World, client: FlaskClient
) -> None:
    _token, raw = tokens.create_token(world.users["admin"])
    db.session.commit()
    auth = {"Authorization": f"Bearer {raw}"}
    before = client.get("/metrics", headers=auth).get_data(as_text=True)
    client.get("/healthz")
    client.get("/healthz")
    client.post("/login", data={"username": "staff.a1", "password": "wrong"})
    staff = world.users["staff.a1"]
    activity = factories.make_activity(
        staff, world.programme, world.u("POLRES-A1"), [world.locations["POLSEK-A1X"]]
    )
    db.session.commit()
    svc.submit_activity(staff, activity)
    db.session.rollback()  # a rolled-back submission is not counted
    response = client.get("/metrics", headers=auth)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    after = response.get_data(as_text=True)
    assert after.startswith("# HELP")

    def delta(name: str, **labels: str) -> float:
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert delta("outreach_http_requests_total", endpoint="ops.healthz", method="GET", status="200") == 2
    assert delta("outreach_http_request_duration_seconds_count", endpoint="ops.healthz", status="200") == 2
    assert delta("outreach_login_failures_total") == 1
    assert delta("outreach_activity_events_total", event="created") == 1
    assert delta("outreach_activity_events_total", event="submitted") == 0
    for family in ("outreach_download_bytes", "outreach_job_duration_seconds", "outreach_job_queue_depth"):
        assert f"# TYPE {family}" in after


def test_metrics_from_an_allowed_address(app: Flask, client: FlaskClient) -> None:
    app.config["OUTREACH_METRICS_ALLOW"] = "10.0.0.0/8, 127.0.0.1"
    assert client.get("/metrics").status_code == 200
    app.config["OUTREACH_METRICS_ALLOW"] = "10.0.0.0/8"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    app.config["OUTREACH_METRICS_ALLOW"] = "not-an-address"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 401


def test_job_hooks_are_exported() -> None:
    metrics.observe_job("export_xlsx", 1.5, "ok")
    metrics.set_queue_depth("default", 7)
    body, _content_type = metrics.render()
    text_body = body.decode()
    assert _metric(text_body, "outreach_job_queue_depth", queue="default") == 7
    assert _metric(text_body, "outreach_job_duration_seconds_count", job="export_xlsx", outcome="ok") >= 1


def test_multiprocess_mode_sums_the_workers(tmp_path: Path) -> None:
    """Under gunicorn (PROMETHEUS_MULTIPROC_DIR) each worker writes its values to files that /metrics sums."""
    import subprocess
    import sys

    script = "from prometheus_client import Counter\nc = Counter('outreach_probe', 'probe')\nc.inc(3)\n"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", "from outreach import metrics; print(metrics.render()[0].decode())"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert _metric(out, "outreach_probe_total") == 6


# ------------------------------------------------------------------------------------------------ logs


def test_every_response_carries_a_request_id(client: FlaskClient, app: Flask) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert UUID.fullmatch(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    # No trusted proxy (the default): a client's header is not believed.
    assert client.get("/healthz", headers={"X-Request-ID": "abcdef123456"}).headers["X-Request-ID"] != (
        "abcdef123456"
    )
    app.config["OUTREACH_TRUSTED_PROXIES"] = 1
    assert client.get("/healthz", headers={"X-Request-ID": "abcdef123456"}).headers["X-Request-ID"] == (
        "abcdef123456"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": "x fake <log> line"}).headers["X-Request-ID"]
    assert UUID.fullmatch(forged)


@pytest.fixture
def json_app(tmp_path: Path, _schema: str) -> Any:
    from tests.conftest import _fresh_uri

    app = create_app({**base_config(tmp_path, _fresh_uri(_schema, tmp_path)), "OUTREACH_LOG_FORMAT": "json"})
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom() -> str:
        app.logger.warning("about to fail")
        raise RuntimeError("kaboom")

    yield app
    logs.uninstall()
    with app.app_context():
        db.engine.dispose()


def test_json_logs_one_object_per_line_with_the_request_id(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_app.test_client()
    capsys.readouterr()
    with json_app.app_context():
        response = client.get("/boom")
    err = capsys.readouterr().err
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)  # the error page's incident code ("kode kejadian")
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) >= 3  # the warning, the incident with its traceback, the access line
    records = [json.loads(line) for line in lines]
    for record in records:
        assert record["request_id"] == request_id
        assert {"time", "level", "message", "user_id", "endpoint"} <= record.keys()
    incident = next(r for r in records if r["level"] == "ERROR")
    assert "kaboom" in incident["exception"]
    access = records[-1]
    assert access["logger"] == "outreach.access"
    assert access["status"] == 500
    assert access["endpoint"] == "boom"
    assert isinstance(access["duration_ms"], float)


def test_json_access_line_names_the_user(json_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    with json_app.app_context():
        from outreach.services.catalogues import seed_catalogues

        seed_catalogues()
        world = factories.build_world()
        db.session.commit()
        client = json_app.test_client()
        client.post("/login", data={"username": "pr.a1", "password": factories.PASSWORD})
        capsys.readouterr()
        client.get("/activities/")
        db.session.remove()
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    access = [r for r in records if r["logger"] == "outreach.access"]
    assert access and access[-1]["user_id"] == world.users["pr.a1"].id
    assert access[-1]["status"] == 200


def test_plain_text_stays_the_default(
    app: Flask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client.get("/healthz")
    assert "{" not in capsys.readouterr().err
    assert app.config["OUTREACH_LOG_FORMAT"] == "text"


@pytest.mark.skipif(bool(PG_URL), reason="the environment, not the database, is under test")
def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from outreach.config import from_environment

    found = from_environment(
        {
            "OUTREACH_LOG_FORMAT": "json",
            "OUTREACH_METRICS_ALLOW": "10.0.0.0/8",
            "OUTREACH_RETENTION_MONTHS": "24",
        }
    )
    assert found == {
        "OUTREACH_LOG_FORMAT": "json",
        "OUTREACH_METRICS_ALLOW": "10.0.0.0/8",
        "OUTREACH_RETENTION_MONTHS": 24,
    }
    with pytest.raises(RuntimeError, match="OUTREACH_RETENTION_MONTHS"):
        from_environment({"OUTREACH_RETENTION_MONTHS": "two years"})
