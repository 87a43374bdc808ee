"""Blueprint "reports"."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from outreach.reports import recaps, views  # noqa: E402,F401  (routes register on import)
