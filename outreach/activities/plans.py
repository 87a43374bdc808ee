"""Plans (rencana kegiatan) in the browser: file, list, approve or return, and realise by an activity.

The routes live in the activities blueprint under /activities/plans. The rules are in
:mod:`outreach.services.plans`; each view commits once.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from outreach.activities import bp
from outreach.activities.forms import CommentForm, _opt_int, _options
from outreach.activities.views import _choices, _programmes
from outreach.extensions import db
from outreach.models import PlanStatus, Role
from outreach.security import role_required
from outreach.services import plans
from outreach.services.errors import Invalid
from outreach.services.schema.base import MAX_COUNT

PLAN_READERS = (Role.STAFF, Role.COMMANDER)
WRITERS = (Role.STAFF, Role.COMMANDER)
PAGE_SIZE = 50


class PlanForm(FlaskForm):
    programme_id = SelectField(_l("Programme"), coerce=_opt_int, validators=[InputRequired()])
    unit_code = SelectField(_l("Unit"), validators=[InputRequired()])
    kind = SelectField(_l("Kind of activity"), validators=[InputRequired()])
    planned_on = DateField(
        _l("Planned date"), validators=[InputRequired(message=_l("Enter the planned date."))]
    )
    title = StringField(
        _l("Title"), validators=[InputRequired(message=_l("Enter a title.")), Length(max=250)]
    )
    places = TextAreaField(_l("Intended places (one per line)"), validators=[Optional(), Length(max=5000)])
    messages = TextAreaField(
        _l("Intended messages (one per line)"), validators=[Optional(), Length(max=5000)]
    )
    expected_parcels = IntegerField(
        _l("Expected paket sembako"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)]
    )

    def set_choices(self) -> None:
        catalogue = _choices()
        self.programme_id.choices = _options([("", "—")] + [(p.id, p.name) for p in _programmes()])
        self.unit_code.choices = _options(
            [(u.code, ("· " * max(0, u.depth - current_user.unit.depth)) + u.name) for u in catalogue.units]
        )
        self.kind.choices = _options(
            [("", "—")] + [(k.code, k.label(catalogue.lang)) for k in catalogue.kinds]
        )


def _apply_errors(form: PlanForm, fields: dict[str, str]) -> None:
    names = {"date": "planned_on"}
    for key, message in fields.items():
        field = getattr(form, names.get(key, key), None)
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


@bp.route("/plans/")
@role_required(*PLAN_READERS)
def plans_index() -> str:
    wanted = request.args.get("status") or ""
    status = next((s for s in PlanStatus if s.value == wanted), None)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = plans.list_plans_query(current_user, plans.PlanFilter(status=status))
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "activities/plans.html", pagination=pagination, status=status, statuses=list(PlanStatus)
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def plan_create() -> Any:
    form = PlanForm()
    form.set_choices()
    if request.method == "GET":
        form.unit_code.data = current_user.unit.code
        return render_template("activities/plan_form.html", form=form)
    if form.validate():
        data = plans.PlanInput(
            programme_id=form.programme_id.data,
            unit_code=form.unit_code.data or "",
            kind=form.kind.data or "",
            planned_on=form.planned_on.data,
            title=form.title.data or "",
            places=form.places.data or "",
            messages=form.messages.data or "",
            expected_parcels=form.expected_parcels.data or 0,
        )
        try:
            plan = plans.create_plan(current_user, data)
        except Invalid as exc:
            db.session.rollback()
            _apply_errors(form, exc.fields)
        else:
            db.session.commit()
            flash(_("Plan filed for approval."), "success")
            return redirect(url_for("activities.plan_detail", plan_id=plan.id))
    return render_template("activities/plan_form.html", form=form), 422


def _render_detail(plan: Any, comment_form: CommentForm | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "activities/plan_detail.html",
            plan=plan,
            realised=plans.is_realised(plan),
            can_decide=plans.can_decide(current_user, plan),
            can_realise=plan.status is PlanStatus.APPROVED and current_user.role in (*WRITERS, Role.ADMIN),
            comment_form=comment_form or CommentForm(),
        ),
        status,
    )


@bp.route("/plans/<int:plan_id>")
@role_required(*PLAN_READERS)
def plan_detail(plan_id: int) -> Any:
    return _render_detail(plans.get_plan(current_user, plan_id))


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@role_required(Role.COMMANDER)
def plan_approve(plan_id: int) -> Any:
    plan = plans.get_plan(current_user, plan_id)
    plans.approve_plan(current_user, plan)
    db.session.commit()
    flash(_("Plan approved."), "success")
    return redirect(url_for("activities.plan_detail", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/return", methods=["POST"])
@role_required(Role.COMMANDER)
def plan_return(plan_id: int) -> Any:
    plan = plans.get_plan(current_user, plan_id)
    form = CommentForm()
    try:
        plans.return_plan(current_user, plan, form.comment.data or "")
    except Invalid as exc:
        db.session.rollback()
        form.comment.errors = list(exc.fields.values())
        return _render_detail(plan, form, 422)
    db.session.commit()
    flash(_("Plan returned with your comment."), "success")
    return redirect(url_for("activities.plan_detail", plan_id=plan.id))
