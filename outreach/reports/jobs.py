"""Background exports on the reports page (issue 17): start one, watch its progress, download the file.

Exports and reports over more than ``OUTREACH_EXPORT_JOB_THRESHOLD`` rows are not built in the request: the
download button stores a job (:mod:`outreach.jobs.exports`) and comes back to the reports page, whose "My
exports" list shows each job's progress (htmx polls its row until it is finished) and the download link.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import download_audit
from outreach.jobs import exports as export_jobs
from outreach.models import ExportJob, Role
from outreach.reports import bp
from outreach.security import role_required
from outreach.services.errors import NotFound
from outreach.services.filters import Filters

READERS = (Role.PR, Role.COMMANDER)


def over_threshold(rows: int) -> bool:
    return rows > int(current_app.config["OUTREACH_EXPORT_JOB_THRESHOLD"])


def start(dataset: str, fmt: str, found: Filters, options: dict[str, Any]) -> Response:
    """Store the job and go back to the reports page (the same filters), where its progress shows."""
    export_jobs.create(current_user, dataset, fmt, found.to_args(), options, channel="web")
    flash(
        _("The file is large: it is being prepared in the background. Download it below when it is ready."),
        "info",
    )
    return redirect(url_for("reports.index", **found.to_args(), _anchor="my-exports"))  # type: ignore[return-value]


def _visible(job_id: str) -> ExportJob:
    try:
        return export_jobs.get_visible(current_user, job_id)
    except NotFound:
        abort(404)


@bp.route("/jobs/<job_id>")
@role_required(*READERS)
def job_status(job_id: str) -> str:
    """One row of "My exports" (polled by htmx while the job is queued or running)."""
    return render_template("reports/_job.html", job=_visible(job_id))


@bp.route("/jobs/<job_id>/download")
@role_required(*READERS)
def job_download(job_id: str) -> Response:
    job = _visible(job_id)
    path = export_jobs.file_of(job)
    if path is None:
        abort(404)
    download_audit.record(current_user, export_jobs.download_record(job, "web"))
    return export_jobs.file_response(job, path)
