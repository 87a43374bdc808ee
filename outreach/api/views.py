"""Views of the JSON API v1: authorise (token), parse strictly, call one service, commit once, answer JSON."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError

from outreach import download_audit
from outreach.errors import json_error
from outreach.extensions import csrf, db
from outreach.models import Activity, IdempotencyKey, PlanStatus, Programme, utcnow
from outreach.security import reports_control_characters
from outreach.services import activities as svc
from outreach.services import allocation, bulk, downloads, offline, plans
from outreach.services import filters as shared
from outreach.services.activity_list import ActivityFilter, page_activities
from outreach.services.errors import Invalid, NotFound
from outreach.services.locations import locations_query
from outreach.services.schema import parse as parse_input
from outreach.services.schema.activity import ActivityInput, CommentInput, ReasonInput
from outreach.services.schema.location import LocationCreateInput
from outreach.services.schema.operations import (
    LockExceptionBody,
    PlanBody,
    PressBody,
    PriorityBody,
    TargetsBody,
    VerifyManyBody,
)
from outreach.services.schema.registry import ProgrammeInput, UnitInput

from . import bp, registry
from . import payloads as p
from . import serializers as s
from .auth import authenticate, current_api_user
from .openapi import api_route, build_document
from .schema import parse, to_json

API_VERSION = "1.0.0"
IDEMPOTENCY_WINDOW = timedelta(hours=24)

csrf.exempt(bp)  # token-authenticated: no cookie ever authenticates the API, so there is nothing to forge
bp.before_request(authenticate)


class BadRequest(Exception):
    """A body that is not JSON, or not a JSON object."""


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest) -> Any:
    db.session.rollback()
    return json_error(400, "bad_request", str(exc))


# --------------------------------------------------------------------------------------------- helpers


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object (400 when it is malformed or not an object)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise BadRequest(_("Send a JSON object in the request body."))
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise BadRequest(_("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."))
    return data


def parse_body(cls: type, *, optional: bool = False) -> Any:
    """The body as ``cls``: a service schema (pydantic) or one of the API's own dataclasses."""
    data = json_body(optional=optional)
    if issubclass(cls, BaseModel):
        return parse_input(cls, data)
    return parse(cls, data)


def parse_query(cls: type) -> Any:
    return parse(cls, request.args.to_dict(), query=True)


def parse_filtered_query(
    cls: type, allowed: tuple[str, ...] = shared.PARAMETERS
) -> tuple[shared.Filters, Any]:
    """The shared filters (:mod:`outreach.services.filters`, the web pages' vocabulary) and the endpoint's
    other parameters (``cls``: paging, language…), with every bad parameter named in one 422."""
    found, errors = shared.parse_lenient(request.args, allowed=allowed)
    q = None
    own = {k: v for k, v in request.args.to_dict().items() if k not in shared.PARAMETERS}
    try:
        q = parse(cls, own, query=True)  # its filter fields (documentation only) stay at their defaults
    except Invalid as exc:
        errors = exc.fields | errors
    if errors:
        raise Invalid(errors, _("The request has invalid fields."))
    return found, q


def paginated(query: Select[Any], q: p.PageQuery, build: Any) -> Response:
    """Run ``query`` one page at a time in SQL and answer the list envelope (with an exact count: for the small
    tables; the activities count only up to a cap, see ``activities_index``)."""
    pagination = db.paginate(query, page=q.page, per_page=q.per_page, error_out=False, max_per_page=100)
    return jsonify(
        s.page([build(row) for row in pagination.items], pagination.total or 0, q.page, q.per_page)
    )


def created(payload: Any, location: str) -> tuple[Response, int]:
    response = jsonify(to_json(payload))
    response.headers["Location"] = location
    return response, 201


# --------------------------------------------------------------------------------------------- document


@api_route(
    bp,
    "/openapi.json",
    summary="This OpenAPI 3.1 document",
    tag="meta",
    public=True,
    response={"type": "object"},
)
def openapi() -> Response:
    return jsonify(build_document(bp.url_prefix or "", API_VERSION, "Outreach API"))


