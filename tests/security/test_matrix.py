"""T1/T2: every URL-map rule × method × role × own/other-unit object against tests/security/policy.py."""

from __future__ import annotations

import os
from typing import Any

import pytest
from werkzeug.routing import Rule as UrlRule

from tests.security.conftest import OTHER_UNIT, OWN_UNIT, ROLES, SecWorld, fingerprint
from tests.security.policy import ADMIN, FILE, FRAGMENT, JSON, LOGIN, PAGE, POLICY, Rule
from tests.support.security import RULES, url_for_rule

SKIP_METHODS = {"HEAD", "OPTIONS"}


CASES = [(r.endpoint, m) for r in RULES for m in sorted((r.methods or set()) - SKIP_METHODS)]


def expected(rule: Rule, method: str, role: str, scope: int) -> frozenset[object]:
    if rule.public:
        return rule.ok_by_role.get(role, rule.ok)[method]
    if role in ("anonymous", "deactivated"):
        return frozenset({LOGIN})
    if rule.lookup_first and rule.scoped and scope == 1 and role != ADMIN and not rule.body_first:
        return frozenset({404})
    if role != ADMIN and role not in rule.roles:
        return frozenset({403})
    if rule.scoped and scope == 1 and role != ADMIN and not rule.body_first:
        return frozenset({404})
    return rule.ok_by_role.get(role, rule.ok)[method]


def observe(response: Any) -> object:
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login"):
        return LOGIN
    if response.status_code == 401 and response.is_json:
        return LOGIN
    return response.status_code


def _object_params(rule: UrlRule) -> bool:
    return any(
        a in {"activity_id", "photo_id", "batch_id", "user_id", "unit_id", "plan_id"} for a in rule.arguments
    )


def test_every_rule_has_a_policy() -> None:
    endpoints = {r.endpoint for r in RULES}
    missing = sorted(endpoints - POLICY.keys())
    stale = sorted(POLICY.keys() - endpoints)
    assert not missing, f"routes without an authorisation rule in tests/security/policy.py: {missing}"
    assert not stale, f"policy entries for routes that no longer exist: {stale}"
    for endpoint, method in CASES:
        assert method in POLICY[endpoint].ok, f"{endpoint}: no expected outcome for {method}"


def _request(sec: SecWorld, role: str, method: str, url: str) -> Any:
    client = sec.clients[role]
    headers = {}
    if url.startswith("/api/") and role != "anonymous":
        headers["Authorization"] = f"Bearer {sec.tokens[role]}"
    return client.open(url, method=method, headers=headers)


def _served(response: Any) -> str:
    """What a 200 answers, in the policy's words (``Rule.serves``): the accessibility scan opens the pages."""
    if response.is_json or response.mimetype == "application/manifest+json":
        return JSON
    if response.mimetype != "text/html":
        return FILE
    head = response.get_data(as_text=True)[:500].lower()
    return PAGE if "<html" in head else FRAGMENT


def _serves(endpoint: str) -> str:
    serves = POLICY[endpoint].serves
    return JSON if endpoint.startswith("api.") and serves == PAGE else serves


@pytest.mark.parametrize(("endpoint", "method"), CASES)
def test_matrix(sec: SecWorld, endpoint: str, method: str) -> None:
    rule = next(r for r in RULES if r.endpoint == endpoint)
    policy = POLICY.get(endpoint)
    assert policy is not None, f"{endpoint} has no rule in tests/security/policy.py"
    scopes = (0, 1) if _object_params(rule) else (0,)
    cells = [(role, scope, expected(policy, method, role, scope)) for role in ROLES for scope in scopes]
    unsafe = method != "GET"

    def is_allowed(want: frozenset[object]) -> bool:
        return bool(want - {LOGIN, 403, 404}) or policy.public

    # Refused cells first, on the shared objects: together they must leave the database exactly as it was.
    cells.sort(key=lambda cell: is_allowed(cell[2]))
    before = fingerprint() if unsafe else None
    mismatches = []
    for role, scope, want in cells:
        allowed = is_allowed(want)
        if unsafe and before is not None and allowed:
            if fingerprint() != before:
                mismatches.append(f"refused {method}s changed the database")
            before = None
        ids = sec.ids_for(role)
        if unsafe and allowed:
            # An allowed write gets objects of its own so that it cannot disturb the other cells.
            unit = (OWN_UNIT, OTHER_UNIT)[scope]
            fresh_activity = sec.fresh_activity(unit, verified=role == "pr")
            fresh_batch = sec.fresh_batch(unit)
            ids["activity_id"] = (fresh_activity, fresh_activity)
            ids["batch_id"] = (fresh_batch, fresh_batch)
            if "plan_id" in rule.arguments:  # issue 15: a plan of its own, still waiting for approval
                fresh_plan = sec.fresh_plan(unit)
                ids["plan_id"] = (fresh_plan, fresh_plan)
            if endpoint == "admin.programme_target_delete":
                target = sec.fresh_target()
                ids["target_id"] = (target, target)
        response = _request(sec, role, method, url_for_rule(rule, ids, scope))
        got = observe(response)
        if method == "GET" and got == 200 and (kind := _served(response)) != _serves(endpoint):
            mismatches.append(
                f"{role:<11} {('own', 'other')[scope]:<5} → serves a {kind}, policy says {_serves(endpoint)}"
            )
        response.close()
        if got not in want:
            mismatches.append(
                f"{role:<11} {('own', 'other')[scope]:<5} → {got} (want {sorted(map(str, want))})"
            )
        if endpoint == "auth.logout" or (endpoint == "auth.password" and method == "POST"):
            sec.relogin(role)
    if before is not None and fingerprint() != before:
        mismatches.append(f"refused {method}s changed the database")
    if os.environ.get("SECURITY_MATRIX_SHOW"):
        print(endpoint, method, mismatches)
    assert not mismatches, f"{method} {rule.rule}:\n" + "\n".join(mismatches)


def test_the_fingerprint_sees_an_update_in_place(sec: SecWorld) -> None:
    """The "refused writes change nothing" check is not vacuous: a one-field update changes the digest."""
    from outreach.extensions import db
    from outreach.models import Activity

    activity = db.session.get(Activity, sec.fresh_activity(OWN_UNIT))
    before = fingerprint()
    activity.title = activity.title + " (edited)"
    db.session.commit()
    assert fingerprint() != before
