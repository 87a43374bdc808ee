"""The commanders' dashboard: one page built from services.stats (the module the API and reports use too).

Roles: commander, PR and admin (the nav shows the dashboard to these). Staff work from the activity list; the
figures they could see are their own area's anyway, so nothing is hidden from them by this choice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user
from werkzeug.wrappers import Response

from outreach.dashboard import bp
from outreach.dashboard.forms import DashboardFilterForm
from outreach.models import Role, Unit
from outreach.security import reports_control_characters, role_required
from outreach.services import filters as shared
from outreach.services import stats
from outreach.services.scope import get_unit_in_scope

IDLE_DAYS = 30
WAITING_DAYS = 7


@bp.route("/")
@role_required(Role.COMMANDER, Role.PR)
@reports_control_characters(*shared.PARAMETERS)  # a NUL is a message next to its filter
def index() -> Response | str:
    if "programme_id" not in request.args:
        # The default (latest active programme) goes into the URL, so the link shows what the API would.
        default = stats.default_programme_id(current_user)
        if default is not None:
            args = request.args.to_dict(flat=False) | {"programme_id": [str(default)]}
            return redirect(url_for("dashboard.index", **args))
    # The shared vocabulary (services.filters): a bad value is a message next to its filter, the rest applies.
    found, errors = shared.parse_lenient(request.args, allowed=shared.FIGURE_PARAMETERS)
    filters = stats.StatsFilter.of(found)
    if filters.programme_id is None and "programme_id" in errors:
        filters = replace(filters, programme_id=stats.default_programme_id(current_user))
    summary = stats.summarize(current_user, filters)
    gaps = stats.gaps(current_user, filters, idle_days=IDLE_DAYS, waiting_days=WAITING_DAYS)
    points = stats.map_points(current_user, filters)
    root = get_unit_in_scope(current_user, summary.unit.code)  # one look-up for the plans and the priorities
    form = DashboardFilterForm(current_user, formdata=None)
    form.show(filters, current_user)
    form.add_errors(errors)
    return render_template(
        "dashboard/index.html",
        form=form,
        filters=filters,
        counted=shared.describe_statuses(summary.statuses),
        summary=summary,
        data=stats.summary_to_dict(summary),
        gaps=gaps,
        points=points,
        points_data=stats.map_points_to_list(points),
        map_limit=stats.MAP_POINT_LIMIT,
        tile_url=current_app.config.get("OUTREACH_MAP_TILE_URL") or "",
        tile_attribution=current_app.config.get("OUTREACH_MAP_TILE_ATTRIBUTION") or "",
        plan_counts=_plan_counts(root, filters),
        priority_coverage=_priority_coverage(root, filters),
    )


def _priority_coverage(root: Unit | None, filters: stats.StatsFilter) -> Any:
    """The priority-message matrix for the dashboard's unit, programme, period and statuses (issue 15)."""
    from outreach.services import priorities

    if root is None:
        return None
    return priorities.coverage(
        current_user,
        root,
        programme_id=filters.programme_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        statuses=stats.effective_statuses(current_user, filters),
    )


def _plan_counts(root: Unit | None, filters: stats.StatsFilter) -> Any:
    """Planned / realised / overdue for the dashboard's unit, programme and period (issue 15). PR sees none."""
    from outreach.services import plans

    if root is None or current_user.role is Role.PR:
        return None
    return plans.counts(
        root, programme_id=filters.programme_id, date_from=filters.date_from, date_to=filters.date_to
    )


@bp.app_template_filter("month_year")
def month_year(value: date | None) -> str:
    """The month and year ("November 2023"): the trend table's month column."""
    return format_date(value, "MMMM y") if value else ""
