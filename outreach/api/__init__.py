"""Blueprint "api": the JSON API v1 at /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from outreach.api import views  # noqa: E402,F401,I001  (routes register on import)
from outreach.api import exports  # noqa: E402,F401  (issue 17: background exports)
