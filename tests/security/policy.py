"""THE authorisation policy of every route: who may call it and what an empty request returns.

Deny by default: test_matrix fails for any rule of ``app.url_map`` that has no entry here, so a new route
cannot ship without a decision. Outcomes (see test_matrix.expected):

- anonymous, and a deactivated user (whose session dies on the next request): ``login`` — a 302 to /login for
  HTML, a 401 JSON error under /api;
- a logged-in role not in ``roles``: 403 (admin passes every role check);
- an object of a sibling unit (``scoped`` routes, roles other than admin): 404 — the same answer as for an id
  that does not exist, so ids cannot be probed;
- an allowed role: one of ``ok[method]``, the precise statuses of an *empty* request (no form, no JSON body)
  against an own-unit object. 400/409/422 there mean "refused by validation or by the workflow state", e.g. a
  fresh draft cannot be verified (409) and an empty API body is a 400.
- ``public`` routes answer everybody with ``ok[method]`` (``login`` in there means "redirects to /login").
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAFF, COMMANDER, PR, ADMIN = "staff", "commander", "pr", "admin"
WRITERS = frozenset({STAFF, COMMANDER})
READERS = frozenset({PR, COMMANDER})
EVERYONE = frozenset({STAFF, COMMANDER, PR})
ADMIN_ONLY: frozenset[str] = frozenset()
LOGIN = "login"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # besides admin, who always passes
    ok: dict[str, frozenset[object]]
    scoped: bool = False  # object routes whose object must lie in the user's unit subtree
    public: bool = False
    #: the (empty) body is refused before the object is looked up: the same 400 inside and outside the scope
    body_first: bool = False
    #: the object is looked up before the role is checked (the API): other unit → 404 for every role
    lookup_first: bool = False
    #: per-role override of ``ok`` (e.g. the home page redirects elsewhere per role)
    ok_by_role: dict[str, dict[str, frozenset[object]]] = field(default_factory=dict)
    #: what a GET answers: a whole HTML ``PAGE`` (scanned by tests/e2e/test_accessibility.py, so each must be
    #: reachable there), or ``FRAGMENT`` (a piece of HTML htmx swaps into a page), ``JSON`` or ``FILE``; an
    #: ``api.`` route left at ``PAGE`` answers JSON
    serves: str = "page"


PAGE, FRAGMENT, JSON, FILE = "page", "fragment", "json", "file"


def s(*codes: object) -> frozenset[object]:
    return frozenset(codes)


G200 = {"GET": s(200)}
FORM = {"GET": s(200), "POST": s(200, 422)}  # GET renders; an empty POST re-renders with errors
POST_REDIRECT = {"POST": s(302)}

#: URL parameters some endpoints need beyond the shared object ids
EXTRA_ARGS = {
    "bootstrap.static": {"filename": "css/bootstrap.min.css"},
    "api.programmes_targets_put": {"unit_code": "POLSEK-A1X"},  # issue 15
    "api.priority_messages_delete": {"priority_id": "999999"},
    "dashboard.priorities_delete": {"priority_id": "999999"},  # issue 15, item 6: none to find → 404
    # issue 17: background exports; a job nobody requested is not found (404), for every role that may ask
    "api.exports_detail": {"job_id": "no-such-job"},
    "api.exports_download": {"job_id": "no-such-job"},
    "reports.job_status": {"job_id": "no-such-job"},
    "reports.job_download": {"job_id": "no-such-job"},
    # issue 17: scheduled recaps; none to find → 404 (another user's subscription is not found either)
    "reports.recap_subscription_edit": {"subscription_id": "999999"},
    "reports.recap_subscription_delete": {"subscription_id": "999999"},
    "reports.recap_subscription_preview": {"subscription_id": "999999"},
    "reports.recap_subscription_send": {"subscription_id": "999999"},
    "admin.channel_edit": {"channel_id": "999999"},
    "admin.channel_toggle": {"channel_id": "999999"},
    "admin.channel_test": {"channel_id": "999999"},
    "activities.pending_photo": {"token": "no-such-held-photo-token"},  # issue 14: none held → 404
}
#: query strings some endpoints need
QUERY = {
    "reports.texts": "?programme_id={programme_id}",
    "dashboard.targets": "?programme_id={programme_id}",  # issue 15
}

POLICY: dict[str, Rule] = {
    # --- public
    "static": Rule(EVERYONE, G200, public=True, serves=FILE),
    "bootstrap.static": Rule(EVERYONE, G200, public=True, serves=FILE),
    "auth.home": Rule(EVERYONE, {"GET": s(302, LOGIN)}, public=True),
    "auth.login": Rule(EVERYONE, {"GET": s(200, 302), "POST": s(200, 302)}, public=True),
    "auth.logout": Rule(EVERYONE, {"POST": s(LOGIN)}, public=True),
    "auth.language": Rule(EVERYONE, POST_REDIRECT, public=True),
    "api.openapi": Rule(EVERYONE, G200, public=True),
    # issue 14: the installable app's manifest and service worker; the outbox's session check
    "offline.manifest": Rule(EVERYONE, G200, public=True, serves=JSON),
    "offline.service_worker": Rule(EVERYONE, G200, public=True, serves=FILE),
    "offline.outbox_session": Rule(EVERYONE, G200, serves=JSON),
    # --- any logged-in user
    "auth.password": Rule(EVERYONE, {"GET": s(200), "POST": s(200)}),
    "activities.index": Rule(EVERYONE, G200),
    "activities.detail": Rule(EVERYONE, G200, scoped=True),
    "activities.photo": Rule(EVERYONE, G200, scoped=True, serves=FILE),
    "activities.photo_thumb": Rule(EVERYONE, G200, scoped=True, serves=FILE),
    # --- writers (staff, commander)
    "activities.mine": Rule(WRITERS, G200),
    "activities.locations_search": Rule(WRITERS, G200, serves=JSON),
    # --- issue 12: Kemendagri regions (autocomplete for any logged-in user; the registry's regions for admins)
    "regions.index": Rule(EVERYONE, G200, serves=JSON),
    "admin.locations_index": Rule(ADMIN_ONLY, G200),
    "admin.location_edit": Rule(ADMIN_ONLY, {"GET": s(200), "POST": s(302)}),  # empty POST keeps the values
    "activities.create": Rule(WRITERS, {"GET": s(200), "POST": s(422)}),
    "activities.edit": Rule(WRITERS, {"GET": s(200), "POST": s(422)}, scoped=True),
    "activities.add_photos": Rule(WRITERS, {"POST": s(302, 422)}, scoped=True),
    "activities.submit": Rule(WRITERS, POST_REDIRECT, scoped=True),
    "activities.delete": Rule(WRITERS, POST_REDIRECT, scoped=True),
    # --- commanders
    "activities.waiting": Rule(frozenset({COMMANDER}), G200),
    "activities.verify": Rule(frozenset({COMMANDER}), {"POST": s(409)}, scoped=True),
    "activities.return": Rule(frozenset({COMMANDER}), {"POST": s(409, 422)}, scoped=True),
    "activities.reopen": Rule(frozenset({COMMANDER}), {"POST": s(409)}, scoped=True),
    "activities.restore": Rule(ADMIN_ONLY, {"POST": s(409)}, scoped=True),
    # issue 15: target allocation (the commander's own unit's children; POLSEK-A1X has none: nothing changes)
    "dashboard.targets": Rule(frozenset({COMMANDER}), {"GET": s(200), "POST": s(302)}),
    "dashboard.anev_page": Rule(READERS, G200),
    "dashboard.anev_pdf": Rule(READERS, G200, serves=FILE),
    "dashboard.anev_xlsx": Rule(READERS, G200, serves=FILE),
    "dashboard.anev_directives": Rule(frozenset({COMMANDER}), POST_REDIRECT),
    "dashboard.locks_page": Rule(frozenset({COMMANDER}), {"GET": s(200), "POST": s(422)}),
    # issue 15: bulk verify (an empty POST chooses nothing: 422 on the preview)
    "activities.verify_all": Rule(frozenset({COMMANDER}), {"GET": s(200), "POST": s(422)}),
    # issue 15: plans (not PR: plans are internal); an empty POST of the form re-renders with errors
    "activities.plans_index": Rule(WRITERS, G200),
    "activities.plan_create": Rule(WRITERS, {"GET": s(200), "POST": s(422)}),
    "activities.plan_detail": Rule(WRITERS, G200, scoped=True),
    "activities.plan_approve": Rule(frozenset({COMMANDER}), POST_REDIRECT, scoped=True),
    "activities.plan_return": Rule(frozenset({COMMANDER}), {"POST": s(422)}, scoped=True),
    "dashboard.index": Rule(READERS, {"GET": s(302)}),  # adds the default filters
    # issue 17: the dashboard's map and gaps, fetched after its figures; a page of its own when opened directly
    # (without the script's X-Requested-With: fetch), so the accessibility walk scans it (the dashboard links it)
    "dashboard.deferred": Rule(READERS, G200),
    # --- reports (pr, commander); imports (staff, commander)
    "reports.index": Rule(READERS, G200),
    "reports.programme_pdf": Rule(READERS, G200, serves=FILE),
    "reports.export": Rule(READERS, G200, serves=FILE),
    "reports.recap": Rule(READERS, G200),  # issue 16: the WhatsApp recap page
    "reports.job_status": Rule(
        READERS, {"GET": s(404)}, serves=FRAGMENT
    ),  # issue 17: only the requester's (and admins') jobs
    "reports.job_download": Rule(READERS, {"GET": s(404)}, serves=FILE),
    "activities.photo_captions": Rule(WRITERS, POST_REDIRECT, scoped=True),  # issue 16: photo captions
    "reports.texts": Rule(READERS, {"GET": s(200), "POST": s(302)}),  # empty POST saves the texts unchanged
    "reports.activity_pdf": Rule(READERS, G200, scoped=True, serves=FILE),
    "reports.press": Rule(READERS, {"GET": s(200), "POST": s(200, 302)}, scoped=True),  # issue 16: POST saves
    "reports.imports_index": Rule(WRITERS, G200),
    "reports.import_template": Rule(WRITERS, G200, serves=FILE),
    "reports.import_preview": Rule(WRITERS, {"POST": s(422)}),
    "reports.import_confirm": Rule(WRITERS, {"POST": s(400)}),
    "reports.import_undo": Rule(WRITERS, POST_REDIRECT, scoped=True),
    # --- admin
    "admin.index": Rule(ADMIN_ONLY, G200),
    "admin.users_index": Rule(ADMIN_ONLY, G200),
    "admin.user_create": Rule(ADMIN_ONLY, FORM),
    "admin.user_edit": Rule(ADMIN_ONLY, FORM),
    "admin.units_index": Rule(ADMIN_ONLY, G200),
    "admin.unit_create": Rule(ADMIN_ONLY, FORM),
    "admin.unit_edit": Rule(ADMIN_ONLY, FORM),
    "admin.programmes_index": Rule(ADMIN_ONLY, G200),
    "admin.programme_create": Rule(ADMIN_ONLY, FORM),
    "admin.programme_edit": Rule(ADMIN_ONLY, FORM),
    "admin.programme_target": Rule(ADMIN_ONLY, {"POST": s(422)}),
    "admin.programme_target_delete": Rule(ADMIN_ONLY, POST_REDIRECT),
    "admin.catalogues_index": Rule(ADMIN_ONLY, {"GET": s(302)}),
    "admin.catalogue": Rule(ADMIN_ONLY, G200),
    "admin.catalogue_create": Rule(ADMIN_ONLY, FORM),
    "admin.catalogue_edit": Rule(ADMIN_ONLY, {"GET": s(200), "POST": s(302)}),  # empty POST keeps the values
    "admin.people_index": Rule(ADMIN_ONLY, G200),
    "admin.person_create": Rule(ADMIN_ONLY, FORM),
    "admin.person_edit": Rule(ADMIN_ONLY, FORM),
    "admin.audit_log": Rule(ADMIN_ONLY, G200),
    # --- API (bearer token; an empty body is refused with 400 before any role check)
    "api.units_index": Rule(EVERYONE, G200),
    "api.units_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.programmes_index": Rule(EVERYONE, G200),
    "api.programmes_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.programmes_detail": Rule(EVERYONE, G200),
    "api.programmes_report": Rule(READERS, G200, serves=FILE),
    "api.locations_index": Rule(EVERYONE, G200),
    "api.locations_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.stats_summary": Rule(EVERYONE, G200),
    # issue 17: background exports (readers start them; a job is visible to its requester and admins only)
    "api.exports_create": Rule(READERS, {"POST": s(400)}),
    "api.exports_detail": Rule(EVERYONE, {"GET": s(404)}),
    "api.exports_download": Rule(EVERYONE, {"GET": s(404)}),
    "api.activities_index": Rule(EVERYONE, G200),
    "api.activities_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.activities_detail": Rule(EVERYONE, G200, scoped=True, lookup_first=True),
    "api.activities_report": Rule(READERS, G200, scoped=True, lookup_first=True, serves=FILE),
    # issue 16: the press release over the API (read; keep Humas' edit) and the WhatsApp recap
    "api.recap": Rule(EVERYONE, {"GET": s(422)}),  # no unit, no date: per-field 422
    "api.activities_press": Rule(READERS, G200, scoped=True, lookup_first=True, serves=FILE),
    "api.activities_press_save": Rule(
        READERS, {"PUT": s(400)}, scoped=True, lookup_first=True, body_first=True
    ),
    "api.activities_update": Rule(
        EVERYONE, {"PATCH": s(400)}, scoped=True, lookup_first=True, body_first=True
    ),
    "api.activities_delete": Rule(WRITERS, {"DELETE": s(204)}, scoped=True, lookup_first=True),
    "api.activities_submit": Rule(
        EVERYONE, {"POST": s(200)}, scoped=True, lookup_first=True, ok_by_role={PR: {"POST": s(409)}}
    ),  # pr sees only verified activities: nothing it can see is submittable,
    "api.activities_verify": Rule(frozenset({COMMANDER}), {"POST": s(409)}, scoped=True, lookup_first=True),
    "api.activities_return": Rule(frozenset({COMMANDER}), {"POST": s(409)}, scoped=True, lookup_first=True),
    "api.activities_reopen": Rule(frozenset({COMMANDER}), {"POST": s(409)}, scoped=True, lookup_first=True),
    "api.activities_restore": Rule(ADMIN_ONLY, {"POST": s(409)}, scoped=True),  # role first
    # --- operations (issue 18): probes are public; /metrics is for allowed addresses or an admin
    "ops.healthz": Rule(EVERYONE, G200, public=True, serves=JSON),
    "ops.readyz": Rule(EVERYONE, G200, public=True, serves=JSON),  # conftest stamps the migration head
    "ops.metrics_view": Rule(ADMIN_ONLY, G200, serves=FILE),  # anonymous: 401 JSON; other roles: 403
    # issue 15: allocation (an empty body is a 400 before any lookup)
    "api.programmes_targets_put": Rule(EVERYONE, {"PUT": s(400)}),
    "api.activities_verify_many": Rule(EVERYONE, {"POST": s(400)}),
    "api.plans_index": Rule(WRITERS, G200),
    "api.programmes_lock_exception": Rule(EVERYONE, {"POST": s(400)}),
    "api.anev_index": Rule(
        EVERYONE, {"GET": s(400, 422)}
    ),  # the query (programme_id, from, to) is checked first
    "api.plans_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.plans_approve": Rule(frozenset({COMMANDER}), {"POST": s(200)}, scoped=True, lookup_first=True),
    "api.plans_return": Rule(frozenset({COMMANDER}), {"POST": s(422)}, scoped=True, lookup_first=True),
    # issue 15, item 6: priority messages (listing: everyone, what concerns their area; changes: commanders)
    "api.priority_messages_index": Rule(EVERYONE, G200),
    "api.priority_messages_create": Rule(EVERYONE, {"POST": s(400)}),
    "api.priority_messages_delete": Rule(frozenset({COMMANDER}), {"DELETE": s(404)}),
    "dashboard.priorities_page": Rule(frozenset({COMMANDER}), {"GET": s(200), "POST": s(422)}),
    "dashboard.priorities_delete": Rule(frozenset({COMMANDER}), {"POST": s(404)}),
    # issue 17: scheduled recaps (a commander's own subscriptions; channels are the admin's)
    "reports.recaps_index": Rule(frozenset({COMMANDER}), G200),
    "reports.recap_subscription_create": Rule(frozenset({COMMANDER}), {"GET": s(200), "POST": s(422)}),
    "reports.recap_subscription_edit": Rule(frozenset({COMMANDER}), {"GET": s(404), "POST": s(404)}),
    "reports.recap_subscription_delete": Rule(frozenset({COMMANDER}), {"POST": s(404)}),
    "reports.recap_subscription_preview": Rule(frozenset({COMMANDER}), {"GET": s(404)}),
    "reports.recap_subscription_send": Rule(frozenset({COMMANDER}), {"POST": s(404)}),
    "admin.channels_index": Rule(ADMIN_ONLY, {"GET": s(200), "POST": s(422)}),
    "admin.channel_edit": Rule(ADMIN_ONLY, {"GET": s(404), "POST": s(404)}),
    "admin.channel_toggle": Rule(ADMIN_ONLY, {"POST": s(404)}),
    "admin.channel_test": Rule(ADMIN_ONLY, {"POST": s(404)}),
    # issue 14: a photo held across a refused form (its uploader only), deleting a photo until verification
    "activities.pending_photo": Rule(WRITERS, {"GET": s(404)}, serves=FILE),
    "activities.delete_photo": Rule(WRITERS, {"POST": s(302, 404)}, scoped=True),
}
