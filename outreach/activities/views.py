"""Activity list and detail (the form and workflow views build on these)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import login_required

from outreach.activities import bp
from outreach.extensions import db
from outreach.models import ActivityStatus
from outreach.services import activities


@bp.route("/")
@login_required
def index() -> str:
    from flask_login import current_user

    filters = activities.ActivityFilter(
        q=request.args.get("q", ""),
        statuses=[s for s in ActivityStatus if s.value in request.args.getlist("status")],
        sort=request.args.get("sort", "-date"),
    )
    page = db.paginate(
        activities.list_activities_query(current_user, filters),
        per_page=current_app.config["OUTREACH_PAGE_SIZE"],
        error_out=False,
    )
    return render_template("activities/index.html", page=page, filters=filters)


@bp.route("/<int:activity_id>")
@login_required
def detail(activity_id: int) -> str:
    from flask_login import current_user

    activity = activities.get_activity(current_user, activity_id)
    return render_template("activities/detail.html", activity=activity)
