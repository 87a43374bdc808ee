"""The reporting lock of a programme: which months are closed, the exceptions, and granting one (issue 15)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outreach.dashboard import bp
from outreach.extensions import db
from outreach.models import LockException, Programme, Role
from outreach.security import role_required
from outreach.services import filters as shared
from outreach.services import locks, stats
from outreach.services.clock import local_today
from outreach.services.errors import Invalid
from outreach.services.scope import units_in_scope


@bp.route("/locks", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
def locks_page() -> Any:
    found, _errors = shared.parse_lenient(
        request.args, allowed=shared.PAGE_PARAMETERS
    )  # bad values: not applied
    programme_id = found.programme_id or stats.default_programme_id(current_user)
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        abort(404)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        raw = request.form.get("month") or ""
        try:
            month = date.fromisoformat(raw + "-01" if len(raw) == 7 else raw) if raw else None
        except ValueError:
            month = None
        try:
            locks.grant_exception(
                current_user,
                programme,
                request.form.get("unit_code") or "",
                month,
                request.form.get("reason") or "",
            )
        except Invalid as exc:
            db.session.rollback()
            errors, status = exc.fields, 422
        else:
            db.session.commit()
            flash(_("Exception granted."), "success")
            return redirect(url_for("dashboard.locks_page", programme_id=programme.id))
    units = units_in_scope(current_user)
    exceptions = db.session.scalars(
        select(LockException)
        .where(LockException.programme_id == programme.id, LockException.unit_id.in_([u.id for u in units]))
        .order_by(LockException.month.desc())
    ).all()
    return (
        render_template(
            "dashboard/locks.html",
            programme=programme,
            programmes=stats.programme_choices(),
            locked=locks.locked_months(programme, local_today()),
            exceptions=exceptions,
            units=units,
            errors=errors,
            form=request.form,
        ),
        status,
    )
