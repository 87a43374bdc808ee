"""A job whose queue message was lost (a Redis restart without persistence, a flushed queue) does not stay
``queued`` for good: the reaper queues it again after ``OUTREACH_EXPORT_QUEUED_TIMEOUT_S`` (an attempt), then
fails it; asking again after the timeout queues a new job; a duplicate message never builds the file twice.
The messages are run in this process, from the embedded queue (and from Redis when a server answers)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import update

from outreach.config import from_environment
from outreach.extensions import db
from outreach.jobs import exports as export_jobs
from outreach.jobs import get_huey
from outreach.models import ExportJob
from tests.support import jobs as support

#: a Redis database of its own (tests/support/jobs.py's workers use 5)
REDIS_URL = os.environ.get("OUTREACH_TEST_LOST_MESSAGES_REDIS_URL", "redis://127.0.0.1:6379/9")
BODY = {"dataset": "visits", "format": "csv"}


@pytest.fixture(params=["embedded", "redis"])
def queue(request, app) -> Iterator[str]:
    """The app's queue made real (not immediate): the embedded SQLite queue, or Redis under keys of its own."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip(f"no Redis server at {REDIS_URL}")
        support.use_queue(
            app, OUTREACH_REDIS_URL=REDIS_URL, OUTREACH_JOBS_NAME=f"lost-{secrets.token_hex(4)}"
        )
    else:
        support.use_queue(app)
    yield request.param
    get_huey(app).flush()


def _queue_export(commander) -> str:
    created = commander.post("/api/v1/exports", BODY)
    assert created.status_code == 202, created.get_data(as_text=True)[:500]
    assert created.get_json()["status"] == "queued"
    return created.get_json()["id"]


def _job(job_id: str) -> ExportJob:
    db.session.rollback()
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    assert job is not None
    return job


def _run_pending(app) -> int:
    """Run every message on the queue here, as a worker would; answers how many ran."""
    huey = get_huey(app)
    ran = 0
    while (message := huey.dequeue()) is not None:
        huey.execute(message)
        ran += 1
    return ran


def test_a_job_whose_message_was_lost_is_queued_again_then_failed(app, world, api_as, queue):
    support.activities(world, per_unit=1)
    job_id = _queue_export(api_as("commander.a1"))
    huey = get_huey(app)
    assert huey.pending_count() == 1
    huey.flush()  # the message is lost
    timeout = timedelta(seconds=app.config["OUTREACH_EXPORT_QUEUED_TIMEOUT_S"])
    assert timeout == timedelta(minutes=15)  # the documented default
    start = datetime.now(UTC)

    assert export_jobs.reap(start + timeout - timedelta(seconds=5)) == (0, 0)  # not late yet
    assert export_jobs.reap(start + timeout + timedelta(seconds=5)) == (1, 0)
    job = _job(job_id)
    assert (job.status, job.attempts) == ("queued", 1)  # the lost delivery counted as an attempt
    assert huey.pending_count() == 1  # a new message

    huey.flush()  # lost again: attempts (2 in all) are spent
    assert export_jobs.reap(start + timeout * 2) == (0, 0)  # the timeout counts from the new message
    assert export_jobs.reap(start + timeout * 2 + timedelta(seconds=10)) == (0, 1)
    job = _job(job_id)
    assert (job.status, job.attempts, job.file_path) == ("failed", 2, None)
    assert job.error and "No worker started the export in time" in job.error
    assert huey.pending_count() == 0
    assert export_jobs.reap(start + timeout * 10) == (0, 0)
    # a failed job is purged after the retention, like any other failed job
    retention = timedelta(days=app.config["OUTREACH_EXPORT_RETENTION_DAYS"])
    assert export_jobs.purge(datetime.now(UTC) + retention + timedelta(minutes=1)) == 1


def test_a_duplicate_message_never_builds_the_file_twice(app, world, api_as, queue, monkeypatch):
    support.activities(world, per_unit=1)
    commander = api_as("commander.a1")
    job_id = _queue_export(commander)
    # The message was only late (a long backlog): the reaper queues the job again, a second message.
    timeout = timedelta(seconds=app.config["OUTREACH_EXPORT_QUEUED_TIMEOUT_S"])
    assert export_jobs.reap(datetime.now(UTC) + timeout + timedelta(seconds=5)) == (1, 0)
    assert get_huey(app).pending_count() == 2
    builds: list[str] = []
    build = export_jobs._build

    def counted(job, out, beat):
        builds.append(job.id)
        return build(job, out, beat)

    monkeypatch.setattr(export_jobs, "_build", counted)
    assert _run_pending(app) == 2
    assert builds == [job_id]  # the second message found the job done and left it alone
    job = _job(job_id)
    assert (job.status, job.attempts) == ("done", 2)  # the late delivery was counted, then the start
    assert sorted(p.name for p in export_jobs.export_dir().iterdir()) == [f"{job_id}.csv"]
    download = commander.get(f"/api/v1/exports/{job_id}/download")
    assert download.status_code == 200
    assert len(support.csv_rows(download.data)) == job.row_count


def test_asking_again_after_the_timeout_queues_a_new_job(app, world, api_as, queue):
    support.activities(world, per_unit=1)
    commander = api_as("commander.a1")
    first = _queue_export(commander)
    assert _queue_export(commander) == first  # still fresh: the same job answers
    get_huey(app).flush()
    timeout = timedelta(seconds=app.config["OUTREACH_EXPORT_QUEUED_TIMEOUT_S"])
    # A job queued before heartbeat_at held the queued time: created_at decides.
    long_ago = datetime.now(UTC) - timeout - timedelta(minutes=1)
    db.session.execute(
        update(ExportJob).where(ExportJob.id == first).values(heartbeat_at=None, created_at=long_ago)
    )
    db.session.commit()

    second = _queue_export(commander)
    assert second != first
    assert get_huey(app).pending_count() == 1
    assert _queue_export(commander) == second
    assert export_jobs.reap() == (1, 0)  # the stuck one is queued again …
    assert _run_pending(app) == 2  # … and both run (one build each)
    assert (_job(first).status, _job(second).status) == ("done", "done")


def test_the_queued_timeout_is_read_from_the_environment():
    assert from_environment({"OUTREACH_EXPORT_QUEUED_TIMEOUT_S": "600"}) == {
        "OUTREACH_EXPORT_QUEUED_TIMEOUT_S": 600
    }
    with pytest.raises(RuntimeError, match="whole number"):
        from_environment({"OUTREACH_EXPORT_QUEUED_TIMEOUT_S": "10m"})
