"""Admin forms: they check shape (types, required fields, lengths); services/admin.py checks the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from outreach.form_messages import NoControlCharacters
from outreach.i18n import ENUM_LABELS, enum_label
from outreach.models import RANKS, Indicator, ProgrammeKind, Role, UnitLevel
from outreach.services.users import MAX_PASSWORD, MIN_PASSWORD

NO_UNIT = 0


def as_choices(pairs: Any) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _enum_choices(enum_cls: Any) -> list[SelectChoice]:
    return as_choices((m.value, enum_label(m)) for m in enum_cls)


def _optional_int(value: Any) -> int | None:
    """Coerce a select value; the empty/zero option means "none"."""
    if value in (None, "", "0", 0, "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class UnitSelectField(SelectField):
    """A unit picker whose choices (id, indented name) the view fills from services.admin.unit_choices()."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _optional_int)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
        self.type = "SelectField"  # rendered like any select by macros/forms.html


class UserCreateForm(NoControlCharacters, FlaskForm):
    # Lengths: the user's schema (services/schema/user.py), as for `flask users create`.
    username = StringField(
        _l("Username"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    full_name = StringField(_l("Full name"))
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit_id = UnitSelectField(_l("Unit"), validators=[DataRequired()])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
        render_kw={"autocomplete": "new-password"},
    )
    must_change_password = BooleanField(_l("Must change the password at the next login"), default=True)
    submit = SubmitField(_l("Create user"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _enum_choices(Role)


class UserEditForm(NoControlCharacters, FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=160)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit_id = UnitSelectField(_l("Unit"), validators=[DataRequired()])
    is_active = BooleanField(_l("Active (may log in)"))
    new_password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _enum_choices(Role)


TIMEZONE_CHOICES = [SelectChoice("WIB"), SelectChoice("WITA"), SelectChoice("WIT")]


class UnitForm(NoControlCharacters, FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Capital letters and digits joined by hyphens, e.g. POLRES-BLORA."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    level = SelectField(_l("Level"), validators=[DataRequired()])
    kind = StringField(
        _l("Kind"),
        validators=[Optional(), Length(max=40)],
        description=_l("As written in the name: polres, polresta, sat_binmas…"),
    )
    parent_id = UnitSelectField(_l("Parent unit"))
    province = StringField(_l("Province"), validators=[Optional(), Length(max=120)])
    regency = StringField(_l("Regency / city"), validators=[Optional(), Length(max=120)])
    district = StringField(_l("District (kecamatan)"), validators=[Optional(), Length(max=120)])
    city = StringField(
        _l("Place name for signatures and datelines"), validators=[Optional(), Length(max=120)]
    )
    timezone = SelectField(_l("Time zone"), choices=TIMEZONE_CHOICES)
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.level.choices = _enum_choices(UnitLevel)


class UnitEditForm(UnitForm):
    """The code is immutable after creation: the edit form has no code field."""

    code = None  # type: ignore[assignment]


class ProgrammeForm(NoControlCharacters, FlaskForm):
    # Shape and bounds: the programme's schema (services/schema/registry.py), as for the API.
    name = StringField(_l("Name"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    start_on = DateField(_l("Start"), validators=[DataRequired()])
    end_on = DateField(_l("End"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"))
    unit_id = UnitSelectField(_l("Running unit"), description=_l("Leave empty for a national programme."))
    is_active = BooleanField(_l("Active"), default=True)
    lock_after_days = IntegerField(
        _l("Reporting lock (days after the month ends)"),
        validators=[Optional(), NumberRange(min=0, max=366)],
        description=_l("Leave empty for no lock."),
    )
    anev_good_min = IntegerField(
        _l("ANEV: lowest score for Baik"), default=90, validators=[DataRequired(), NumberRange(1, 100)]
    )
    anev_fair_min = IntegerField(
        _l("ANEV: lowest score for Cukup"), default=50, validators=[DataRequired(), NumberRange(1, 99)]
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _enum_choices(ProgrammeKind)

    def target_fields(self) -> list[Any]:
        return [getattr(self, f"target_{i.value}") for i in Indicator]


# One optional overall target per indicator: target_activities, target_parcels, …
for _indicator in Indicator:
    setattr(
        ProgrammeForm,
        f"target_{_indicator.value}",
        IntegerField(
            _l("Target: %(indicator)s", indicator=ENUM_LABELS[_indicator]),
            validators=[Optional()],
        ),
    )


class UnitTargetForm(NoControlCharacters, FlaskForm):
    unit_id = UnitSelectField(_l("Unit"), validators=[DataRequired()])
    indicator = SelectField(_l("Indicator"), validators=[DataRequired()])
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(min=0)])
    submit = SubmitField(_l("Set target"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.choices = _enum_choices(Indicator)


class CatalogueForm(NoControlCharacters, FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("Lower-case snake_case, e.g. pasar_ikan. It cannot be changed later."),
    )
    label_id = StringField(_l("Label (Indonesian)"), validators=[DataRequired(), Length(max=200)])
    label_en = StringField(_l("Label (English)"), validators=[DataRequired(), Length(max=200)])
    sort_order = IntegerField(_l("Sort order"), default=0, validators=[Optional()])
    is_key = BooleanField(_l("Key location kind (the dashboard looks for gaps)"))
    measure = StringField(_l("Unit of measure"), validators=[Optional(), Length(max=20)])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class CatalogueEditForm(CatalogueForm):
    code = None  # type: ignore[assignment]


class PersonForm(NoControlCharacters, FlaskForm):
    rank = SelectField(_l("Rank"), choices=[SelectChoice(r) for r in RANKS], validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    degrees = StringField(
        _l("Degrees"),
        validators=[Optional(), Length(max=80)],
        description=_l("Written after the name, e.g. S.H. or S.I.K., M.H."),
    )
    nrp = StringField(
        _l("NRP / NIP"),
        validators=[Optional(), Length(max=18)],
        description=_l("8 digits (NRP) or 18 digits (NIP)."),
        render_kw={"inputmode": "numeric"},
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=160)])
    unit_id = UnitSelectField(_l("Unit"), validators=[DataRequired()])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


def _region_field(label: Any, level: int) -> StringField:
    """A region name typed freely; the autocomplete (static/js/regions.js) offers Kemendagri names."""
    return StringField(
        label,
        validators=[Optional(), Length(max=120)],
        render_kw={"data-region-level": str(level), "autocomplete": "off"},
    )


def _region_code_field(level: int) -> HiddenField:
    """The code of the region picked from the autocomplete (empty without JavaScript: the name is matched)."""
    return HiddenField(validators=[Optional(), Length(max=13)], render_kw={"data-region-code": str(level)})


class LocationEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    province = _region_field(_l("Province"), 1)
    regency = _region_field(_l("Regency / city"), 2)
    district = _region_field(_l("District (kecamatan)"), 3)
    village = _region_field(_l("Village (desa/kelurahan)"), 4)
    province_code = _region_code_field(1)
    regency_code = _region_code_field(2)
    district_code = _region_code_field(3)
    village_code = _region_code_field(4)
