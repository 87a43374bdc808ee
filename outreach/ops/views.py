"""``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` (Prometheus).

Health answers need no login and carry no personal data; they are cheap enough to poll every few seconds
(``/healthz`` touches nothing; ``/readyz`` runs two tiny statements and a permission check). ``/metrics`` is
for the addresses in ``OUTREACH_METRICS_ALLOW`` or an administrator (API token, or a logged-in admin).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from outreach import metrics
from outreach.errors import json_error
from outreach.models import Role
from outreach.ops import bp, health
from outreach.services import tokens

_NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz() -> Any:
    return jsonify({"status": "ok"}), 200, _NO_STORE


@bp.route("/readyz")
def readyz() -> Any:
    ok, checks = health.readiness(current_app)
    return jsonify({"status": "ok" if ok else "fail", "checks": checks}), 200 if ok else 503, _NO_STORE


def _allowed_networks() -> list[Any]:
    raw = current_app.config.get("OUTREACH_METRICS_ALLOW") or ""
    cache = current_app.extensions.setdefault("outreach_metrics_allow", {})
    if raw not in cache:
        try:
            cache[raw] = metrics.parse_allow(raw)
        except ValueError:
            current_app.logger.error("OUTREACH_METRICS_ALLOW is not a list of addresses: %r", raw)
            cache[raw] = []
    return cache[raw]  # type: ignore[no-any-return]


def _refuse_metrics() -> Any:
    """None when the caller may read the metrics; else the JSON refusal (401 anonymous, 403 non-admin)."""
    if metrics.address_allowed(request.remote_addr, _allowed_networks()):
        return None
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        token = tokens.verify_token(raw.strip())
        if token is None:
            return _unauthorized()
        if token.user.role is not Role.ADMIN:
            return json_error(403, "forbidden", _("You are not allowed to do this."))
        return None
    if current_user.is_authenticated:
        if current_user.role is not Role.ADMIN:
            return json_error(403, "forbidden", _("You are not allowed to do this."))
        return None
    return _unauthorized()


def _unauthorized() -> Any:
    response, status = json_error(401, "unauthorized", _("Send an administrator's API token."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="outreach"'
    return response, status


@bp.route("/metrics")
def metrics_view() -> Any:
    refused = _refuse_metrics()
    if refused is not None:
        return refused
    body, content_type = metrics.render()
    return current_app.response_class(body, content_type=content_type, headers=_NO_STORE)
