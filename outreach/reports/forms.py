"""Forms of the reports blueprint: they check shape only (the services check the rules)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from outreach.services.filters import Filters

LANG_CHOICES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]


def as_choices(pairs: Any) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ReportFilterForm(FlaskForm):
    """The filters shared by the programme report and the exports (read from the query string).

    The filters themselves use the shared vocabulary (:mod:`outreach.services.filters` parses them; this
    form only shows them and their messages); language, page numbers and photos are the report's own.
    """

    class Meta:
        csrf = False

    programme_id = SelectField(_l("Programme"), validate_choice=False)
    unit = SelectField(_l("Unit"), validate_choice=False)
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])
    status = SelectMultipleField(_l("Status"), validate_choice=False)
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

    def show(self, found: Filters, errors: dict[str, str]) -> None:
        """Show the filters as applied (statuses: the default when none is named), each message on its
        field; messages of parameters without a field here (``kind``, ``q``) go to ``other_errors``."""
        self.programme_id.data = "" if found.programme_id is None else str(found.programme_id)
        self.unit.data = found.unit or ""
        self.date_from.data = found.date_from
        self.date_to.data = found.date_to
        self.status.data = [s.value for s in found.statuses_or_default()]
        self.other_errors: dict[str, str] = {}
        targets = {"programme_id": self.programme_id, "unit": self.unit, "from": self.date_from,
                   "to": self.date_to, "status": self.status}  # fmt: skip
        for name, message in errors.items():
            field = targets.get(name)
            if field is None:
                self.other_errors[name] = message
            else:
                field.errors = [*field.errors, message]

    def options_valid(self) -> bool:
        """The report's own options (language, page numbers, photos) are among their choices."""
        return all(f.validate(self) for f in (self.lang, self.numbering, self.photos))


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
