"""Blueprint "auth": login, logout, password change, language choice."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from outreach.auth import views  # noqa: E402,F401  (routes register on import)
