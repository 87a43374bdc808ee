"""GET /regions?q=&level=&parent= → ``[{"code", "name", "level", "label"}]`` (at most 10, best first).

Served from ``services.regions`` (the data ships with the app: no outside call). ``level`` 1–4 is province,
regency, district, village; ``parent`` a code the results must lie under. Anything unusable answers an empty
list, except a ``level`` outside 1–4 (400, as JSON).
"""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from outreach.numerals import ascii_digits
from outreach.regions import bp
from outreach.services import regions


@bp.route("")
@login_required
def index() -> Response | tuple[Response, int]:
    level_arg = request.args.get("level", "").strip()
    level = int(level_arg) if ascii_digits(level_arg) else None
    if level_arg and level not in regions.LEVELS:
        return jsonify({"error": {"code": "invalid", "message": _("Level must be 1 to 4.")}}), 400
    found = regions.search(
        request.args.get("q", "")[:120],
        level=level,
        parent=request.args.get("parent", "")[:13].strip() or None,
    )
    return jsonify(
        [{"code": r.code, "name": r.name, "level": r.level, "label": regions.label(r.code)} for r in found]
    )
