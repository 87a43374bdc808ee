"""Blueprint "reports"."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from outreach.reports import views  # noqa: E402,F401,I001  (routes register on import)
from outreach.reports import jobs, recaps  # noqa: E402,F401  (issue 17: background exports, scheduled recaps)
