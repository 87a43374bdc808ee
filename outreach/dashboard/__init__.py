"""Blueprint "dashboard"."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from outreach.dashboard import anev, locks, priorities, targets, views  # noqa: E402,F401  (routes register on import)
