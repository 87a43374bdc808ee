"""Helpers of the background-job tests (issue 17): activities to export, a real worker process, CSV reading."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from outreach import jobs
from outreach.extensions import db
from outreach.models import ExportJob
from outreach.services import activities as svc
from tests import factories

REDIS_URL = os.environ.get("OUTREACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
REPO = Path(__file__).resolve().parents[2]


def activities(world: factories.World, per_unit: int = 3) -> None:
    """``per_unit`` submitted activities of two visits in each Polsek of POLRES-A1, one in POLRES-B1's, one draft."""
    for code, author in (("POLSEK-A1X", "staff.a1x"), ("POLSEK-A1Y", "staff.a1y")):
        staff = world.users[author]
        for _i in range(per_unit):
            loc = world.locations[code]
            second = factories.make_location(f"Balai {code} {_i}", "masjid", unit=world.u(code))
            activity = factories.make_activity(staff, world.programme, world.u(code), [loc, second])
            svc.submit_activity(staff, activity)
    b = world.users["staff.b1"]
    activity = factories.make_activity(
        b, world.programme, world.u("POLRES-B1"), [world.locations["POLSEK-B1X"]]
    )
    svc.submit_activity(b, activity)
    factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )  # a draft: not counted, not exported
    db.session.commit()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def use_queue(app: Flask, **config: Any) -> None:
    """Rebuild ``app``'s queue with ``config`` on top (e.g. the embedded SQLite queue instead of immediate)."""
    app.config.update({"OUTREACH_JOBS_IMMEDIATE": False, **config})
    jobs.init_app(app)


def write_instance_config(app: Flask, folder: Path) -> Path:
    """An instance folder whose config.py gives a worker process the test app's database, queue and folders."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = (
        "SQLALCHEMY_DATABASE_URI", "OUTREACH_JOBS_DB", "OUTREACH_EXPORT_DIR", "OUTREACH_REDIS_URL",
        "OUTREACH_JOBS_NAME",
        "OUTREACH_EXPORT_JOB_HEARTBEAT_SECONDS", "OUTREACH_EXPORT_JOB_STALL_SECONDS", "OUTREACH_EXPORT_JOB_ATTEMPTS",
        "OUTREACH_EXPORT_JOB_THROTTLE_SECONDS", "OUTREACH_SQLITE_SYNCHRONOUS",
    )  # fmt: skip
    lines = ['SECRET_KEY = "test-worker"'] + [f"{k} = {app.config[k]!r}" for k in keys]
    (folder / "config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


class Worker:
    """``flask --app outreach worker`` in a process of its own (its own process group, to kill it whole)."""

    def __init__(self, instance: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OUTREACH_")}
        env["OUTREACH_INSTANCE_PATH"] = str(instance)
        self.log = instance / "worker.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "flask", "--app", "outreach", "worker", *args],
            cwd=REPO,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, as on an OOM kill or a lost host."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for(
    job_id: str, done: Callable[[ExportJob], bool], timeout: float = 90.0
) -> tuple[ExportJob, list[int]]:
    """Poll the job (fresh from the database) until ``done(job)``; answer it and the progress values seen."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a fresh snapshot
        job = db.session.get(ExportJob, job_id, populate_existing=True)
        assert job is not None
        if not seen or seen[-1] != job.progress:
            seen.append(job.progress)
        if done(job):
            return job, seen
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.status} at {job.progress}%")
        time.sleep(0.1)
