"""Locale selection and translated labels for enums and catalogues."""

from __future__ import annotations

import enum

from flask import current_app, has_request_context, request
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user

from outreach.models import ActivityStatus, Indicator, ProgrammeKind, Role, UnitLevel

_l = lazy_gettext

#: Cookie remembering the language chosen by a visitor who is not logged in.
LANG_COOKIE = "outreach_lang"


def select_locale() -> str:
    """The user's own choice, else the language cookie, else the browser's Accept-Language, else Indonesian."""
    languages: tuple[str, ...] = current_app.config["OUTREACH_LANGUAGES"]
    if not has_request_context():  # CLI and background work speak the default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """ "id" or "en" — the language of the current request."""
    return str(get_locale() or "id").split("_")[0]


#: The one label of each indicator: the dashboard's cards and target tables, the laporan's III.1, the
#: recap. Rendered in a document's language with ``force_locale`` (``services.reports``).
INDICATOR_LABELS: dict[enum.Enum, object] = {
    Indicator.ACTIVITIES: _l("Number of activities"),
    Indicator.VISITS: _l("Number of visits"),
    Indicator.LOCATIONS: _l("Number of locations"),
    Indicator.PARCELS: _l("Food parcels"),
    Indicator.BENEFICIARIES: _l("Beneficiaries"),
    Indicator.MESSAGES: _l("Number of kamtibmas messages delivered"),
}

ENUM_LABELS: dict[enum.Enum, object] = {
    ActivityStatus.DRAFT: _l("Draft"),
    ActivityStatus.SUBMITTED: _l("Submitted"),
    ActivityStatus.VERIFIED: _l("Verified"),
    ActivityStatus.RETURNED: _l("Returned"),
    Role.STAFF: _l("Staff"),
    Role.COMMANDER: _l("Commander"),
    Role.PR: _l("Public relations"),
    Role.ADMIN: _l("Administrator"),
    UnitLevel.MABES: _l("Mabes"),
    UnitLevel.POLDA: _l("Polda"),
    UnitLevel.POLRES: _l("Polres"),
    UnitLevel.POLSEK: _l("Polsek"),
    UnitLevel.SATKER: _l("Functional unit"),
    ProgrammeKind.PEMILU: _l("General election"),
    ProgrammeKind.PILKADA: _l("Regional election"),
    ProgrammeKind.OTHER: _l("Other"),
    **INDICATOR_LABELS,
}


def enum_label(member: enum.Enum) -> str:
    """The translated label of an enum member (its value when none is defined)."""
    label = ENUM_LABELS.get(member)
    return str(label) if label is not None else str(member.value)


def indicator_label(indicator: Indicator | str) -> str:
    """The label of an indicator (member or value, e.g. ``"locations"``) in the current language."""
    return enum_label(Indicator(indicator))
