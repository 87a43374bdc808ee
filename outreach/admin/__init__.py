"""Blueprint "admin"."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from outreach.admin import channels, views  # noqa: E402,F401  (routes register on import)
