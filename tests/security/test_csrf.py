"""T5: CSRF on every state-changing browser route (with CSRF on), and GETs that never write."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from outreach.extensions import db
from tests.security.conftest import SecWorld, fingerprint, populate, table_counts
from tests.support.app import build_app
from tests.support.security import RULES, check_headers, url_for_rule

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FORM_RULES = [r for r in RULES if not r.rule.startswith("/api/") and (r.methods or set()) & UNSAFE]


@pytest.fixture(scope="module")
def csec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecWorld]:
    # Populate with CSRF off (logins and uploads through the views), then switch it on for the tests.
    app = build_app(tmp_path_factory.mktemp("csrf"))
    with app.app_context():
        sec = populate(app)
        app.config["WTF_CSRF_ENABLED"] = True
        yield sec
        db.session.remove()
        db.engine.dispose()


def _token(client, url: str = "/password") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_form_routes_are_enumerated() -> None:
    assert len(FORM_RULES) >= 30, [r.rule for r in FORM_RULES]


@pytest.mark.parametrize("role", ["anonymous", "admin", "commander"])
def test_every_post_without_token_is_400_and_writes_nothing(csec: SecWorld, role: str) -> None:
    client = csec.clients[role]
    before = fingerprint(skip=set())
    for rule in FORM_RULES:
        url = url_for_rule(rule, csec.ids_for(role), 0)
        for method in sorted((rule.methods or set()) & UNSAFE):
            response = client.open(url, method=method, data={"title": "x", "username": "admin"})
            assert response.status_code == 400, (method, url, response.status_code)
            check_headers(response, authenticated=role != "anonymous")
    assert fingerprint(skip=set()) == before
    # the session survives a refused form (nothing was logged out)
    if role != "anonymous":
        assert client.get("/activities/").status_code == 200


def test_token_of_another_session_is_refused(csec: SecWorld) -> None:
    victim = csec.clients["commander"]
    attacker = csec.app.test_client()
    login_token = _token(attacker, "/login")
    # The attacker's own session token, or one lifted from a different session, is no use to the victim.
    foreign = _token(csec.clients["staff"])
    activity = csec.ids["activity_id"][0]
    before = table_counts()
    for token in (login_token, foreign, "garbage", ""):
        response = victim.post(f"/activities/{activity}/delete", data={"csrf_token": token})
        assert response.status_code == 400, token
    assert table_counts() == before
    # and the victim's own token works (the test is not vacuous)
    own = _token(victim)
    response = victim.post("/language", data={"csrf_token": own, "lang": "en", "next": "/activities/"})
    assert response.status_code == 302


def test_login_form_needs_a_token(csec: SecWorld) -> None:
    client = csec.app.test_client()
    from tests.factories import PASSWORD

    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 400
    token = _token(client, "/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_get_crawl_as_admin_writes_nothing(csec: SecWorld) -> None:
    client = csec.app.test_client()
    login_page = _token(client, "/login")
    from tests.factories import PASSWORD

    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": login_page})
    before = fingerprint(skip={"audit_entries", "api_tokens"})
    seen = 0
    for rule in RULES:
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("static", "bootstrap.static"):
            continue
        for scope in (0, 1):
            url = url_for_rule(rule, csec.ids, scope)
            if rule.endpoint == "reports.texts":
                url += f"?programme_id={csec.ids['programme_id'][0]}"
            response = client.get(url)
            assert response.status_code < 500, url
            response.close()
            seen += 1
    assert seen > 40
    after = fingerprint(skip={"audit_entries", "api_tokens"})
    assert after == before