# --------------------------------------------------------------------------------------------- units


@api_route(
    bp,
    "/units",
    summary="Units in the caller's area, in tree order",
    tag="units",
    query=p.PageQuery,
    response=s.UnitOut,
    many=True,
)
def units_index() -> Response:
    q = parse_query(p.PageQuery)
    return paginated(registry.units_query(current_api_user()), q, s.unit_out)


@api_route(
    bp,
    "/units",
    ["POST"],
    summary="Create a unit (admin)",
    tag="units",
    body=UnitInput,
    response=s.UnitOut,
    status=201,
    errors=(403, 409),
)
def units_create() -> Any:
    body = parse_body(UnitInput)
    unit = registry.create_unit(current_api_user(), body)
    db.session.commit()
    return created(s.unit_out(unit), url_for("api.units_index"))


# --------------------------------------------------------------------------------------------- programmes


@api_route(
    bp,
    "/programmes",
    summary="Programmes",
    tag="programmes",
    query=p.PageQuery,
    response=s.ProgrammeOut,
    many=True,
)
def programmes_index() -> Response:
    q = parse_query(p.PageQuery)
    return paginated(registry.programmes_query(), q, s.programme_out)


@api_route(
    bp,
    "/programmes",
    ["POST"],
    summary="Create a programme with its targets (admin)",
    tag="programmes",
    body=ProgrammeInput,
    response=s.ProgrammeOut,
    status=201,
    errors=(403, 409),
)
def programmes_create() -> Any:
    body = parse_body(ProgrammeInput)
    programme = registry.create_programme(current_api_user(), body)
    db.session.commit()
    return created(s.programme_out(programme), url_for("api.programmes_detail", programme_id=programme.id))


@api_route(
    bp,
    "/programmes/<int:programme_id>",
    summary="One programme",
    tag="programmes",
    response=s.ProgrammeOut,
    errors=(404,),
)
def programmes_detail(programme_id: int) -> Response:
    return jsonify(to_json(s.programme_out(_programme(programme_id))))


