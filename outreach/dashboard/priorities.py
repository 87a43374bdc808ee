"""Priority messages (issue 15, item 6): the commander's list, add and remove, with the coverage matrix.

Query parameters as on the dashboard: ``programme_id``, ``unit``, ``from``, ``to`` (default: this month up to
today); the matrix is the one the dashboard and the ANEV show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outreach.dashboard import bp
from outreach.extensions import db
from outreach.models import KamtibmasMessage, Role
from outreach.numerals import ascii_digits
from outreach.security import role_required
from outreach.services import filters as shared
from outreach.services import priorities, stats
from outreach.services.clock import local_today
from outreach.services.errors import Invalid, NotFound
from outreach.services.scope import get_unit_in_scope, units_in_scope


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@bp.route("/priorities", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
def priorities_page() -> Any:
    found, _errors = shared.parse_lenient(
        request.args, allowed=shared.PAGE_PARAMETERS
    )  # bad values: not applied
    programme_id = found.programme_id or stats.default_programme_id(current_user)
    month_from, month_to = stats.default_month(programme_id, local_today())
    date_from = found.date_from or month_from
    date_to = found.date_to or month_to
    root = get_unit_in_scope(current_user, found.unit or current_user.unit.code)
    if root is None:
        abort(404)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            priorities.create(
                current_user,
                unit_code=form.get("unit") or None,
                message_id=int(form["message_id"]) if ascii_digits(form.get("message_id") or "") else None,
                date_from=_date(form.get("from")),
                date_to=_date(form.get("to")),
                programme_id=int(form["programme_id"])
                if ascii_digits(form.get("programme_id") or "")
                else None,
            )
        except Invalid as exc:
            db.session.rollback()
            errors, status = exc.fields, 422
        else:
            db.session.commit()
            flash(_("Priority message added."), "success")
            return redirect(url_for("dashboard.priorities_page", **request.args))
    listed = db.session.scalars(priorities.list_query(current_user, unit_code=root.code)).all()
    coverage = priorities.coverage(
        current_user, root, programme_id=programme_id, date_from=date_from, date_to=date_to
    )
    messages = db.session.scalars(
        select(KamtibmasMessage)
        .where(KamtibmasMessage.is_active.is_(True))
        .order_by(KamtibmasMessage.sort_order, KamtibmasMessage.label_id)
    ).all()
    return (
        render_template(
            "dashboard/priorities.html",
            root=root,
            listed=listed,
            coverage=coverage,
            messages=messages,
            units=units_in_scope(current_user),
            programmes=stats.programme_choices(),
            programme_id=programme_id,
            date_from=date_from,
            date_to=date_to,
            errors=errors,
            form=request.form,
            own_paths=current_user.unit.path,
        ),
        status,
    )


@bp.route("/priorities/<int:priority_id>/delete", methods=["POST"])
@role_required(Role.COMMANDER)
def priorities_delete(priority_id: int) -> Any:
    try:
        priorities.remove(current_user, priority_id)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("Priority message removed."), "success")
    return redirect(url_for("dashboard.priorities_page"))
