"""The dashboard's filter form: it only shows filters, it never parses them.

The view parses the query string with :mod:`outreach.services.filters` (the vocabulary the lists, the reports,
the operations pages and the API read too) and builds this form with ``formdata=None``; :meth:`show` then
displays what was applied, defaults included (the statuses shown are those counted, PR users' included), and
:meth:`add_errors` puts each bad parameter's message next to its filter. The field names are the vocabulary's
(``programme_id``, ``unit``, ``from``, ``to``, ``status``), so the GET form writes links the other pages take.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.validators import Optional

from outreach.i18n import enum_label
from outreach.models import ActivityStatus, User
from outreach.services import stats


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET form whose URL is meant to be shared

    programme_id = SelectField(_l("Programme"), choices=[], validate_choice=False)
    unit = SelectField(_l("Unit"), choices=[], validate_choice=False)
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])
    status = SelectMultipleField(_l("Status"), choices=[], validate_choice=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.other_errors: dict[str, str] = {}
        self.programme_id.choices = [("", _l("All programmes"))] + [
            (str(pid), name) for pid, name in stats.programme_choices()
        ]
        self.unit.choices = [
            (code, "\u2003" * depth + name) for code, name, depth in stats.unit_choices(user)
        ]
        self.status.choices = [(s.value, enum_label(s)) for s in ActivityStatus]

    def show(self, filters: stats.StatsFilter, user: User) -> None:
        """Show the filters actually applied (defaults included)."""
        self.programme_id.data = "" if filters.programme_id is None else str(filters.programme_id)
        self.unit.data = filters.unit_code or user.unit.code
        self.date_from.data = filters.date_from
        self.date_to.data = filters.date_to
        self.status.data = [s.value for s in stats.effective_statuses(user, filters)]

    def add_errors(self, fields: dict[str, str]) -> None:
        """Each message on its filter; those of parameters without a field here (``kind``, ``q``) in
        ``other_errors``, shown above the buttons."""
        targets = {"programme_id": self.programme_id, "unit": self.unit, "from": self.date_from,
                   "to": self.date_to, "status": self.status}  # fmt: skip
        for name, message in fields.items():
            field = targets.get(name)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                self.other_errors[name] = message
