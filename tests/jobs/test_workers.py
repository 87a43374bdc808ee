"""Real worker processes (``flask --app outreach worker``) on the embedded SQLite queue and on Redis: the job
completes with progress, its file holds exactly the rows the stats count; a worker killed mid-job never
leaves a file offered for download, and the job is started again."""

from __future__ import annotations

import secrets
import time

import pytest
import redis

from outreach.extensions import db
from outreach.jobs import exports as export_jobs
from outreach.jobs import get_huey
from tests.support import jobs as support

SLOW = {"OUTREACH_EXPORT_JOB_HEARTBEAT_SECONDS": 0.3, "OUTREACH_EXPORT_JOB_STALL_SECONDS": 2.0}


def _start(commander, body):
    created = commander.post("/api/v1/exports", body)
    assert created.status_code == 202, created.get_data(as_text=True)[:500]
    assert created.get_json()["status"] == "queued"  # answered at once: no worker has run it yet
    return created.get_json()["id"]


def _complete_run(app, world, api_as, tmp_path):
    support.activities(world)
    commander = api_as("commander.a1")
    stats = commander.get(f"/api/v1/stats?programme_id={world.programme.id}").get_json()
    job_id = _start(commander, {"dataset": "visits", "format": "csv", "programme_id": world.programme.id})
    worker = support.Worker(support.write_instance_config(app, tmp_path / "worker"), "--workers", "2")
    try:
        job, seen = support.wait_for(job_id, lambda j: j.status in ("done", "failed"))
    finally:
        worker.stop()
    assert job.status == "done", (job.error, worker.output()[-3000:])
    assert any(0 < p < 100 for p in seen), seen  # the progress moved while the rows were written
    assert seen[-1] == 100
    body = commander.get(f"/api/v1/exports/{job_id}").get_json()
    assert body["status"] == "done"
    assert body["rows"] == stats["visits"]
    download = commander.get(body["download_url"])
    assert download.status_code == 200
    assert len(support.csv_rows(download.data)) == stats["visits"] == 12


def test_a_worker_on_the_embedded_queue_completes_the_job(app, world, api_as, tmp_path):
    support.use_queue(app, OUTREACH_EXPORT_JOB_THROTTLE_SECONDS=0.1, **SLOW)
    _complete_run(app, world, api_as, tmp_path)


def test_a_worker_on_redis_completes_the_job(app, world, api_as, tmp_path):
    try:
        redis.Redis.from_url(support.REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {support.REDIS_URL}")
    name = f"outreach-test-{secrets.token_hex(4)}"  # our own keys, flushed at the end
    support.use_queue(
        app, OUTREACH_REDIS_URL=support.REDIS_URL, OUTREACH_JOBS_NAME=name, OUTREACH_EXPORT_JOB_THROTTLE_SECONDS=0.1,
        **SLOW,
    )  # fmt: skip
    assert type(get_huey(app)).__name__ == "RedisHuey"
    try:
        _complete_run(app, world, api_as, tmp_path)
    finally:
        get_huey(app).flush()


def test_a_worker_killed_mid_job_leaves_no_file_and_the_job_runs_again(app, world, api_as, tmp_path):
    support.activities(world)
    support.use_queue(app, OUTREACH_EXPORT_JOB_THROTTLE_SECONDS=0.5, **SLOW)
    commander = api_as("commander.a1")
    stats = commander.get(f"/api/v1/stats?programme_id={world.programme.id}").get_json()
    job_id = _start(commander, {"dataset": "visits", "format": "xlsx", "programme_id": world.programme.id})
    instance = support.write_instance_config(app, tmp_path / "worker")
    worker = support.Worker(instance)
    try:
        job, _seen = support.wait_for(job_id, lambda j: j.status == "running" and j.progress >= 20)
    finally:
        worker.kill()  # SIGKILL mid-file
    folder = export_jobs.export_dir()
    assert not (folder / f"{job_id}.xlsx").exists()
    assert list(folder.glob(f".{job_id}.*.part"))  # the half-written file stays under its temporary name
    body = commander.get(f"/api/v1/exports/{job_id}").get_json()
    assert (body["status"], body["download_url"]) == ("running", None)
    assert commander.get(f"/api/v1/exports/{job_id}/download").status_code == 409

    time.sleep(app.config["OUTREACH_EXPORT_JOB_STALL_SECONDS"] + 0.5)  # the heartbeat stopped with the worker
    assert export_jobs.reap() == (1, 0)  # queued again (attempt 2 of 2)
    app.config["OUTREACH_EXPORT_JOB_THROTTLE_SECONDS"] = 0
    worker = support.Worker(support.write_instance_config(app, instance))
    try:
        job, _seen = support.wait_for(job_id, lambda j: j.status in ("done", "failed"))
    finally:
        worker.stop()
    assert job.status == "done", (job.error, worker.output()[-3000:])
    assert job.attempts == 2
    assert job.row_count == stats["visits"]
    download = commander.get(f"/api/v1/exports/{job_id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"PK")
    db.session.rollback()
