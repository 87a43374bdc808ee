"""The ANEV page, its PDF and XLSX, and the commander's follow-up directives (issue 15).

Query parameters as on the dashboard: ``programme_id``, ``unit``, ``from``, ``to`` (default: this month up to
today, or the programme's last month once it is over: ``stats.default_month``). Every output renders
one :func:`outreach.services.anev.build` value.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach.dashboard import bp
from outreach.exports import anev as export
from outreach.extensions import db
from outreach.models import Role
from outreach.security import role_required
from outreach.services import anev, reports, stats
from outreach.services import filters as shared
from outreach.services.clock import local_today
from outreach.services.errors import Invalid
from outreach.services.scope import get_unit_in_scope


def _params() -> tuple[dict[str, Any], dict[str, str]]:
    """The page's filters (the shared vocabulary) and a message per bad one; a bad value is not applied."""
    found, errors = shared.parse_lenient(request.args, allowed=shared.PAGE_PARAMETERS)
    programme_id = found.programme_id or stats.default_programme_id(current_user)
    month_from, month_to = stats.default_month(programme_id, local_today())
    params = {
        "programme_id": programme_id,
        "unit_code": found.unit or None,
        "date_from": found.date_from or month_from,
        "date_to": found.date_to or month_to,
    }
    return params, errors


def _query(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "programme_id": params["programme_id"],
        "unit": params["unit_code"],
        "from": params["date_from"].isoformat() if params["date_from"] else None,
        "to": params["date_to"].isoformat() if params["date_to"] else None,
    }


@bp.route("/anev")
@role_required(Role.COMMANDER, Role.PR)
def anev_page() -> Any:
    params, errors = _params()
    report = None
    try:
        report = anev.build(current_user, **params)
    except Invalid as exc:
        errors |= exc.fields
    return (
        render_template(
            "dashboard/anev.html",
            report=report,
            errors=errors,
            query=_query(params),
            programmes=stats.programme_choices(),
            formula=export.formula(report) if report else "",
            rows=export.table_rows(report) if report else [],
            can_edit=current_user.role in (Role.COMMANDER, Role.ADMIN),
        ),
        422 if errors else 200,
    )


@bp.route("/anev/directives", methods=["POST"])
@role_required(Role.COMMANDER)
def anev_directives() -> Any:
    params, _errors = _params()
    texts = {
        b: request.form.get(f"directive_{b}", "") for b in anev.BANDS if f"directive_{b}" in request.form
    }
    try:
        anev.save_directives(current_user, params["programme_id"], params["unit_code"], texts)
    except Invalid as exc:
        db.session.rollback()
        flash("; ".join(exc.fields.values()), "danger")
    else:
        db.session.commit()
        flash(_("Follow-up directives saved."), "success")
    return redirect(url_for("dashboard.anev_page", **_query(params)))


def _download(data: bytes, mimetype: str, filename: str) -> Any:
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _background(fmt: str) -> Any:
    """Issue 17: over ``OUTREACH_EXPORT_JOB_THRESHOLD`` activities in scope, a worker builds the file (the
    reports page shows it under "My exports"); ``None``: build it here."""
    from outreach.reports import jobs as report_jobs
    from outreach.services.activity_list import ActivityFilter

    params = _params()[0]
    scope = ActivityFilter(
        programme_id=params["programme_id"], unit_code=params["unit_code"], date_from=params["date_from"],
        date_to=params["date_to"], statuses=list(shared.DEFAULT_STATUSES),
    )  # fmt: skip
    if params["programme_id"] is None or not report_jobs.over_threshold(
        reports.count_activities(current_user, scope)
    ):
        return None
    found = shared.Filters(
        programme_id=params["programme_id"], unit=params["unit_code"], date_from=params["date_from"],
        date_to=params["date_to"],
    )  # fmt: skip
    return report_jobs.start("anev", fmt, found, {})


@bp.route("/anev.pdf")
@role_required(Role.COMMANDER, Role.PR)
def anev_pdf() -> Any:
    if (job := _background("pdf")) is not None:
        return job
    report = anev.build(current_user, **_params()[0])
    unit = get_unit_in_scope(current_user, report.unit)
    assert unit is not None
    data = export.build_pdf(
        report,
        reports.kop_lines(unit, current_app.config.get("OUTREACH_AGENCY_NAME") or reports.AGENCY),
        reports.signatory(unit),
        unit.city or unit.regency or unit.name,
        local_today(),
    )
    return _download(
        data, "application/pdf", f"anev-{report.unit.lower()}-{report.date_from}-{report.date_to}.pdf"
    )


@bp.route("/anev.xlsx")
@role_required(Role.COMMANDER, Role.PR)
def anev_xlsx() -> Any:
    if (job := _background("xlsx")) is not None:
        return job
    report = anev.build(current_user, **_params()[0])
    return _download(
        export.build_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"anev-{report.unit.lower()}-{report.date_from}-{report.date_to}.xlsx",
    )
