"""Blueprint "regions": the Kemendagri region autocomplete behind the place forms (JSON, login required)."""

from flask import Blueprint

bp = Blueprint("regions", __name__, url_prefix="/regions")

from outreach.regions import views  # noqa: E402,F401  (routes register on import)
