"""Blueprint "activities": list, detail, create, edit, workflow."""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")

from outreach.activities import bulk, plans, views  # noqa: E402,F401  (routes register on import)
