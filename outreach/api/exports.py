"""Background exports over the API (issue 17): ask for one (202 at once), poll it, download the file.

The job is built by a worker (:mod:`outreach.jobs.exports`); its rows are exactly those the synchronous export
and ``/api/v1/stats`` count for the same filter (default: submitted and verified), in the caller's area.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from outreach import download_audit
from outreach.extensions import db
from outreach.jobs import exports as export_jobs
from outreach.models import ExportJob, Programme
from outreach.services import filters as shared
from outreach.services.errors import Conflict, NotFound
from outreach.services.schema.export import ExportInput
from outreach.services.scope import get_unit_in_scope

from . import bp
from .auth import current_api_user
from .openapi import api_route
from .views import parse_body

JOB_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status", "progress", "download_url"],
    "properties": {
        "id": {
            "type": "string",
            "description": "Random and unguessable; only its requester (and admins) see it.",
        },
        "dataset": {"type": "string", "enum": ["activities", "visits", "programme", "anev"]},
        "format": {"type": "string", "enum": ["csv", "xlsx", "pdf", "docx"]},
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "rows": {"type": ["integer", "null"], "minimum": 0},
        "error": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "expires_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "The file is deleted then.",
        },
        "download_url": {"type": ["string", "null"], "description": "Set once the status is `done`."},
    },
}
CREATED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {"id": JOB_SCHEMA["properties"]["id"], "status": JOB_SCHEMA["properties"]["status"]},
}


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def job_json(job: ExportJob) -> dict[str, Any]:
    done = job.status == "done"
    return {
        "id": job.id,
        "dataset": job.dataset,
        "format": job.format,
        "status": job.status,
        "progress": job.progress,
        "rows": job.row_count,
        "error": job.error,
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
        "expires_at": _iso(job.expires_at),
        "download_url": url_for("api.exports_download", job_id=job.id) if done else None,
    }


def _filter_args(data: ExportInput) -> dict[str, str]:
    """The body's filters in the query vocabulary, for :func:`outreach.services.filters.parse`."""
    status = ",".join(data.status) if isinstance(data.status, list) else data.status
    raw = {
        "programme_id": str(data.programme_id) if data.programme_id is not None else "",
        "unit": data.unit or "",
        "from": data.date_from.isoformat() if data.date_from else "",
        "to": data.date_to.isoformat() if data.date_to else "",
        "status": status or "",
        "kind": data.kind or "",
        "q": data.q or "",
    }
    return {k: v for k, v in raw.items() if v}


@api_route(
    bp,
    "/exports",
    ["POST"],
    summary="Start a background export of activities or visits (CSV/XLSX); answers 202 with the job "
    "(Location: the job) at once",
    tag="exports",
    body=ExportInput,
    response=CREATED_SCHEMA,
    status=202,
    errors=(403, 404),
)
def exports_create() -> Any:
    from outreach.services import reports

    user = current_api_user()
    reports.require_reader(user)
    data = parse_body(ExportInput)
    found = shared.parse(_filter_args(data))  # 422 naming the field, as the query strings do
    if found.programme_id is not None and db.session.get(Programme, found.programme_id) is None:
        raise NotFound("Unknown programme.")
    if found.unit and get_unit_in_scope(user, found.unit) is None:
        raise NotFound("Unknown unit, or a unit outside your area.")
    job = export_jobs.create(
        user, data.dataset, data.format, found.to_args(), {"lang": data.lang, "sep": data.sep}, channel="api"
    )
    response = jsonify({"id": job.id, "status": job.status})
    response.headers["Location"] = url_for("api.exports_detail", job_id=job.id)
    return response, 202


@api_route(
    bp,
    "/exports/<job_id>",
    summary="A background export: status, progress (0–100) and, once done, its download_url",
    tag="exports",
    response=JOB_SCHEMA,
    errors=(404,),
)
def exports_detail(job_id: str) -> Response:
    return jsonify(job_json(export_jobs.get_visible(current_api_user(), job_id)))


@api_route(
    bp,
    "/exports/<job_id>/download",
    summary="The finished file of a background export (only its requester and admins; audited)",
    tag="exports",
    media_type="application/octet-stream",
    errors=(404, 409),
)
def exports_download(job_id: str) -> Response:
    user = current_api_user()
    job = export_jobs.get_visible(user, job_id)
    if job.status != "done":
        raise Conflict("The export is not finished.")
    path = export_jobs.file_of(job)
    if path is None:
        raise NotFound("The file was deleted.")
    download_audit.record(user, export_jobs.download_record(job, "api"))
    return export_jobs.file_response(job, path)
