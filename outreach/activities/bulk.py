"""Bulk verification in the browser: preview the submitted activities matching the list's filter, confirm, verify.

The preview (GET) lists exactly the activities that will be verified and carries their ids in the form; the
confirmation (POST) verifies those ids and no others — an activity submitted after the preview is not swept
in. Each goes through the single verify rule (:mod:`outreach.services.bulk`).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach.activities import bp
from outreach.activities.forms import ActivityFilterForm
from outreach.activities.views import _choices, _programmes
from outreach.extensions import db
from outreach.models import Role
from outreach.models.types import parse_id
from outreach.security import role_required
from outreach.services import bulk
from outreach.services import filters as shared
from outreach.services.errors import Invalid

#: How many skip reasons the flash message spells out.
SHOWN_REASONS = 10


def _list_args() -> dict[str, Any]:
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"}


@bp.route("/verify-all", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
def verify_all() -> Any:
    found, _errors = shared.parse_lenient(request.args)
    form = ActivityFilterForm(request.args)
    form.set_choices(current_user, _choices(), _programmes())
    filters = form.to_filter(found)
    error = ""
    if request.method == "POST":
        raw = request.form.getlist("ids")
        ids = [number for v in raw if (number := parse_id(v)) is not None]
        try:
            result = bulk.verify_many(current_user, ids)
        except Invalid as exc:
            db.session.rollback()
            error = "; ".join(exc.fields.values())
        else:
            db.session.commit()
            n = len(result.verified)
            flash(ngettext("%(num)d activity verified.", "%(num)d activities verified.", n), "success")
            if result.skipped:
                reasons = "; ".join(f"#{s.id}: {s.reason}" for s in result.skipped[:SHOWN_REASONS])
                more = len(result.skipped) - SHOWN_REASONS
                if more > 0:
                    reasons += " " + _("(and %(n)s more)", n=more)
                flash(_("Skipped %(n)s: %(reasons)s", n=len(result.skipped), reasons=reasons), "warning")
            return redirect(url_for("activities.index", **_list_args()))
    items, total = bulk.preview(current_user, filters)
    return (
        render_template(
            "activities/verify_all.html",
            items=items,
            total=total,
            limit=bulk.MAX_BULK,
            error=error,
            list_args=_list_args(),
        ),
        422 if error else 200,
    )
