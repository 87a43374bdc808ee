"""Admin views (admin only): users, units, programmes, catalogues, people and the audit log."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from outreach.admin import bp
from outreach.admin.forms import (
    CatalogueEditForm,
    CatalogueForm,
    PersonForm,
    ProgrammeForm,
    UnitEditForm,
    UnitForm,
    UnitTargetForm,
    UserCreateForm,
    UserEditForm,
    as_choices,
)
from outreach.extensions import db
from outreach.models import Indicator, Person, Programme, ProgrammeKind, Role, Unit, UnitLevel, User
from outreach.models.types import parse_id
from outreach.security import role_required
from outreach.services import admin, users
from outreach.services.errors import Invalid


def unit_choices(*, none: bool = False, exclude_subtree_of: Unit | None = None) -> list[SelectChoice]:
    """Units for a select list in tree order, optionally led by an empty choice."""
    pairs = admin.unit_choices(exclude_subtree_of=exclude_subtree_of)
    return as_choices([(0, "—"), *pairs] if none else pairs)


def _show_errors(form: Any, exc: Invalid, aliases: dict[str, str] | None = None) -> None:
    """Put each service error at its field (the form keeps what was typed); nothing of the change is kept."""
    db.session.rollback()
    for name, message in exc.fields.items():
        target = getattr(form, (aliases or {}).get(name, name), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            flash(message, "danger")


def _page_size() -> int:
    return int(current_app.config["OUTREACH_PAGE_SIZE"])


# --------------------------------------------------------------------------- landing page


@bp.route("/")
@role_required()
def index() -> str:
    titles = {k: str(v) for k, v in CATALOGUE_TITLES.items()}
    return render_template("admin/index.html", overview=admin.overview(), catalogue_titles=titles)


# --------------------------------------------------------------------------- users


@bp.route("/users")
@role_required()
def users_index() -> str:
    unit_id = request.args.get("unit", type=parse_id)
    page = db.paginate(admin.users_query(unit_id), per_page=_page_size(), error_out=False)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    return render_template("admin/users.html", page=page, unit=unit)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required()
def user_create() -> Response | str:
    form = UserCreateForm()
    form.unit_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        try:
            if unit is None:
                raise Invalid({"unit_id": _("Choose an existing unit.")})
            user = users.create_user(
                form.username.data or "",
                form.password.data or "",
                Role(form.role.data),
                unit,
                full_name=(form.full_name.data or "").strip(),
                actor=current_user,
                must_change_password=bool(form.must_change_password.data),
            )
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required()
def user_edit(user_id: int) -> Response | str:
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        try:
            admin.update_user(
                current_user, user,
                full_name=form.full_name.data or "", role=Role(form.role.data), unit_id=form.unit_id.data,
            )  # fmt: skip
            active = bool(form.is_active.data)
            if not active:
                admin.check_can_deactivate(current_user, user)
            users.set_active(user, active, actor=current_user)
            if form.new_password.data:
                users.set_password(user, form.new_password.data, actor=current_user)
        except Invalid as exc:
            _show_errors(form, exc, {"password": "new_password"})
        else:
            db.session.commit()
            if user.id == current_user.id and form.new_password.data:
                login_user(user)  # keep this session alive under the new epoch; the others end
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=user)


# --------------------------------------------------------------------------- units


def _unit_input(form: UnitForm) -> admin.UnitInput:
    return admin.UnitInput(
        code=form.code.data or "" if form.code is not None else "",
        name=form.name.data or "",
        level=UnitLevel(form.level.data),
        kind=form.kind.data,
        parent_id=form.parent_id.data,
        province=form.province.data,
        regency=form.regency.data,
        district=form.district.data,
        city=form.city.data,
        timezone=form.timezone.data or "WIB",
        is_active=bool(form.is_active.data),
    )


@bp.route("/units")
@role_required()
def units_index() -> str:
    return render_template("admin/units.html", units=admin.units_in_tree_order())


@bp.route("/units/new", methods=["GET", "POST"])
@role_required()
def unit_create() -> Response | str:
    form = UnitForm(parent_id=request.args.get("parent", type=parse_id))
    form.parent_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        try:
            unit = admin.create_unit(current_user, _unit_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("admin.units_index"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required()
def unit_edit(unit_id: int) -> Response | str:
    unit = db.get_or_404(Unit, unit_id)
    form = UnitEditForm(obj=unit)
    if request.method == "GET":
        form.level.data = unit.level.value
    form.parent_id.choices = unit_choices(none=True, exclude_subtree_of=unit)
    if form.validate_on_submit():
        try:
            admin.update_unit(current_user, unit, _unit_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("admin.units_index"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


# --------------------------------------------------------------------------- programmes


def _programme_input(form: ProgrammeForm) -> admin.ProgrammeInput:
    return admin.ProgrammeInput(
        name=form.name.data or "",
        kind=ProgrammeKind(form.kind.data),
        start_on=form.start_on.data,  # type: ignore[arg-type]
        end_on=form.end_on.data,  # type: ignore[arg-type]
        description=form.description.data or "",
        unit_id=form.unit_id.data,
        is_active=bool(form.is_active.data),
        targets={i: getattr(form, f"target_{i.value}").data for i in Indicator},
        lock_after_days=form.lock_after_days.data,
        anev_good_min=form.anev_good_min.data or 90,
        anev_fair_min=form.anev_fair_min.data or 50,
    )


def _programme_form(programme: Programme, *, posted: bool) -> ProgrammeForm:
    """The edit form: what was posted, else the stored values (enum values and overall targets filled in)."""
    form = ProgrammeForm(obj=programme) if posted else ProgrammeForm(obj=programme, formdata=None)
    if not posted:
        form.kind.data = programme.kind.value
        for target in programme.targets:
            if target.unit_id is None:
                getattr(form, f"target_{target.indicator.value}").data = target.target
    form.unit_id.choices = unit_choices(none=True)
    return form


@bp.route("/programmes")
@role_required()
def programmes_index() -> str:
    return render_template("admin/programmes.html", programmes=admin.list_programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
@role_required()
def programme_create() -> Response | str:
    form = ProgrammeForm()
    form.unit_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        try:
            programme = admin.create_programme(current_user, _programme_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Programme %(name)s created.", name=programme.name), "success")
            return redirect(url_for("admin.programme_edit", programme_id=programme.id))
    return render_template("admin/programme_form.html", form=form, programme=None)


def _target_form() -> UnitTargetForm:
    form = UnitTargetForm(prefix="t")
    form.unit_id.choices = unit_choices(none=True)
    return form


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@role_required()
def programme_edit(programme_id: int) -> Response | str:
    programme = db.get_or_404(Programme, programme_id)
    form = _programme_form(programme, posted=request.method == "POST")
    if form.validate_on_submit():
        try:
            admin.update_programme(current_user, programme, _programme_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Programme %(name)s saved.", name=programme.name), "success")
            return redirect(url_for("admin.programme_edit", programme_id=programme.id))
    return render_template(
        "admin/programme_form.html", form=form, programme=programme, target_form=_target_form(),
        unit_targets=admin.unit_targets(programme),
    )  # fmt: skip


@bp.route("/programmes/<int:programme_id>/targets", methods=["POST"])
@role_required()
def programme_target(programme_id: int) -> Response | tuple[str, int]:
    programme = db.get_or_404(Programme, programme_id)
    target_form = _target_form()
    if target_form.validate_on_submit():
        try:
            admin.set_unit_target(
                current_user, programme, target_form.unit_id.data, Indicator(target_form.indicator.data),
                target_form.target.data,
            )  # fmt: skip
        except Invalid as exc:
            _show_errors(target_form, exc)
        else:
            db.session.commit()
            flash(_("Target saved."), "success")
            return redirect(url_for("admin.programme_edit", programme_id=programme.id))
    form = _programme_form(programme, posted=False)
    return render_template(
        "admin/programme_form.html", form=form, programme=programme, target_form=target_form,
        unit_targets=admin.unit_targets(programme),
    ), 422  # fmt: skip


@bp.route("/programmes/<int:programme_id>/targets/<int:target_id>/delete", methods=["POST"])
@role_required()
def programme_target_delete(programme_id: int, target_id: int) -> Response:
    programme = db.get_or_404(Programme, programme_id)
    admin.delete_unit_target(current_user, programme, target_id)
    db.session.commit()
    flash(_("Target removed."), "success")
    return redirect(url_for("admin.programme_edit", programme_id=programme.id))


# --------------------------------------------------------------------------- catalogues

CATALOGUE_TITLES = {
    "activity-kinds": _l("Activity kinds"),
    "location-kinds": _l("Location kinds"),
    "item-kinds": _l("Item kinds"),
    "partner-kinds": _l("Partner kinds"),
    "messages": _l("Kamtibmas messages"),
}


def _catalogue_input(form: CatalogueForm, slug: str) -> admin.CatalogueInput:
    return admin.CatalogueInput(
        code=(form.code.data or "") if form.code is not None else "",
        label_id=form.label_id.data or "",
        label_en=form.label_en.data or "",
        sort_order=form.sort_order.data or 0,
        is_active=bool(form.is_active.data),
        is_key=bool(form.is_key.data) if slug == "location-kinds" else False,
        measure=(form.measure.data or "") if slug == "item-kinds" else "",
    )


def _catalogue_context(slug: str) -> dict[str, Any]:
    titles = {k: str(v) for k, v in CATALOGUE_TITLES.items()}
    return {"slug": slug, "title": titles[slug], "titles": titles}


@bp.route("/catalogues/")
@role_required()
def catalogues_index() -> Response:
    return redirect(url_for("admin.catalogue", slug="activity-kinds"))


@bp.route("/catalogues/<slug>/")
@role_required()
def catalogue(slug: str) -> str:
    model = admin.catalogue_model(slug)
    entries = admin.catalogue_entries(model)
    return render_template("admin/catalogue.html", entries=entries, **_catalogue_context(slug))


@bp.route("/catalogues/<slug>/new", methods=["GET", "POST"])
@role_required()
def catalogue_create(slug: str) -> Response | str:
    model = admin.catalogue_model(slug)
    form = CatalogueForm()
    if form.validate_on_submit():
        try:
            entry = admin.create_entry(current_user, model, _catalogue_input(form, slug))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Entry %(code)s added.", code=entry.code), "success")
            return redirect(url_for("admin.catalogue", slug=slug))
    return render_template("admin/catalogue_form.html", form=form, entry=None, **_catalogue_context(slug))


@bp.route("/catalogues/<slug>/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required()
def catalogue_edit(slug: str, entry_id: int) -> Response | str:
    model = admin.catalogue_model(slug)
    entry = db.get_or_404(model, entry_id)
    form = CatalogueEditForm(obj=entry)
    if form.validate_on_submit():
        try:
            admin.update_entry(current_user, entry, _catalogue_input(form, slug))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Entry %(code)s saved.", code=entry.code), "success")
            return redirect(url_for("admin.catalogue", slug=slug))
    return render_template("admin/catalogue_form.html", form=form, entry=entry, **_catalogue_context(slug))


# --------------------------------------------------------------------------- people


def _person_input(form: PersonForm) -> admin.PersonInput:
    return admin.PersonInput(
        rank=form.rank.data or "",
        name=form.name.data or "",
        degrees=form.degrees.data,
        nrp=form.nrp.data,
        position=form.position.data,
        unit_id=form.unit_id.data,
        is_active=bool(form.is_active.data),
    )


@bp.route("/people")
@role_required()
def people_index() -> str:
    unit_id = request.args.get("unit", type=parse_id) or None
    page = db.paginate(admin.people_query(unit_id), per_page=_page_size(), error_out=False)
    return render_template(
        "admin/people.html", page=page, unit_id=unit_id, unit_choices=admin.unit_choices(),
        unit=db.session.get(Unit, unit_id) if unit_id else None,
    )  # fmt: skip


@bp.route("/people/new", methods=["GET", "POST"])
@role_required()
def person_create() -> Response | str:
    form = PersonForm(unit_id=request.args.get("unit", type=parse_id))
    form.unit_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        try:
            person = admin.create_person(current_user, _person_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=person.display_name), "success")
            return redirect(url_for("admin.people_index", unit=person.unit_id))
    return render_template("admin/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@role_required()
def person_edit(person_id: int) -> Response | str:
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person)
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        try:
            admin.update_person(current_user, person, _person_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=person.display_name), "success")
            return redirect(url_for("admin.people_index", unit=person.unit_id))
    return render_template("admin/person_form.html", form=form, person=person)


# --------------------------------------------------------------------------- audit log


@bp.route("/audit")
@role_required()
def audit_log() -> str:
    filters = admin.AuditFilter(
        action=request.args.get("action", ""),
        entity=request.args.get("entity", ""),
        username=request.args.get("user", ""),
    )
    page = db.paginate(admin.audit_query(filters), per_page=50, error_out=False)
    actions, entities = admin.audit_facets()
    return render_template("admin/audit.html", page=page, filters=filters, actions=actions, entities=entities)
