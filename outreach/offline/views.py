"""The web app manifest, the service worker (at the root, so its scope is the whole app) and the outbox's
session check. The worker itself is ``templates/offline/sw.js``: rendered, so it names the static URLs as the
templates emit them (fingerprinted or not) instead of hard-coding file names."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from outreach.offline import bp

#: The worker's own modules, loaded from outreach/static/vendor/workbox (scripts/vendor.mjs), never a CDN.
WORKBOX_MODULES = ("core", "routing", "strategies", "expiration", "cacheable-response")
THEME_COLOUR = "#5c3d12"  # the navigation bar's .bg-polri
#: The pages the worker keeps a copy of: the form opens offline, the staff home shows the outbox.
OFFLINE_PAGES = ("activities.create", "activities.index")


@bp.app_context_processor
def _offline_context() -> dict[str, Any]:
    def offline_purge() -> bool:
        """True once after a logout: the next page clears this browser's outbox and caches (shared phones)."""
        return bool(session.pop("offline_purge", False))

    return {"offline_purge": offline_purge, "theme_colour": THEME_COLOUR}


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    icons = [
        {
            "src": url_for("static", filename=f"icons/outreach-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in (192, 512)
    ]
    body = {
        "name": "Outreach",
        "short_name": "Outreach",
        "description": _("Record Binmas outreach activities, also without a network."),
        "lang": "id",
        "start_url": url_for("activities.create"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker() -> Response:
    vendor = "vendor/workbox/"
    script = render_template(
        "offline/sw.js",
        workbox_sw=url_for("static", filename=vendor + "workbox-sw.js"),
        modules={
            f"workbox-{name}": url_for("static", filename=f"{vendor}workbox-{name}.prod.js")
            for name in WORKBOX_MODULES
        },
        pages=[url_for(endpoint) for endpoint in OFFLINE_PAGES],
        static_prefixes=[current_app.static_url_path + "/", "/bootstrap/"],
        data_prefixes=[url_for("activities.locations_search"), url_for("regions.index")],
    )
    # Served with Cache-Control: no-store like every page, so a deployment's new worker (other static URLs,
    # compared byte for byte by the browser) takes over on the next visit.
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline/session")
@login_required
def outbox_session() -> Response:
    """Who is logged in and a fresh CSRF token: a form stored offline may carry a stale one."""
    return jsonify(
        {
            "user_id": current_user.id,
            "csrf_token": generate_csrf(),
            "create_url": url_for("activities.create"),
        }
    )
