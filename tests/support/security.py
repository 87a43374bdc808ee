"""Helpers of the security suite that several of its test modules use: the app's URL rules, a URL for a rule
with the own/other-unit ids filled in, and the header checks every response must pass."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import Rule as UrlRule

from outreach import create_app
from tests.security.policy import EXTRA_ARGS, QUERY


def url_rules() -> list[UrlRule]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    return sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)


RULES = url_rules()


def url_for_rule(rule: UrlRule, ids: dict[str, tuple[Any, Any]], scope: int) -> str:
    extra = EXTRA_ARGS.get(rule.endpoint, {})

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return str(extra[name] if name in extra else ids[name][scope])

    query = QUERY.get(rule.endpoint, "").format(**{k: v[scope] for k, v in ids.items()})
    return re.sub(r"<([^>]+)>", value, rule.rule) + query


def check_headers(response: Any, *, authenticated: bool) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("object-src") == ["'none'"], csp
    assert directives.get("base-uri") == ["'none'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    script = directives.get("script-src") or directives.get("default-src") or []
    assert "'unsafe-inline'" not in script, csp
    assert "'unsafe-eval'" not in script, csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")
    if response.mimetype == "text/html":
        assert "charset=utf-8" in response.headers["Content-Type"].lower()
    if authenticated:
        assert "no-store" in response.headers.get("Cache-Control", "")
