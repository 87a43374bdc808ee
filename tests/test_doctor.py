"""`flask --app outreach doctor`: a healthy deployment passes; each thing a deployment gets wrong is named with
its fix and makes the command exit 1."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import update

from outreach import create_app
from outreach.extensions import db
from outreach.models import ActivityKind, Role, User
from outreach.services import doctor
from tests.conftest import base_config
from tests.empty_db import empty_database

GOOD_KEY = "a" * 64


@pytest.fixture
def deployment(tmp_path: Path):
    """An upgraded database with a root unit, an admin and yesterday's backup; HTTPS configured."""
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "outreach-yesterday.tar.gz").write_bytes(b"x")
    with empty_database(tmp_path, "doctor") as url:
        config = base_config(tmp_path, url) | {
            "SECRET_KEY": GOOD_KEY,
            "SESSION_COOKIE_SECURE": True,
            "PREFERRED_URL_SCHEME": "https",
            "OUTREACH_BACKUP_DIR": str(backups),
            "OUTREACH_SQLITE_SYNCHRONOUS": "FULL",
        }
        app = create_app(config)
        with app.app_context():
            upgrade()
        runner = app.test_cli_runner()
        assert runner.invoke(
            args=["units", "create", "MABES-POLRI", "--name", "Mabes Polri", "--level", "mabes"]
        )
        created = runner.invoke(
            args=["users", "create", "kepala", "--role", "admin", "--password", "Doctor-Check-Panjang-7"]
        )
        assert created.exit_code == 0, created.output
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _doctor(app, *args: str):
    return app.test_cli_runner().invoke(args=["doctor", *args])


def test_a_healthy_deployment_passes(deployment):
    result = _doctor(deployment)
    assert result.exit_code == 0, result.output
    assert "0 problem(s), 0 warning(s)" in result.output
    assert "[FAIL]" not in result.output


def test_each_problem_is_reported_with_its_fix(deployment, tmp_path):
    deployment.config["SECRET_KEY"] = "change-me-to-a-long-random-string"
    deployment.config["SESSION_COOKIE_SECURE"] = False
    deployment.config["OUTREACH_UPLOAD_DIR"] = str(tmp_path / "readonly" / "uploads")
    (tmp_path / "readonly").mkdir(mode=0o500)
    old = time.time() - 30 * 86400
    os.utime(tmp_path / "backups" / "outreach-yesterday.tar.gz", (old, old))
    with deployment.app_context():
        db.session.execute(update(User).values(role=Role.STAFF))
        db.session.execute(update(ActivityKind).values(is_active=False))
        db.session.commit()
    result = _doctor(deployment)
    assert result.exit_code == 1
    out = result.output
    assert "[FAIL] secret key" in out and "OUTREACH_SECRET_KEY" in out
    assert "[FAIL] HTTPS cookies" in out and "OUTREACH_SESSION_COOKIE_SECURE=1" in out
    assert "[FAIL] catalogues: no active entries in: activity kinds" in out
    assert "[FAIL] units and administrator: no active administrator" in out
    assert "users create NAME --role admin" in out
    assert "[FAIL] backups: the newest backup, outreach-yesterday.tar.gz, is 30 days old" in out
    if os.geteuid() != 0:  # root writes anywhere
        assert "[FAIL] upload folder" in out
    assert "[OK  ] database schema" in out
    # A wider backup window accepts the old archive.
    assert "[OK  ] backups" in _doctor(deployment, "--backup-days", "40").output
    os.chmod(tmp_path / "readonly", 0o700)


def test_migrations_behind_and_missing_tables(deployment):
    with deployment.app_context():
        db.session.remove()
        downgrade(revision="0004")
    behind = _doctor(deployment)
    assert behind.exit_code == 1
    assert "[FAIL] database schema: at revision 0004" in behind.output
    assert "db upgrade" in behind.output
    with deployment.app_context():
        db.session.remove()
        downgrade(revision="base")
    empty = _doctor(deployment)
    assert empty.exit_code == 1
    assert "at revision none (empty database)" in empty.output
    assert "[FAIL] catalogues: cannot be read" in empty.output


def test_no_units_and_no_backup_folder(tmp_path):
    with empty_database(tmp_path, "doctor_bare") as url:
        app = create_app(base_config(tmp_path, url) | {"SECRET_KEY": GOOD_KEY})
        with app.app_context():
            upgrade()
            findings = {f.title: f for f in doctor.run_checks(app)}
            assert findings["units and administrator"].status == "fail"
            assert "units load-polri" in findings["units and administrator"].fix
            assert findings["backups"].status == "fail"
            assert "OUTREACH_BACKUP_DIR" in findings["backups"].detail
            assert findings["catalogues"].status == "ok"  # installed by the upgrade
            assert findings["HTTPS cookies"].status == "warn"
            db.session.remove()
            db.engine.dispose()


def test_secret_key_and_https_rules():
    assert doctor.check_secret_key(None).status == "fail"
    assert doctor.check_secret_key("dev-only-not-secret").status == "fail"
    assert doctor.check_secret_key("short-but-private").status == "fail"
    assert doctor.check_secret_key(GOOD_KEY).status == "ok"
    https = {"PREFERRED_URL_SCHEME": "https"}
    assert doctor.check_https(https | {"SESSION_COOKIE_SECURE": False}).status == "fail"
    assert doctor.check_https(https | {"SESSION_COOKIE_SECURE": True}).status == "ok"
    assert doctor.check_https({"SESSION_COOKIE_SECURE": True}).status == "warn"
    assert doctor.check_https({}).status == "warn"


@pytest.mark.skipif(bool(os.environ.get("OUTREACH_TEST_DATABASE_URL")), reason="SQLite only")
@pytest.mark.parametrize(
    ("uri", "synchronous", "status", "words"),
    [
        ("file", "FULL", "ok", "WAL mode, synchronous FULL"),
        ("file", "OFF", "warn", "below FULL"),
        ("memory", "FULL", "fail", "'memory'"),
    ],
)
def test_sqlite_journal_mode_is_checked(tmp_path, uri, synchronous, status, words):
    url = f"sqlite:///{tmp_path / 'j.db'}" if uri == "file" else "sqlite://"
    app = create_app(base_config(tmp_path, url) | {"OUTREACH_SQLITE_SYNCHRONOUS": synchronous})
    with app.app_context():
        finding = doctor.check_journal_mode(app.config)
        db.engine.dispose()
    assert finding.status == status
    assert words in finding.detail
