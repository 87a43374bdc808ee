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
    LocationEditForm,
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
from outreach.models import Indicator, Person, Programme, Role, Unit, User
from outreach.models.types import parse_id
from outreach.security import ALL_FORM_FIELDS, admin_required, reports_control_characters
from outreach.services import admin, downloads, users
from outreach.services import filters as shared
from outreach.services.errors import Invalid
from outreach.services.schema import parse
from outreach.services.schema.registry import ProgrammeInput, UnitFields
from outreach.services.schema.user import UserInput
from outreach.services.scope import get_unit_in_scope


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
@admin_required
def index() -> str:
    titles = {k: str(v) for k, v in CATALOGUE_TITLES.items()}
    return render_template("admin/index.html", overview=admin.overview(), catalogue_titles=titles)


# --------------------------------------------------------------------------- users


@bp.route("/users")
@admin_required
def users_index() -> str:
    unit = _unit_arg()
    page = db.paginate(admin.users_query(unit.id if unit else None), per_page=_page_size(), error_out=False)
    return render_template("admin/users.html", page=page, unit=unit)


def _text_arg(name: str) -> str:
    """A free-text query parameter, empty when it holds a control character (PostgreSQL refuses NUL)."""
    value = request.args.get(name, "")[:200]
    return "" if any(ord(c) < 32 or ord(c) == 127 for c in value) else value


def _unit_arg() -> Unit | None:
    """The ``unit`` of the query string: a unit code, as in every filter (services.filters); an unknown or
    malformed one lists everything."""
    found, _errors = shared.parse_lenient(request.args, allowed=("unit",))
    return get_unit_in_scope(current_user, found.unit) if found.unit else None


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
def user_create() -> Response | str:
    form = UserCreateForm()
    form.unit_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        try:
            data = parse(
                UserInput,
                {
                    "username": form.username.data or "",
                    "full_name": (form.full_name.data or "").strip(),
                    "role": form.role.data,
                    "unit_id": form.unit_id.data,
                    "password": form.password.data or "",
                    "must_change_password": bool(form.must_change_password.data),
                },
            )
            unit = db.session.get(Unit, data.unit_id)
            if unit is None:
                raise Invalid({"unit_id": _("Choose an existing unit.")})
            user = users.create_user(
                data.username,
                data.password,
                data.role,
                unit,
                full_name=data.full_name,
                actor=current_user,
                must_change_password=data.must_change_password,
            )
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
            revoked = []
            if form.new_password.data:
                # Someone else's password set here is a reset: the user's API tokens are revoked too.
                revoked = users.set_password(
                    user, form.new_password.data, actor=current_user, reset=user.id != current_user.id
                )
        except Invalid as exc:
            _show_errors(form, exc, {"password": "new_password"})
        else:
            db.session.commit()
            if user.id == current_user.id and form.new_password.data:
                login_user(user)  # keep this session alive under the new epoch; the others end
            flash(_("User %(name)s saved.", name=user.username), "success")
            if revoked:
                flash(
                    _(
                        "The password was reset, so these API tokens of %(name)s were revoked: %(tokens)s.",
                        name=user.username,
                        tokens=", ".join(f"{t.name or '-'} ({t.prefix}…)" for t in revoked),
                    ),
                    "warning",
                )
            return redirect(url_for("admin.users_index"))
    return render_template("admin/user_form.html", form=form, user=user)


# --------------------------------------------------------------------------- units


def _unit_input(form: UnitForm) -> admin.UnitInput:
    """The unit's fields validated by their one schema (:class:`UnitFields`, the API's too: same messages),
    then the admin service's input (the parent by id, the code, the active flag)."""
    fields = parse(
        UnitFields,
        {
            "name": form.name.data or "",
            "level": form.level.data or "",
            "kind": form.kind.data or None,
            "province": form.province.data or None,
            "regency": form.regency.data or None,
            "district": form.district.data or None,
            "city": form.city.data or None,
            "timezone": form.timezone.data or "WIB",
        },
    )
    return admin.UnitInput(
        code=form.code.data or "" if form.code is not None else "",
        parent_id=form.parent_id.data,
        is_active=bool(form.is_active.data),
        **fields.model_dump(),
    )


@bp.route("/units")
@admin_required
def units_index() -> str:
    return render_template("admin/units.html", units=admin.units_in_tree_order())


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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


#: The programme schema's wire names → the admin form's fields.
_PROGRAMME_FIELDS = {"start_date": "start_on", "end_date": "end_on", "unit_code": "unit_id"}


