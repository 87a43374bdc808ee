"""Blueprint "offline" (issue 14): the installable app's manifest, its service worker, and what the outbox
asks the server before it sends (who is logged in, a fresh CSRF token)."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from outreach.offline import views  # noqa: E402,F401  (routes register on import)
