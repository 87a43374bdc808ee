"""Forms of the reports blueprint: they check shape only (the services check the rules)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from outreach.models.types import parse_id

STATUS_CHOICES = [
    SelectChoice("verified", _l("Verified only")),
    SelectChoice("submitted", _l("Submitted and verified")),
    SelectChoice("all", _l("All statuses")),
]
LANG_CHOICES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


def as_choices(pairs: Any) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ReportFilterForm(FlaskForm):
    """The filters shared by the programme report and the exports (read from the query string)."""

    class Meta:
        csrf = False

    programme = SelectField(_l("Programme"), coerce=parse_id, validators=[DataRequired()])
    unit = SelectField(_l("Unit"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="verified")
    lang = SelectField(_l("Report language"), choices=LANG_CHOICES, default="id")
    numbering = SelectField(
        _l("Page numbers"),
        choices=[
            SelectChoice("of_total", _l("Page X of Y")),
            SelectChoice(
                "naskah_dinas", _l("Official letter style (number on top, next word at the bottom)")
            ),
        ],
        default="of_total",
    )
    photos = SelectField(
        _l("Photo appendix (lampiran)"),
        choices=[
            SelectChoice("0", _l("No photos")),
            SelectChoice("12", _l("Up to 12 photos")),
            SelectChoice("48", _l("Up to 48 photos")),
        ],
        default="0",
    )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def,override]
        ok = super().validate(extra_validators)
        if ok and self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors.append(_l("The end date is before the start date."))
            return False
        return ok


class ReportTextForm(FlaskForm):
    dasar = TextAreaField(_l("Basis (dasar), one item per line"), validators=[Length(max=20_000)])
    tujuan = TextAreaField(_l("Purpose and objectives"), validators=[Length(max=20_000)])
    ruang_lingkup = TextAreaField(_l("Scope"), validators=[Length(max=20_000)])
    kendala = TextAreaField(_l("Obstacles"), validators=[Length(max=20_000)])
    kesimpulan = TextAreaField(_l("Conclusion"), validators=[Length(max=20_000)])
    saran = TextAreaField(_l("Recommendations"), validators=[Length(max=20_000)])


class PressForm(FlaskForm):
    text = TextAreaField(_l("Press release"), validators=[DataRequired(), Length(max=50_000)])


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Workbook (.xlsx)"),
        validators=[FileRequired(), FileAllowed(["xlsx"], _l("Choose an .xlsx workbook."))],
    )


class ImportConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    mode = RadioField(
        _l("What to import"),
        choices=[
            SelectChoice("all", _l("Everything (only when the whole file is valid)")),
            SelectChoice("valid", _l("Valid rows only")),
        ],
        default="all",
    )