def _programme_input(form: ProgrammeForm) -> admin.ProgrammeInput:
    """The form's values validated by the programme's schema (the API's), errors under the form's names."""
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    targets = {i.value: getattr(form, f"target_{i.value}").data for i in Indicator}
    wire: dict[str, Any] = {
        "name": form.name.data or "",
        "kind": form.kind.data,
        "start_date": form.start_on.data.isoformat() if form.start_on.data else None,
        "end_date": form.end_on.data.isoformat() if form.end_on.data else None,
        "description": form.description.data or "",
        "targets": {k: v for k, v in targets.items() if v is not None},
    }
    if unit is not None:
        wire["unit_code"] = unit.code
    try:
        data = parse(ProgrammeInput, wire)
    except Invalid as exc:
        fields = {
            _PROGRAMME_FIELDS.get(k, k.replace("targets.", "target_")): m for k, m in exc.fields.items()
        }
        raise Invalid(fields) from None
    return admin.ProgrammeInput(
        name=data.name,
        kind=data.kind,
        start_on=data.start_date,
        end_on=data.end_date,
        description=data.description,
        unit_id=unit.id if unit is not None else None,
        is_active=bool(form.is_active.data),
        targets=dict(data.targets),
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
@admin_required
def programmes_index() -> str:
    return render_template("admin/programmes.html", programmes=admin.list_programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
@admin_required
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
@admin_required
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
@admin_required
def catalogues_index() -> Response:
    return redirect(url_for("admin.catalogue", slug="activity-kinds"))


@bp.route("/catalogues/<slug>/")
@admin_required
def catalogue(slug: str) -> str:
    model = admin.catalogue_model(slug)
    entries = admin.catalogue_entries(model)
    return render_template("admin/catalogue.html", entries=entries, **_catalogue_context(slug))


@bp.route("/catalogues/<slug>/new", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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


def _person_input(form: PersonForm) -> admin.PersonRecordInput:
    return admin.PersonRecordInput(
        rank=form.rank.data or "",
        name=form.name.data or "",
        degrees=form.degrees.data,
        nrp=form.nrp.data,
        position=form.position.data,
        unit_id=form.unit_id.data,
        is_active=bool(form.is_active.data),
    )


@bp.route("/people")
@admin_required
def people_index() -> str:
    unit = _unit_arg()
    page = db.paginate(admin.people_query(unit.id if unit else None), per_page=_page_size(), error_out=False)
    codes = {u.id: u.code for u in admin.units_in_tree_order()}
    return render_template(
        "admin/people.html", page=page, unit=unit,
        unit_choices=[(codes[unit_id], text) for unit_id, text in admin.unit_choices()],
    )  # fmt: skip


@bp.route("/people/new", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
def person_create() -> Response | str:
    unit = _unit_arg()
    form = PersonForm(unit_id=unit.id if unit else None)
    form.unit_id.choices = unit_choices(none=True)
    if form.validate_on_submit():
        try:
            person = admin.create_person(current_user, _person_input(form))
        except Invalid as exc:
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=person.display_name), "success")
            return redirect(url_for("admin.people_index", unit=person.unit.code))
    return render_template("admin/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@admin_required
@reports_control_characters(ALL_FORM_FIELDS)  # the form/schema names the field
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
            return redirect(url_for("admin.people_index", unit=person.unit.code))
    return render_template("admin/person_form.html", form=form, person=person)


# --------------------------------------------------------------------------- location registry


@bp.route("/locations")
@admin_required
def locations_index() -> str:
    q = request.args.get("q", "")[:200]
    unmatched = request.args.get("unmatched") == "1"
    query = admin.locations_registry_query(current_user, q, unmatched=unmatched)
    page = db.paginate(query, per_page=_page_size(), error_out=False)
    return render_template("admin/locations.html", page=page, q=q, unmatched=unmatched)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@admin_required
def location_edit(location_id: int) -> Response | str:
    location = admin.get_registry_location(current_user, location_id)
    form = LocationEditForm(obj=location)
    if form.validate_on_submit():
        data = admin.LocationEditInput(
            **{name: form[name].data or "" for name in admin.LocationEditInput.__dataclass_fields__}
        )
        try:
            admin.update_location(current_user, location, data)
        except Invalid as exc:  # a bad picked code shows at its region's name field
            _show_errors(form, exc, {f"{f}_code": f for f in ("province", "regency", "district", "village")})
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=location.name), "success")
            return redirect(url_for("admin.locations_index", q=location.name))
    return render_template("admin/location_form.html", form=form, location=location)


# --------------------------------------------------------------------------- audit log


#: labels of the audit page's "kind" groups (services.downloads.AUDIT_KINDS)
AUDIT_KIND_LABELS = {
    "change": _l("Changes to records"),
    "security": _l("Sign-ins and account security"),
    "download": _l("Downloads (all)"),
    "personal": _l("Downloads with personal data"),
    "download:export": _l("Downloads: exports (CSV/XLSX)"),
    "download:report": _l("Downloads: reports (PDF)"),
    "download:press_release": _l("Downloads: press releases"),
    "download:recap": _l("Downloads: recaps"),
    "download:photo": _l("Downloads: photos"),
}


@bp.route("/audit")
@admin_required
def audit_log() -> str:
    period, errors = shared.parse_lenient(request.args, allowed=("from", "to"))
    kind = request.args.get("kind", "")
    filters = admin.AuditFilter(
        action=_text_arg("action"),
        entity=_text_arg("entity"),
        username=_text_arg("user"),
        kind=kind if kind in AUDIT_KIND_LABELS else "",
        date_from=period.date_from,
        date_to=period.date_to,
    )
    page = db.paginate(admin.audit_query(filters), per_page=50, error_out=False)
    actions, entities = admin.audit_facets()
    exporters = None
    if filters.kind == "personal":
        exporters = downloads.personal_data_exporters(downloads.Period(filters.date_from, filters.date_to))
    return render_template(
        "admin/audit.html",
        page=page,
        filters=filters,
        actions=actions,
        entities=entities,
        kinds=AUDIT_KIND_LABELS,
        errors=errors,
        exporters=exporters,
    )
