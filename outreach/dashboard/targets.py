"""The target allocation page: a commander splits their unit's programme targets among its child units.

One table per programme: a row per child unit, a column per indicator the commander's unit has a target for,
the sum allocated and the remainder beneath. Saving replaces each child's allocation through
:func:`outreach.services.allocation.set_targets` (the same rules and audit as the API's PUT) and commits once.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outreach.dashboard import bp
from outreach.extensions import db
from outreach.models import Indicator, Programme, Role, Unit
from outreach.numerals import ascii_digits
from outreach.security import role_required
from outreach.services import allocation
from outreach.services import filters as shared
from outreach.services.errors import Invalid
from outreach.services.scope import get_unit_in_scope


def _parent() -> Unit:
    """The commander's own unit; an administrator may pick any unit of their area with ``?unit=``."""
    code = request.args.get("unit")
    if current_user.role is Role.ADMIN and code:
        unit = get_unit_in_scope(current_user, code)
        if unit is None:
            abort(404)
        return unit
    unit: Unit = current_user.unit
    return unit


@bp.route("/targets", methods=["GET", "POST"])
@role_required(Role.COMMANDER)
def targets() -> Any:
    programmes = list(
        db.session.scalars(select(Programme).order_by(Programme.is_active.desc(), Programme.start_on.desc()))
    )
    found, errors = shared.parse_lenient(request.args, allowed=shared.PAGE_PARAMETERS)
    programme_id = found.programme_id
    programme = next((p for p in programmes if p.id == programme_id), None)
    if programme is None:
        if programme_id is not None or "programme_id" in errors or request.method == "POST":
            abort(404)
        return render_template("dashboard/targets.html", programmes=programmes, programme=None)
    parent = _parent()
    state = allocation.allocation(programme, parent)
    errors: dict[str, str] = {}
    entered: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        for child in state.children:
            wanted: dict[Indicator, int | None] = {}
            for indicator in Indicator:
                name = f"{child.unit.code}.{indicator.value}"
                raw = (request.form.get(name) or "").strip()
                entered[name] = raw
                if not raw:
                    # A column the parent has no target for is not shown: keep what is there.
                    wanted[indicator] = None if indicator in state.own else child.targets.get(indicator)
                elif ascii_digits(raw) and int(raw) <= allocation.MAX_TARGET:
                    wanted[indicator] = int(raw)
                else:
                    errors[name] = _("Enter a number of zero or more.")
            if any(k.startswith(f"{child.unit.code}.") for k in errors):
                continue
            try:
                with db.session.begin_nested():
                    allocation.set_targets(current_user, programme, child.unit, wanted)
            except Invalid as exc:
                errors.update({f"{child.unit.code}.{k}": v for k, v in exc.fields.items()})
        if not errors:
            db.session.commit()
            flash(_("Targets allocated."), "success")
            return redirect(
                url_for("dashboard.targets", programme_id=programme.id, unit=request.args.get("unit"))
            )
        db.session.rollback()
        state = allocation.allocation(programme, parent)
        status = 422
    return (
        render_template(
            "dashboard/targets.html",
            programmes=programmes,
            programme=programme,
            state=state,
            indicators=[i for i in Indicator if i in state.own],
            errors=errors,
            entered=entered,
        ),
        status,
    )
