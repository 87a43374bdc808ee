"""The commanders' dashboard: one page built from services.stats (the module the API and reports use too).

Roles: commander, PR and admin (the nav shows the dashboard to these). Staff work from the activity list; the
figures they could see are their own area's anyway, so nothing is hidden from them by this choice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import current_app, make_response, redirect, render_template, request, url_for
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
    """The figures. The map and the gaps come after them from :func:`deferred` (the page fetches it)."""
    if "programme_id" not in request.args:
        # The default (latest active programme) goes into the URL, so the link shows what the API would.
        default = stats.default_programme_id(current_user)
        if default is not None:
            return redirect(_with_query("dashboard.index", programme_id=str(default)))
    filters, errors = _figure_filters()
    summary = stats.summarize(current_user, filters)
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
        deferred_url=_with_query("dashboard.deferred"),
        plan_counts=_plan_counts(root, filters),
        priority_coverage=_priority_coverage(root, filters),
    )


@bp.route("/deferred")
@role_required(Role.COMMANDER, Role.PR)
@reports_control_characters(*shared.PARAMETERS)  # the bad filter is said on the page; here it is left out
def deferred() -> Response:
    """The map and the gaps for the dashboard's filters, loaded by the page once its figures are painted (they
    cost ~2 s nationally at 1M, bench/analysis.md, and are not needed to read the figures).

    The page fetches this with ``X-Requested-With: fetch`` and gets the sections alone; opened directly (the
    link shown without JavaScript) it is a whole page in the base layout. The "N most visited of M" sentence
    needs the number of places visited, which the page's summary counts: rather than run ``summarize`` again
    here (every figure a second time) or take the number from the query string (the user's to change),
    :func:`stats.visited_map` counts it in the map's own statement.
    """
    filters, _errors = _figure_filters()  # a bad filter's message is on the page; left out here as there
    visited = stats.visited_map(current_user, filters)
    gaps = stats.gaps(current_user, filters, idle_days=IDLE_DAYS, waiting_days=WAITING_DAYS)
    template = "dashboard/_deferred.html" if _fetched() else "dashboard/deferred.html"
    response = make_response(
        render_template(
            template,
            gaps=gaps,
            dashboard_url=_with_query("dashboard.index"),
            points=visited.points,
            located_total=visited.locations,
            points_data=stats.map_points_to_list(visited.points),
            map_limit=stats.MAP_POINT_LIMIT,
            tile_url=current_app.config.get("OUTREACH_MAP_TILE_URL") or "",
            tile_attribution=current_app.config.get("OUTREACH_MAP_TILE_ATTRIBUTION") or "",
        )
    )
    response.vary.add("X-Requested-With")  # the same URL is a fragment or a page
    return response


def _figure_filters() -> tuple[stats.StatsFilter, dict[str, str]]:
    """The dashboard's filters from the query string (the shared vocabulary, :mod:`services.filters`) and a
    message per bad value: a bad value is left out and the rest applies. Without a valid programme, the default
    one (the page puts it in its URL first; the deferred sections, fetched with the page's URL, get the same)."""
    found, errors = shared.parse_lenient(request.args, allowed=shared.FIGURE_PARAMETERS)
    filters = stats.StatsFilter.of(found)
    if filters.programme_id is None and ("programme_id" in errors or "programme_id" not in request.args):
        filters = replace(filters, programme_id=stats.default_programme_id(current_user))
    return filters, errors


def _with_query(endpoint: str, **extra: str) -> str:
    """``endpoint``'s URL with this request's query string (every parameter as it came, repeated ones too) and
    ``extra``. Never through ``url_for``'s keywords: a parameter named ``_anchor`` or ``_method`` is its own."""
    query = urlencode([*request.args.items(multi=True), *extra.items()])
    return url_for(endpoint) + (f"?{query}" if query else "")


def _fetched() -> bool:
    """Whether the dashboard's script asked (it sends ``X-Requested-With: fetch``), not a browser navigating."""
    return request.headers.get("X-Requested-With") == "fetch"


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
