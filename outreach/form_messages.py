"""WTForms' built-in validation messages ("This field is required.") in the user's language.

WTForms ships no Indonesian catalogue, so Flask-WTF would show its messages in English on an Indonesian page.
Instead they are translated in our own catalogue: `_messages()` marks them for `make messages`, and
`init_app` points Flask-WTF's per-request translations at Flask-Babel's (our catalogue, the request's locale).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_translations, gettext, ngettext
from wtforms import Form

from outreach.services.schema.base import has_control


class FormTranslations:
    """WTForms' gettext interface (``gettext``/``ngettext``) and Flask-WTF's (``ugettext``/``ungettext``),
    answered from our catalogue in the request's language.

    WTForms formats the result itself: no interpolation here (flask_babel.ngettext would add ``num``).
    """

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))

    ugettext = gettext
    ungettext = ngettext


translations = FormTranslations()


class SubForm(Form):
    """A nested row form (``FormField``/``FieldList``; no CSRF token of its own) with translated messages.

    WTForms does not hand the parent form's translations to a nested form, so a plain ``wtforms.Form``
    would answer in English.
    """

    class Meta:
        def get_translations(self, form: Form) -> FormTranslations:
            return translations


class NoControlCharacters:
    """Mixin for a form whose text fields have no input schema yet (login, admin pages, workflow comments):
    the schema's rule on control characters (NUL, ESC …; a text area keeps tab and newline), as a field error.
    Put it before ``FlaskForm`` in the bases."""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))  # type: ignore[misc]
        for field in self._fields.values():  # type: ignore[attr-defined]
            if isinstance(field.data, str) and has_control(field.data, long=field.type == "TextAreaField"):
                field.errors = [*field.errors, gettext("Control characters (such as NUL) are not allowed.")]
                ok = False
        return ok


def init_app(app: Flask) -> None:
    @app.before_request
    def _form_translations() -> None:
        # Flask-WTF uses this request attribute before loading WTForms' own catalogue (no Indonesian there).
        request.wtforms_translations = translations  # type: ignore[attr-defined]


def _messages() -> None:  # pragma: no cover - never called: marks WTForms' messages for extraction
    gettext("Invalid field name '%s'.")
    gettext("Field must be equal to %(other_name)s.")
    ngettext(
        "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1
    )
    ngettext(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1
    )
    ngettext(
        "Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1
    )
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Date must be at least %(min)s.")
    gettext("Date must be at most %(max)s.")
    gettext("Date must be between %(min)s and %(max)s.")
    gettext("This field is required.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    gettext("Invalid IP address.")
    gettext("Invalid Mac address.")
    gettext("Invalid URL.")
    gettext("Invalid UUID.")
    gettext("Invalid value, must be one of: %(values)s.")
    gettext("Invalid value, can't be any of: %(values)s.")
    gettext("This field cannot be edited.")
    gettext("This field is disabled and cannot have a value.")
    gettext("Invalid CSRF Token.")
    gettext("CSRF token missing.")
    gettext("CSRF failed.")
    gettext("CSRF token expired.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Choices cannot be None.")
    gettext("Not a valid choice.")
    gettext("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )
    gettext("Not a valid datetime value.")
    gettext("Not a valid date value.")
    gettext("Not a valid time value.")
    gettext("Not a valid week value.")
    gettext("Not a valid integer value.")
    gettext("Not a valid decimal value.")
    gettext("Not a valid float value.")
