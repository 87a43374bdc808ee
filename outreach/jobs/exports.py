"""Export jobs: large exports and reports built by a worker into ``instance/exports/``, downloaded later.

Life of a job (:class:`~outreach.models.ExportJob`):

1. :func:`create` (a request) stores it ``queued`` and enqueues ``exports.run`` — the request answers at once;
2. :func:`run` (a worker) claims it (``running``, ``attempts`` + 1), writes the file under a temporary name
   (``.<id>.<random>.part``) while a heartbeat thread refreshes ``heartbeat_at`` and the rows written move
   ``progress``; the finished file is fsynced and renamed to ``<id>.<format>`` *inside* the transaction that
   marks the job ``done`` — a file is never offered before it is complete, and a file without a ``done`` job
   is never offered at all;
3. :func:`reap` (periodic) finds running jobs whose heartbeat stopped (the worker died: killed, OOM, host
   lost) and queued jobs no worker started within ``OUTREACH_EXPORT_QUEUED_TIMEOUT_S`` (the queue message was
   lost: a Redis restart without persistence, a flushed queue): it queues them again until
   ``OUTREACH_EXPORT_JOB_ATTEMPTS``, then marks them ``failed``;
4. :func:`purge` (periodic) deletes files and jobs after ``OUTREACH_EXPORT_RETENTION_DAYS``, and leftover
   temporary files.

``heartbeat_at`` of a queued job holds when it was (last) queued: :func:`create` and :func:`reap` set it.

Only the requester and admins see a job (:func:`get_visible`; anybody else gets 404, as for an unknown id).
The filters are stored in the shared query vocabulary (:mod:`outreach.services.filters`) and parsed again
by the worker, which applies the requester's scope exactly as the synchronous download does.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Response, current_app
from sqlalchemy import delete, func, or_, select, update

from outreach.extensions import db, write_intent, writing
from outreach.jobs import builders
from outreach.jobs.queue import enqueue
from outreach.models import ExportJob, Programme, Role, User, utcnow
from outreach.services import downloads
from outreach.services import filters as shared
from outreach.services.activity_list import ActivityFilter
from outreach.services.errors import DomainError, NotFound

log = logging.getLogger(__name__)

RUN_TASK = "exports.run"
#: dataset → the formats a job can build
FORMATS: dict[str, tuple[str, ...]] = {
    "activities": ("csv", "xlsx"),
    "visits": ("csv", "xlsx"),
    "programme": ("pdf", "docx"),
    "anev": ("pdf", "xlsx"),
}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: the options a job keeps beside the filters
OPTIONS = ("lang", "sep", "numbering", "photos")
FINISHED = ("done", "failed")


def _config(name: str) -> Any:
    return current_app.config[name]


def export_dir() -> Path:
    folder = Path(_config("OUTREACH_EXPORT_DIR") or Path(current_app.instance_path) / "exports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def activity_filter(stored: Mapping[str, Any]) -> ActivityFilter:
    """The stored filter values (the shared vocabulary) as the services' filter, statuses defaulting to what
    the figures count (submitted and verified) — the rows ``/api/v1/stats`` counts for the same filter."""
    found = shared.parse({k: v for k, v in stored.items() if k in shared.PARAMETERS})
    return ActivityFilter(
        **(found.activity_fields() | {"statuses": list(found.statuses_or_default())}), sort="date"
    )


# ------------------------------------------------------------------------------------------- create / read


def _queued_timeout() -> timedelta:
    return timedelta(seconds=float(_config("OUTREACH_EXPORT_QUEUED_TIMEOUT_S")))


def _queued_at() -> Any:
    """When a job was (last) queued: ``heartbeat_at`` holds it while queued; a job queued before it did has
    only ``created_at``."""
    return func.coalesce(ExportJob.heartbeat_at, ExportJob.created_at)


def create(
    user: User, dataset: str, fmt: str, args: Mapping[str, str], options: Mapping[str, Any], *, channel: str
) -> ExportJob:
    """Store a queued job for ``user`` and enqueue it (commits; ends the caller's read transaction first).

    An identical job of the same user still running, or queued for less than
    ``OUTREACH_EXPORT_QUEUED_TIMEOUT_S``, is answered instead of a second one; one queued for longer has
    probably lost its queue message, and a new job is queued (the reaper deals with the old one)."""
    if fmt not in FORMATS.get(dataset, ()):
        raise ValueError(f"no {fmt} for {dataset}")
    stored = {k: v for k, v in args.items() if k in shared.PARAMETERS and v} | {
        k: v for k, v in options.items() if k in OPTIONS and v not in (None, "")
    }
    db.session.commit()
    now = utcnow()
    waiting_since = now - _queued_timeout()
    with writing():
        same = db.session.scalar(
            select(ExportJob)
            .where(
                ExportJob.requester_id == user.id,
                ExportJob.dataset == dataset,
                ExportJob.format == fmt,
                or_(
                    ExportJob.status == "running",
                    (ExportJob.status == "queued") & (_queued_at() >= waiting_since),
                ),
            )
            .order_by(ExportJob.created_at.desc())
            .limit(1)
        )
        if same is not None and same.filters == stored:
            db.session.commit()
            return same
        job = ExportJob(
            id=secrets.token_urlsafe(24),
            requester_id=user.id,
            dataset=dataset,
            format=fmt,
            filters=stored,
            channel=channel,
            status="queued",
            progress=0,
            attempts=0,
            created_at=now,
            heartbeat_at=now,  # queued since
        )
        db.session.add(job)
        db.session.commit()
    enqueue(RUN_TASK, job.id)
    db.session.refresh(job)  # immediate mode has run it already
    return job


def get_visible(user: User, job_id: str) -> ExportJob:
    """The job if ``user`` requested it or is an admin; else :class:`NotFound` (as for an unknown id)."""
    job = db.session.get(ExportJob, job_id) if len(job_id) <= 48 else None
    if job is None or (job.requester_id != user.id and user.role != Role.ADMIN):
        raise NotFound("Unknown export.")
    return job


def recent(user: User, limit: int = 10) -> list[ExportJob]:
    """The user's latest jobs that still exist (newest first)."""
    query = (
        select(ExportJob)
        .where(ExportJob.requester_id == user.id)
        .order_by(ExportJob.created_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def file_of(job: ExportJob) -> Path | None:
    """The finished file of a done job, if it is still there."""
    if job.status != "done" or not job.file_path:
        return None
    path = export_dir() / job.file_path
    return path if path.is_file() else None


def file_response(job: ExportJob, path: Path) -> Response:
    """The finished file as an attachment, streamed (opened now: a file purged meanwhile is a 404 before)."""
    fh = path.open("rb")

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := fh.read(64 * 1024):
                yield chunk
        finally:
            fh.close()

    response = current_app.response_class(chunks(), mimetype=MIMETYPES[job.format])
    response.call_on_close(fh.close)
    response.headers["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response.headers["Content-Length"] = str(os.fstat(fh.fileno()).st_size)
    response.headers["Cache-Control"] = "no-store"
    return response


def download_record(job: ExportJob, channel: str) -> downloads.Download:
    """The audit entry of a job's download, as the synchronous download of the same export writes it."""
    tabular = job.dataset in ("activities", "visits")
    photos = int(job.filters.get("photos") or 0)
    summary = downloads.filter_summary(activity_filter(job.filters))
    return downloads.Download(
        "export" if tabular else "report",
        f"{job.dataset}.{job.format}",
        channel,
        {**summary, **({"photos": photos} if photos else {}), "job": job.id},
        rows=job.row_count,
        size_bytes=job.size_bytes,
        personal=job.dataset == "visits" or photos > 0,
    )


# ------------------------------------------------------------------------------------------- the worker side


class _Heartbeat(threading.Thread):
    """Refreshes the job's ``heartbeat_at`` every few seconds while the job runs, on its own connection."""

    def __init__(self, engine: Any, job_id: str, attempt: int, every: float) -> None:
        super().__init__(name=f"heartbeat-{job_id[:8]}", daemon=True)
        self.engine, self.job_id, self.attempt, self.every = engine, job_id, attempt, every
        self.stopped = threading.Event()

    def run(self) -> None:
        write_intent.set(True)
        while not self.stopped.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(_this_attempt(self.job_id, self.attempt).values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat is not fatal; the next one may pass
                log.warning("export job %s: heartbeat failed", self.job_id, exc_info=True)


def _this_attempt(job_id: str, attempt: int) -> Any:
    return update(ExportJob).where(
        ExportJob.id == job_id, ExportJob.status == "running", ExportJob.attempts == attempt
    )


def run(job_id: str) -> None:
    """Build the job's file (the ``exports.run`` task). A job not ``queued`` any more is left alone."""
    token = write_intent.set(False)  # the build only reads (immediate mode inherits a POST's write intent)
    try:
        _run(job_id)
    finally:
        write_intent.reset(token)


def _run(job_id: str) -> None:
    with writing():
        claimed = db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "queued")
            .values(
                status="running",
                attempts=ExportJob.attempts + 1,
                progress=0,
                started_at=utcnow(),
                heartbeat_at=utcnow(),
            )
        )
        db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    assert job is not None
    attempt = job.attempts
    engine = db.engine
    heartbeat = _Heartbeat(engine, job_id, attempt, float(_config("OUTREACH_EXPORT_JOB_HEARTBEAT_SECONDS")))
    heartbeat.start()
    folder = export_dir()
    temporary = folder / f".{job.id}.{secrets.token_hex(4)}.part"
    throttle = float(_config("OUTREACH_EXPORT_JOB_THROTTLE_SECONDS") or 0)
    last = {"progress": -1}

    def beat(done: int, total: int) -> None:
        progress = min(99, done * 100 // total) if total else 0
        if progress != last["progress"]:
            last["progress"] = progress
            token = write_intent.set(True)
            try:
                with engine.begin() as conn:
                    conn.execute(
                        _this_attempt(job_id, attempt).values(progress=progress, heartbeat_at=utcnow())
                    )
            finally:
                write_intent.reset(token)
        if throttle:
            time.sleep(throttle)  # diagnostics and tests only: a slow job to watch (see docs/OPERATIONS.md)

    try:
        with temporary.open("wb") as out:
            rows, name = _build(job, out, beat)
            out.flush()
            os.fsync(out.fileno())
        size = temporary.stat().st_size
        final = folder / f"{job.id}.{job.format}"
        db.session.commit()  # ends the read transaction of the build
        now = utcnow()
        with writing():
            done = db.session.execute(
                _this_attempt(job_id, attempt).values(
                    status="done",
                    progress=100,
                    file_path=final.name,
                    file_name=name,
                    row_count=rows,
                    size_bytes=size,
                    heartbeat_at=now,
                    finished_at=now,
                    expires_at=now + timedelta(days=int(_config("OUTREACH_EXPORT_RETENTION_DAYS"))),
                )
            )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                os.replace(temporary, final)  # complete before the job says so; dies here: not offered
            db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("export job %s failed", job_id)
        message = exc.message if isinstance(exc, DomainError) and exc.message else type(exc).__name__
        with writing():
            db.session.execute(
                _this_attempt(job_id, attempt).values(
                    status="failed", error=message[:500], finished_at=utcnow()
                )
            )
            db.session.commit()
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        temporary.unlink(missing_ok=True)


def _build(job: ExportJob, out: Any, beat: builders.Beat) -> tuple[int, str]:
    """Write the job's artefact to ``out``: (rows covered, the download's file name)."""
    user = job.requester
    stored = job.filters
    options = {k: stored.get(k) for k in OPTIONS}
    lang = options.get("lang") or "id"
    filters = activity_filter(stored)
    programme = db.session.get(Programme, filters.programme_id) if filters.programme_id else None
    if filters.programme_id and programme is None:
        raise NotFound("Unknown programme.")
    if job.dataset in ("activities", "visits"):
        rows = builders.write_tabular(job.dataset, job.format, user, filters, options, out, beat)
    elif job.dataset == "programme":
        if programme is None:
            raise NotFound("Unknown programme.")
        rows = builders.write_programme_report(job.format, user, programme, filters, options, out, beat)
    else:
        params = {
            "programme_id": filters.programme_id,
            "unit_code": filters.unit_code,
            "date_from": filters.date_from,
            "date_to": filters.date_to,
        }
        rows = builders.write_anev(job.format, user, params, out, beat)
    return rows, builders.file_name(job.dataset, job.format, programme, lang, filters.unit_code)


# ------------------------------------------------------------------------------------------- periodic


def reap(now: datetime | None = None) -> tuple[int, int]:
    """Jobs that lost their worker or their queue message: queued again (attempts left) or failed.
    Answers (requeued, failed).

    - A ``running`` job whose heartbeat stopped for ``OUTREACH_EXPORT_JOB_STALL_SECONDS``: its worker died.
      Its ``attempts`` already count that start.
    - A ``queued`` job no worker started within ``OUTREACH_EXPORT_QUEUED_TIMEOUT_S``: its queue message was
      probably lost. The lost delivery counts as an attempt (``attempts`` + 1), so a job is delivered at most
      ``OUTREACH_EXPORT_JOB_ATTEMPTS`` times in all, whichever way it was lost.

    Either is queued again (``heartbeat_at`` = now: queued since) while the attempts are below
    ``OUTREACH_EXPORT_JOB_ATTEMPTS``, else ``failed`` with a message saying why. Each change is a conditional
    update on ``(id, status, attempts)``, so a worker claiming the job meanwhile, or a second reaper, wins
    and this one changes nothing.

    Re-enqueueing a queued job whose message was *not* lost (it only waited behind a long backlog) puts a
    second message for it on the queue. That duplicate is harmless: :func:`run` starts a job only through the
    conditional update ``status == "queued"`` → ``running``, which exactly one message can win. The other
    message finds the job ``running``, ``done`` or ``failed`` and returns without building anything; if the
    job was queued again meanwhile (its worker died), that message simply is its next delivery. The file is
    never built twice at once, and a ``done`` job is never rebuilt. The cost is an attempt counted for a
    delivery that was only late: choose the timeout above the longest backlog expected.
    """
    now = now or datetime.now(UTC)
    stalled = now - timedelta(seconds=float(_config("OUTREACH_EXPORT_JOB_STALL_SECONDS")))
    stale = db.session.execute(
        select(ExportJob.id, ExportJob.status, ExportJob.attempts).where(
            or_(
                (ExportJob.status == "running")
                & or_(ExportJob.heartbeat_at < stalled, ExportJob.heartbeat_at.is_(None)),
                (ExportJob.status == "queued") & (_queued_at() < now - _queued_timeout()),
            )
        )
    ).all()
    db.session.commit()
    requeued: list[tuple[str, str]] = []
    failed = 0
    max_attempts = int(_config("OUTREACH_EXPORT_JOB_ATTEMPTS"))
    for job_id, status, attempts in stale:  # a handful of jobs, never data rows
        if status == "running":
            this_one = _this_attempt(job_id, attempts)
            counted = attempts
            error = "The worker stopped before the file was complete."
        else:
            this_one = update(ExportJob).where(
                ExportJob.id == job_id, ExportJob.status == "queued", ExportJob.attempts == attempts
            )
            counted = attempts + 1  # the lost delivery
            error = (
                "No worker started the export in time (its queue message was lost, or the queue is too long)."
            )
        with writing():
            if counted < max_attempts:
                changed = db.session.execute(
                    this_one.values(status="queued", attempts=counted, progress=0, heartbeat_at=now)
                )
                if changed.rowcount == 1:  # type: ignore[attr-defined]
                    requeued.append((job_id, status))
            else:
                changed = db.session.execute(
                    this_one.values(status="failed", attempts=counted, error=error, finished_at=now)
                )
                failed += changed.rowcount  # type: ignore[attr-defined]
            db.session.commit()
    for job_id, status in requeued:
        if status == "running":
            log.warning("export job %s lost its worker: queued again", job_id)
        else:
            log.warning("export job %s was not started in time (queue message lost?): queued again", job_id)
        enqueue(RUN_TASK, job_id)
    return len(requeued), failed


def purge(now: datetime | None = None) -> int:
    """Delete expired files and their jobs, failed jobs past the retention, and stale temporary files."""
    now = now or datetime.now(UTC)
    retention = timedelta(days=int(_config("OUTREACH_EXPORT_RETENTION_DAYS")))
    expired = or_(
        ExportJob.expires_at < now,
        (ExportJob.status == "failed") & (ExportJob.created_at < now - retention),
    )
    found = db.session.execute(select(ExportJob.id, ExportJob.file_path).where(expired)).all()
    db.session.commit()
    folder = export_dir()
    for _job_id, file_path in found:
        if file_path:
            (folder / file_path).unlink(missing_ok=True)
    if found:
        with writing():
            db.session.execute(delete(ExportJob).where(ExportJob.id.in_([job_id for job_id, _p in found])))
            db.session.commit()
    stall = float(_config("OUTREACH_EXPORT_JOB_STALL_SECONDS"))
    for part in folder.glob(".*.part"):  # a worker killed mid-file; its job was reaped meanwhile
        if part.stat().st_mtime < time.time() - max(stall * 2, 3600):
            part.unlink(missing_ok=True)
    return len(found)
