"""Background exports (issue 17) with the queue in immediate mode: the API, the reports page, access, audit,
the reaper and the purge. Real worker processes: test_workers.py."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from outreach.extensions import db
from outreach.jobs import exports as export_jobs
from outreach.models import AuditEntry, ExportJob
from tests.support import jobs as support


def _export(api, body):
    created = api.post("/api/v1/exports", body)
    assert created.status_code == 202, created.get_data(as_text=True)[:500]
    job = created.get_json()
    assert set(job) == {"id", "status"}
    assert created.headers["Location"] == f"/api/v1/exports/{job['id']}"
    return job["id"]


def test_the_api_export_holds_exactly_the_rows_the_stats_count(api_as, world):
    support.activities(world)
    commander = api_as("commander.a1")
    for query, body in (
        ("", {}),
        ("&unit=POLSEK-A1Y", {"unit": "POLSEK-A1Y"}),
        ("&status=all", {"status": ["all"]}),
    ):
        stats = commander.get(f"/api/v1/stats?programme_id={world.programme.id}{query}").get_json()
        for dataset, counted in (("activities", stats["activities"]), ("visits", stats["visits"])):
            job_id = _export(
                commander, {"dataset": dataset, "format": "csv", "programme_id": world.programme.id, **body}
            )
            job = commander.get(f"/api/v1/exports/{job_id}").get_json()
            assert job["status"] == "done", job
            assert job["progress"] == 100
            assert job["rows"] == counted
            download = commander.get(job["download_url"])
            assert download.status_code == 200
            assert download.mimetype == "text/csv"
            assert "attachment" in download.headers["Content-Disposition"]
            assert len(support.csv_rows(download.data)) == counted > 0
    xlsx = _export(commander, {"dataset": "visits", "format": "xlsx"})
    done = commander.get(commander.get(f"/api/v1/exports/{xlsx}").get_json()["download_url"])
    assert done.data.startswith(b"PK")


def test_the_body_is_checked_field_by_field_and_the_scope_applies(api_as, world):
    commander = api_as("commander.a1")
    bad = commander.post(
        "/api/v1/exports", {"dataset": "units", "format": "csv", "from": "2023-02-30", "colour": "red"}
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"dataset", "from", "colour"}
    status = commander.post("/api/v1/exports", {"dataset": "visits", "format": "csv", "status": "nope"})
    assert status.status_code == 422
    assert set(status.get_json()["error"]["fields"]) == {"status"}
    outside = commander.post("/api/v1/exports", {"dataset": "visits", "format": "csv", "unit": "POLSEK-B1X"})
    assert outside.status_code == 404
    assert (
        api_as("staff.a1x").post("/api/v1/exports", {"dataset": "visits", "format": "csv"}).status_code == 403
    )
    assert db.session.scalar(select(ExportJob.id)) is None


def test_only_the_requester_and_admins_see_a_job(api_as, world, client, login_as):
    support.activities(world, per_unit=1)
    job_id = _export(api_as("commander.a1"), {"dataset": "visits", "format": "csv"})
    for other in ("commander.b1", "pr.a1", "staff.a1x"):
        assert api_as(other).get(f"/api/v1/exports/{job_id}").status_code == 404
        assert api_as(other).get(f"/api/v1/exports/{job_id}/download").status_code == 404
    assert api_as("admin").get(f"/api/v1/exports/{job_id}/download").status_code == 200
    login_as("pr.a1")
    assert client.get(f"/reports/jobs/{job_id}").status_code == 404
    assert client.get(f"/reports/jobs/{job_id}/download").status_code == 404


def test_a_large_export_on_the_reports_page_runs_as_a_job(app, world, client, login_as):
    support.activities(world)
    app.config["OUTREACH_EXPORT_JOB_THRESHOLD"] = 3
    login_as("commander.a1")
    query = f"programme_id={world.programme.id}&unit=POLRES-A1"
    small = client.get(f"/reports/export/activities.csv?programme_id={world.programme.id}&unit=POLSEK-A1Y")
    assert small.status_code == 200  # 3 rows: synchronous as before
    response = client.get(f"/reports/export/visits.xlsx?{query}")
    assert response.status_code == 302
    assert "/reports/" in response.headers["Location"]
    job = db.session.scalars(select(ExportJob)).one()
    assert (job.dataset, job.format, job.status, job.row_count, job.channel) == (
        "visits",
        "xlsx",
        "done",
        12,
        "web",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="export-jobs"' in page
    assert f"/reports/jobs/{job.id}/download" in page
    assert "vendor/htmx.min.js" in page
    download = client.get(f"/reports/jobs/{job.id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"PK")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="kunjungan-')
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "download")).all()[-1]
    assert entry.changes["what"] == "visits.xlsx"
    assert entry.changes["rows"] == 12
    assert entry.changes["personal_data"] is True
    assert entry.changes["filter"]["job"] == job.id
    pdf = client.get(f"/reports/programme.pdf?{query}")
    assert pdf.status_code == 302
    report = db.session.scalars(select(ExportJob).where(ExportJob.dataset == "programme")).one()
    assert report.status == "done", report.error
    assert client.get(f"/reports/jobs/{report.id}/download").data.startswith(b"%PDF-")


def test_a_running_job_polls_and_a_finished_one_stops(app, world, client, login_as):
    support.activities(world, per_unit=1)
    support.use_queue(app)  # the embedded queue, no worker: the job stays queued
    login_as("commander.a1")
    app.config["OUTREACH_EXPORT_JOB_THRESHOLD"] = 0
    client.get(f"/reports/export/activities.csv?programme_id={world.programme.id}")
    job = db.session.scalars(select(ExportJob)).one()
    assert job.status == "queued"
    row = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in row
    assert "<progress" in row


def test_the_reaper_retries_a_job_whose_worker_died_then_fails_it(app, world, api_as):
    support.activities(world, per_unit=1)
    support.use_queue(app)
    job_id = _export(api_as("commander.a1"), {"dataset": "visits", "format": "csv"})
    stale = datetime.now(UTC) - timedelta(hours=1)
    for attempt in (1, 2):
        db.session.execute(update(ExportJob).values(status="running", attempts=attempt, heartbeat_at=stale))
        db.session.commit()
        requeued, failed = export_jobs.reap()
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        if attempt < app.config["OUTREACH_EXPORT_JOB_ATTEMPTS"]:
            assert (requeued, failed, job.status) == (1, 0, "queued")
        else:
            assert (requeued, failed, job.status) == (0, 1, "failed")
            assert job.file_path is None
    assert export_jobs.reap() == (0, 0)


def test_expired_files_are_purged(app, world, api_as):
    support.activities(world, per_unit=1)
    commander = api_as("commander.a1")
    keep, old = (_export(commander, {"dataset": d, "format": "csv"}) for d in ("visits", "activities"))
    folder = export_jobs.export_dir()
    stray = folder / ".gone.1234.part"
    stray.write_bytes(b"half")
    os.utime(stray, (0, 0))
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == old)
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )
    db.session.commit()
    assert (folder / f"{old}.csv").is_file()
    assert export_jobs.purge() == 1
    assert not (folder / f"{old}.csv").exists()
    assert not stray.exists()
    assert (folder / f"{keep}.csv").is_file()
    assert db.session.get(ExportJob, old) is None
    assert commander.get(f"/api/v1/exports/{old}").status_code == 404
    assert commander.get(f"/api/v1/exports/{keep}/download").status_code == 200


def test_a_large_anev_runs_as_a_job(app, world, client, login_as):
    support.activities(world, per_unit=1)
    login_as("commander.a1")
    query = f"programme_id={world.programme.id}&unit=POLRES-A1&from=2023-11-01&to=2023-11-30"
    assert client.get(f"/dashboard/anev.xlsx?{query}").status_code == 200  # small: synchronous
    app.config["OUTREACH_EXPORT_JOB_THRESHOLD"] = 1
    for fmt, magic in (("pdf", b"%PDF-"), ("xlsx", b"PK")):
        response = client.get(f"/dashboard/anev.{fmt}?{query}")
        assert response.status_code == 302
        job = db.session.scalars(select(ExportJob).where(ExportJob.format == fmt)).one()
        assert (job.dataset, job.status) == ("anev", "done"), job.error
        assert job.filters["unit"] == "POLRES-A1"
        download = client.get(f"/reports/jobs/{job.id}/download")
        assert download.data.startswith(magic)
        assert "anev-polres-a1-" in download.headers["Content-Disposition"]
