"""README's deployment steps, run as the operator runs them: scripts/first-run.sh against an empty database
(SQLite, or PostgreSQL with OUTREACH_TEST_DATABASE_URL) and a real gunicorn, down to a bakti sosial posted
through the API with the catalogue codes the upgrade installed (no demo data anywhere)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outreach import create_app
from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, ApiToken, Role, Unit, UnitLevel, User
from outreach.services import rollups
from tests.conftest import base_config
from tests.empty_db import empty_database
from tests.reliability.server import Server

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "first-run.sh"
FLASK = Path(sys.executable).with_name("flask")


@pytest.mark.slow
def test_first_run_script_reaches_the_first_activity(tmp_path: Path) -> None:
    with empty_database(tmp_path, "first_run") as url:
        server = Server(tmp_path / "server", url, workers=1, extra_config={"SECRET_KEY": "k" * 64})
        server.start()
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
            env |= {
                "OUTREACH_INSTANCE_PATH": str(server.instance),
                "FLASK": str(FLASK),
                "ADMIN": "kepala",
                "ADMIN_PASSWORD": "Polres-Blora-Sigap-2025",
                "OUTREACH_URL": f"http://127.0.0.1:{server.port}",
            }
            done = subprocess.run(  # noqa: S603 - our own script
                ["sh", str(SCRIPT)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        finally:
            server.stop()
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:] + server.log()[-2000:]
        activity_id = int(re.search(r"Activity (\d+) recorded", done.stdout)[1])  # type: ignore[index]

        app = create_app(base_config(tmp_path, url))
        with app.app_context():
            count = lambda level: db.session.scalar(select(func.count(Unit.id)).where(Unit.level == level))  # noqa: E731
            assert count(UnitLevel.POLDA) >= 34
            assert count(UnitLevel.POLRES) >= 400
            blora = db.session.scalar(select(Unit).where(Unit.code == "POLRES-BLORA"))
            assert blora.parent.code == "POLDA-JATENG"
            assert blora.region_code == "33.16"
            admin = db.session.scalar(select(User).where(User.username == "kepala"))
            assert (admin.role, admin.unit.code) == (Role.ADMIN, "MABES-POLRI")
            assert db.session.scalar(select(func.count(ApiToken.id))) == 1
            activity = db.session.get(Activity, activity_id)
            assert activity.kind.code == "bakti_sosial"
            assert activity.unit.code == "POLRES-BLORA"
            assert activity.status is ActivityStatus.DRAFT
            visit = activity.visits[0]
            assert (visit.parcel_count, visit.beneficiary_count, visit.location.kind.code) == (
                10,
                40,
                "pondok_pesantren",
            )
            assert visit.items[0].item_kind.code == "beras"
            assert sorted(m.message.code for m in activity.messages if m.message) == [
                "jaga_persatuan",
                "tolak_hoaks",
            ]
            with db.engine.connect() as conn:
                assert rollups.check(conn).ok
            db.session.remove()
            db.engine.dispose()


def test_readme_shows_the_script_steps() -> None:
    """README's deployment section names every command the script runs, so the two cannot drift apart."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Deploying on PostgreSQL with gunicorn", 1)[1].split("\n## ", 1)[0]
    assert "scripts/first-run.sh" in section
    commands = re.findall(r"\$FLASK --app outreach ([a-z-]+ [a-z-]+)", SCRIPT.read_text(encoding="utf-8"))
    assert commands == ["db upgrade", "units load-polri", "users create", "users create", "tokens create"]
    for command in commands:
        assert f"flask --app outreach {command}" in section, command