def _programme(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(_("Programme not found."))
    return programme


@api_route(
    bp,
    "/programmes/<int:programme_id>/targets/<unit_code>",
    ["PUT"],
    summary="Allocate targets to a unit out of its parent's (the parent's commander, admin)",
    tag="programmes",
    body=TargetsBody,
    response=s.AllocationOut,
    errors=(403, 404, 422),
)
def programmes_targets_put(programme_id: int, unit_code: str) -> Response:
    body = parse_body(TargetsBody)
    user = current_api_user()
    programme = _programme(programme_id)
    unit = allocation.get_allocatable_unit(user, unit_code)
    allocation.set_targets(user, programme, unit, body.wanted())
    db.session.commit()
    assert unit.parent is not None
    return jsonify(
        to_json(s.allocation_out(programme.id, unit, allocation.allocation(programme, unit.parent)))
    )


# --------------------------------------------------------------------------------------------- plans


@api_route(
    bp,
    "/plans",
    summary="Plans (rencana kegiatan) in the caller's area, newest date first (not PR)",
    tag="plans",
    query=p.PlanQuery,
    response=s.PlanOut,
    many=True,
    errors=(403, 404),
)
def plans_index() -> Response:
    q = parse_query(p.PlanQuery)
    filters = plans.PlanFilter(
        programme_id=q.programme_id,
        unit_code=q.unit,
        status=PlanStatus(q.status) if q.status else None,
        date_from=q.date_from,
        date_to=q.date_to,
    )
    return paginated(plans.list_plans_query(current_api_user(), filters), q, s.plan_out)


@api_route(
    bp,
    "/plans",
    ["POST"],
    summary="File a plan for a commander's approval (staff, commander)",
    tag="plans",
    body=PlanBody,
    response=s.PlanOut,
    status=201,
    errors=(403, 422),
)
def plans_create() -> Any:
    body = parse_body(PlanBody)
    plan = plans.create_plan(current_api_user(), body.plan_input())
    db.session.commit()
    return created(s.plan_out(plan), url_for("api.plans_index"))


@api_route(
    bp,
    "/plans/<int:plan_id>/approve",
    ["POST"],
    summary="Approve a plan (commander)",
    tag="plans",
    response=s.PlanOut,
    errors=(403, 404, 409),
)
def plans_approve(plan_id: int) -> Response:
    user = current_api_user()
    plan = plans.get_plan(user, plan_id)
    json_body(optional=True)
    plans.approve_plan(user, plan)
    db.session.commit()
    return jsonify(to_json(s.plan_out(plan)))


@api_route(
    bp,
    "/plans/<int:plan_id>/return",
    ["POST"],
    summary="Return a plan with a comment (commander)",
    tag="plans",
    body=CommentInput,
    response=s.PlanOut,
    errors=(403, 404, 409, 422),
)
def plans_return(plan_id: int) -> Response:
    user = current_api_user()
    plan = plans.get_plan(user, plan_id)
    plans.return_plan(user, plan, parse_body(CommentInput, optional=True).comment)
    db.session.commit()
    return jsonify(to_json(s.plan_out(plan)))


# --------------------------------------------------------------------------------------------- anev


@api_route(
    bp,
    "/anev",
    summary="ANEV: the unit's child units over a period, scored, banded and ranked (commander, PR)",
    tag="stats",
    query=p.AnevQuery,
    response={"type": "object", "required": ["rows"], "properties": {"rows": {"type": "array"}}},
    errors=(403, 404, 422),
)
def anev_index() -> Response:
    from outreach.services import anev

    q = parse_query(p.AnevQuery)
    report = anev.build(current_api_user(), q.programme_id, q.unit, q.date_from, q.date_to)
    return jsonify(anev.to_dict(report))


@api_route(
    bp,
    "/programmes/<int:programme_id>/lock-exceptions",
    ["POST"],
    summary="Reopen a locked month for a unit and below (admin; commander for their area); audited",
    tag="programmes",
    body=LockExceptionBody,
    response=s.LockExceptionOut,
    status=201,
    errors=(403, 404, 422),
)
def programmes_lock_exception(programme_id: int) -> Any:
    from outreach.services import locks

    body = parse_body(LockExceptionBody)
    programme = _programme(programme_id)
    row = locks.grant_exception(current_api_user(), programme, body.unit_code, body.month, body.reason)
    db.session.commit()
    return created(s.lock_exception_out(row), url_for("api.programmes_detail", programme_id=programme.id))


# --------------------------------------------------------------------------------------------- priority messages


@api_route(
    bp,
    "/priority-messages",
    summary="Priority messages concerning the caller's area (or ?unit=), overlapping ?from= ?to= (issue 15)",
    tag="stats",
    query=p.PriorityQuery,
    response=s.PriorityOut,
    many=True,
    errors=(404,),
)
def priority_messages_index() -> Response:
    from outreach.services import priorities

    q = parse_query(p.PriorityQuery)
    query = priorities.list_query(
        current_api_user(),
        unit_code=q.unit,
        date_from=q.date_from,
        date_to=q.date_to,
        programme_id=q.programme_id,
    )
    return paginated(query, q, s.priority_out)


@api_route(
    bp,
    "/priority-messages",
    ["POST"],
    summary="Mark a message as the priority for a unit and a period (commander for their area, admin); audited",
    tag="stats",
    body=PriorityBody,
    response=s.PriorityOut,
    status=201,
    errors=(403, 422),
)
def priority_messages_create() -> Any:
    from outreach.services import priorities

    body = parse_body(PriorityBody)
    row = priorities.create(
        current_api_user(),
        unit_code=body.unit,
        message_id=body.message_id,
        date_from=body.date_from,
        date_to=body.date_to,
        programme_id=body.programme_id,
    )
    db.session.commit()
    return created(s.priority_out(row), url_for("api.priority_messages_index"))


@api_route(
    bp,
    "/priority-messages/<int:priority_id>",
    ["DELETE"],
    summary="Remove a priority message set in the caller's area (commander, admin); audited",
    tag="stats",
    status=204,
    errors=(403, 404),
)
def priority_messages_delete(priority_id: int) -> Any:
    from outreach.services import priorities

    priorities.remove(current_api_user(), priority_id)
    db.session.commit()
    return "", 204


# --------------------------------------------------------------------------------------------- locations


@api_route(
    bp,
    "/locations",
    summary="Registered locations in the caller's area; ?q= searches",
    tag="locations",
    query=p.SearchQuery,
    response=s.LocationOut,
    many=True,
)
def locations_index() -> Response:
    q = parse_query(p.SearchQuery)
    return paginated(locations_query(current_api_user(), q.q), q, s.location_out)


@api_route(
    bp,
    "/locations",
    ["POST"],
    summary="Register a location",
    tag="locations",
    body=LocationCreateInput,
    response=s.LocationOut,
    status=201,
    errors=(403, 409),
)
def locations_create() -> Any:
    body = parse_body(LocationCreateInput)
    location = registry.create_location(current_api_user(), body)
    db.session.commit()
    return created(s.location_out(location), url_for("api.locations_index", q=location.name))


# --------------------------------------------------------------------------------------------- activities


@api_route(
    bp,
    "/activities",
    summary="Activities in the caller's area, filtered and paginated",
    tag="activities",
    query=p.ActivityQuery,
    response=s.ActivityListItem,
    many=True,
    capped_total=True,
)
@reports_control_characters(*shared.PARAMETERS)  # the filter names every bad parameter
def activities_index() -> Response:
    found, q = parse_filtered_query(p.ActivityQuery)
    filters = ActivityFilter(**found.activity_fields(), deleted=q.deleted)
    listed = page_activities(
        current_api_user(),
        filters,
        q.page,
        q.per_page,
        count_cap=current_app.config["OUTREACH_LIST_COUNT_CAP"],
    )
    return jsonify(s.capped_page([s.activity_list_item(a) for a in listed.items], listed))


@api_route(
    bp,
    "/activities",
    ["POST"],
    summary="Record an activity (stored as a draft)",
    tag="activities",
    body=ActivityInput,
    response=s.ActivityOut,
    status=201,
    errors=(403, 409),
    headers=("Idempotency-Key",),
)
def activities_create() -> Any:
    user = current_api_user()
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        raise Invalid({"Idempotency-Key": _("At most %(n)d characters.", n=200)})
    if any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise Invalid({"Idempotency-Key": _("Remove the control characters from this field.")})
    body_hash = _body_hash()
    if key:
        replay = _replay(user.id, key, body_hash)
        if replay is not None:
            return replay
    activity, created_now = offline.create_or_return(user, parse_body(ActivityInput))
    if not created_now:  # the same client_id and body again (issue 14): the activity stored the first time,
        db.session.commit()  # answered as the first time was (201), like an Idempotency-Key replay
        response, status = created(
            s.activity_out(activity), url_for("api.activities_detail", activity_id=activity.id)
        )
        response.headers["Idempotent-Replayed"] = "true"
        return response, status
    if key:
        db.session.add(
            IdempotencyKey(user_id=user.id, key=key, activity_id=activity.id, request_hash=body_hash)
        )
    try:
        db.session.commit()
    except IntegrityError:  # the same key raced in from a parallel retry: answer with that one
        db.session.rollback()
        replay = _replay(user.id, key, body_hash) if key else None
        if replay is None:
            raise
        return replay
    return created(s.activity_out(activity), url_for("api.activities_detail", activity_id=activity.id))


def _body_hash() -> str:
    """SHA-256 of the body as canonical JSON (key order and spacing do not matter), else of its bytes."""
    data = request.get_json(silent=True)
    raw = (
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        if data is not None
        else request.get_data()
    )
    return hashlib.sha256(raw).hexdigest()


def _replay(user_id: int, key: str, body_hash: str) -> Any:
    """The first result for ``key`` when it is younger than 24 h; an older key is forgotten.

    A key reused with another body is refused (422), as payment APIs do: replaying the first result would
    tell the client its second, different request succeeded."""
    found = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if found is None:
        return None
    if utcnow() - found.created_at > IDEMPOTENCY_WINDOW:
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == found.id))
        return None
    if found.request_hash is not None and found.request_hash != body_hash:
        message = _(
            "This Idempotency-Key was already used with a different request body. "
            "Use a new key for a new request."
        )
        return json_error(422, "idempotency_key_reused", message, {"Idempotency-Key": message})
    if found.activity_id is None:
        return json_error(
            409, "conflict", _("This Idempotency-Key was used for a request whose result is gone.")
        )
    activity = svc.get_activity(current_api_user(), found.activity_id)
    response, status = created(
        s.activity_out(activity), url_for("api.activities_detail", activity_id=activity.id)
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response, status


@api_route(
    bp,
    "/activities/<int:activity_id>",
    summary="One activity with its visits",
    tag="activities",
    response=s.ActivityOut,
    errors=(404,),
)
def activities_detail(activity_id: int) -> Response:
    activity = svc.get_activity(current_api_user(), activity_id)
    return jsonify(to_json(s.activity_out(activity)))


@api_route(
    bp,
    "/activities/<int:activity_id>",
    ["PATCH"],
    summary="Change an activity: the keys given replace the stored ones (`version` guards edits)",
    tag="activities",
    body=p.ActivityPatch,
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_update(activity_id: int) -> Response:
    user = current_api_user()
    patch = parse_body(p.ActivityPatch)
    given = {name: getattr(patch, name) for name in patch.model_fields_set - {"version"}}
    sent_client_id = given.pop(
        "client_id", None
    )  # made with the activity (issue 14); the same one is harmless
    if sent_client_id is not None and str(sent_client_id) != svc.get_activity(user, activity_id).client_id:
        raise Invalid({"client_id": _("The client_id is set when the activity is created.")})
    if "messages" in given and "message_ids" not in given:
        given["message_ids"] = []  # the texts given replace every message, catalogued ones included
    activity = svc.get_activity(user, activity_id)
    data = svc.input_of(activity).model_copy(update=given)
    svc.update_activity(user, activity, data, version=patch.version)
    db.session.commit()
    return jsonify(to_json(s.activity_out(svc.get_activity(user, activity_id))))


@api_route(
    bp,
    "/activities/<int:activity_id>",
    ["DELETE"],
    summary="Delete an activity (an admin can restore it)",
    tag="activities",
    status=204,
    errors=(403, 404, 409),
)
def activities_delete(activity_id: int) -> tuple[str, int]:
    user = current_api_user()
    svc.delete_activity(user, svc.get_activity(user, activity_id))
    db.session.commit()
    return "", 204


def _transition(activity_id: int, action: str) -> Response:
    user = current_api_user()
    activity = svc.get_activity(user, activity_id)
    if action == "submit":
        json_body(optional=True)
        svc.submit_activity(user, activity)
    elif action == "verify":
        json_body(optional=True)
        svc.verify_activity(user, activity)
    elif action == "return":
        svc.return_activity(user, activity, parse_body(CommentInput, optional=True).comment)
    elif action == "reopen":
        svc.reopen_activity(user, activity, parse_body(ReasonInput, optional=True).reason)
    db.session.commit()
    return jsonify(to_json(s.activity_out(activity)))


@api_route(
    bp,
    "/activities/<int:activity_id>/submit",
    ["POST"],
    summary="Submit a draft for verification",
    tag="workflow",
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_submit(activity_id: int) -> Response:
    return _transition(activity_id, "submit")


@api_route(
    bp,
    "/activities/<int:activity_id>/verify",
    ["POST"],
    summary="Verify a submitted activity (commander)",
    tag="workflow",
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_verify(activity_id: int) -> Response:
    return _transition(activity_id, "verify")


@api_route(
    bp,
    "/activities/verify",
    ["POST"],
    summary="Verify many submitted activities at once (commander); the others are skipped with the reason",
    tag="workflow",
    body=VerifyManyBody,
    response=s.VerifyManyOut,
    errors=(403, 422),
)
def activities_verify_many() -> Response:
    body = parse_body(VerifyManyBody)
    result = bulk.verify_many(current_api_user(), body.ids)
    db.session.commit()
    return jsonify(to_json(s.verify_many_out(result)))


@api_route(
    bp,
    "/activities/<int:activity_id>/return",
    ["POST"],
    summary="Return a submitted activity with a comment",
    tag="workflow",
    body=CommentInput,
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_return(activity_id: int) -> Response:
    return _transition(activity_id, "return")


@api_route(
    bp,
    "/activities/<int:activity_id>/reopen",
    ["POST"],
    summary="Reopen a verified activity with a reason",
    tag="workflow",
    body=ReasonInput,
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_reopen(activity_id: int) -> Response:
    return _transition(activity_id, "reopen")


@api_route(
    bp,
    "/activities/<int:activity_id>/restore",
    ["POST"],
    summary="Restore a deleted activity (admin)",
    tag="workflow",
    response=s.ActivityOut,
    errors=(403, 404, 409),
)
def activities_restore(activity_id: int) -> Response:
    user = current_api_user()
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(_("Activity not found."))
    svc.restore_activity(user, activity)
    db.session.commit()
    return jsonify(to_json(s.activity_out(svc.get_activity(user, activity_id))))


# ------------------------------------------------------------------------------------- stats and reports

STATS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "activities",
        "visits",
        "locations",
        "parcels",
        "beneficiaries",
        "items",
        "by_unit",
        "by_kind",
        "by_location_kind",
        "by_month",
    ],
    "properties": {
        **{
            k: {"type": "integer", "minimum": 0}
            for k in ("activities", "visits", "locations", "parcels", "beneficiaries")
        },
        **{
            k: {"type": "array", "items": {"type": "object"}}
            for k in ("items", "by_unit", "by_kind", "by_location_kind", "by_district", "by_month")
        },
        "plans": {
            "type": "object",
            "description": "Approved plans in scope: planned, realised (an activity recorded against it), overdue "
            "(date past, none recorded), and by_unit per child unit.",
        },
    },
}


@api_route(
    bp,
    "/stats",
    summary="Totals and breakdowns, as on the dashboard (default: submitted and verified)",
    tag="stats",
    query=p.StatsQuery,
    response=STATS_SCHEMA,
    errors=(404,),
)
@reports_control_characters(*shared.PARAMETERS)  # the filter names every bad parameter
def stats_summary() -> Response:
    from outreach.services import stats

    found, _q = parse_filtered_query(p.StatsQuery, shared.FIGURE_PARAMETERS)
    filters = stats.StatsFilter.of(found)
    user = current_api_user()
    summary = stats.summarize(user, filters)
    data = stats.summary_to_dict(summary)
    data["plans"] = _plan_counts(user, filters)  # issue 15
    return jsonify(data)


def _plan_counts(user: Any, filters: Any) -> dict[str, Any]:
    """Planned / realised / overdue in the stats' scope (unit, programme, period), in total and per child."""
    root = user.unit
    if filters.unit_code:
        from outreach.services.scope import get_unit_in_scope

        root = get_unit_in_scope(user, filters.unit_code) or root  # stats already answered 404 for a bad one
    total, by_unit = plans.counts(
        root, programme_id=filters.programme_id, date_from=filters.date_from, date_to=filters.date_to
    )
    return total.as_dict() | {
        "by_unit": [{"unit": u.code, "name": u.name, **u.counts.as_dict()} for u in by_unit]
    }


def _pdf(data: bytes, filename: str) -> Response:
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@api_route(
    bp,
    "/programmes/<int:programme_id>/report.pdf",
    summary="The programme report (PDF; default: submitted and verified, as /stats)",
    tag="reports",
    query=p.ReportQuery,
    media_type="application/pdf",
    errors=(403, 404),
)
@reports_control_characters(*shared.PARAMETERS)  # the filter names every bad parameter
def programmes_report(programme_id: int) -> Response:
    from outreach.services import reports

    found, q = parse_filtered_query(p.ReportQuery, shared.FIGURE_PARAMETERS)
    programme = _programme(programme_id)
    filters = reports.report_filter(
        programme,
        unit_code=found.unit,
        date_from=found.date_from,
        date_to=found.date_to,
        statuses=found.statuses_or_default(),
    )
    data = reports.programme_report_pdf(current_api_user(), programme, filters, q.lang)
    download_audit.record(
        current_api_user(),
        downloads.Download(
            "report",
            "programme.pdf",
            "api",
            downloads.filter_summary(filters),
            rows=reports.count_activities(current_api_user(), filters),
            size_bytes=len(data),
        ),
        entity_id=programme.id,
    )
    return _pdf(data, f"laporan-programme-{programme.id}.pdf")


@api_route(
    bp,
    "/activities/<int:activity_id>/report.pdf",
    summary="The report of one activity (PDF)",
    tag="reports",
    query=p.ActivityReportQuery,
    media_type="application/pdf",
    errors=(403, 404),
)
def activities_report(activity_id: int) -> Response:
    from outreach.services import reports

    q = parse_query(p.ActivityReportQuery)
    activity = svc.get_activity(current_api_user(), activity_id)
    data = reports.activity_report_pdf(current_api_user(), activity, q.lang)
    download_audit.record(
        current_api_user(),
        downloads.Download("report", "activity.pdf", "api", rows=1, size_bytes=len(data), personal=True),
        entity_id=activity.id,
    )
    return _pdf(data, f"laporan-kegiatan-{activity.id}.pdf")


def _press_response(activity_id: int, q: p.PressQuery) -> Response:
    from outreach.services import reports

    user = current_api_user()
    agency = current_app.config["OUTREACH_AGENCY_NAME"]
    if q.format == "pdf":
        data = reports.press_pdf(user, activity_id, q.lang, agency=agency)
        return _pdf(data, f"siaran-pers-{activity_id}.pdf")
    if q.format == "docx":
        data = reports.press_docx(user, activity_id, q.lang, agency=agency)
        response = current_app.response_class(
            data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="siaran-pers-{activity_id}.docx"'
        return response
    release = reports.press_release(user, activity_id, q.lang)
    return current_app.response_class(
        f"{release.kicker}\n\n{release.text}\n", mimetype="text/plain; charset=utf-8"
    )


@api_route(
    bp,
    "/activities/<int:activity_id>/press",
    summary="The press release (siaran pers): text, PDF or DOCX; Humas' edit if any, else the draft",
    tag="reports",
    query=p.PressQuery,
    media_type="text/plain",
    errors=(403, 404),
)
def activities_press(activity_id: int) -> Response:
    svc.get_activity(current_api_user(), activity_id)
    return _press_response(activity_id, parse_query(p.PressQuery))


@api_route(
    bp,
    "/activities/<int:activity_id>/press",
    ["PUT"],
    summary="Keep Humas' edit of the press release (audited); an empty text goes back to the draft",
    tag="reports",
    body=PressBody,
    media_type="text/plain",
    errors=(403, 404, 422),
)
def activities_press_save(activity_id: int) -> Response:
    from outreach.services import reports

    user = current_api_user()
    reports.require_reader(user)
    text = parse_body(PressBody).text
    svc.get_activity(user, activity_id)
    if not text.strip():
        text = reports.draft_press(user, activity_id).text
    reports.save_press_text(user, activity_id, text)
    db.session.commit()
    return _press_response(activity_id, p.PressQuery())


@api_route(
    bp,
    "/recap",
    summary="The WhatsApp-ready recap of a unit's day or week (text/plain, at most 4,096 characters)",
    tag="reports",
    query=p.RecapQuery,
    media_type="text/plain",
    errors=(400, 422),
)
def recap() -> Response:
    from outreach.services import recap as recap_service
    from outreach.services import reports

    q = parse_query(p.RecapQuery)
    user = current_api_user()
    text = recap_service.build_recap(
        user, q.unit, q.date_from, q.date_to, reports.press_gettext(q.lang), q.lang
    )
    download_audit.record_recap(user, "api", q.unit, q.date_from, q.date_to, text)
    return current_app.response_class(text + "\n", mimetype="text/plain; charset=utf-8")
