"""Jinja filters (Babel formatting per locale) and context processors."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import get_group_symbol, get_minus_sign_symbol, parse_pattern
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from outreach.i18n import current_language, enum_label, indicator_label


def date_long(value: date | None) -> str:
    """ "Kamis, 8 Februari 2024" / "Thursday, 8 February 2024": day-month order in both languages, as in the
    PDFs (exports/fmt.py), rather than CLDR's zero-padded id or US-ordered en "full" pattern."""
    return format_date(value, format="EEEE, d MMMM y") if value else ""


def date_medium(value: date | None) -> str:
    return format_date(value, format="medium") if value else ""


def datetime_medium(value: datetime | None) -> str:
    return format_datetime(value, format="medium") if value else ""


def time_short(value: time | None) -> str:
    """ "08.30" in Indonesian, "08:30" in English."""
    if value is None:
        return ""
    sep = "." if current_language() == "id" else ":"
    return f"{value.hour:02d}{sep}{value.minute:02d}"


def number(value: int | float | None) -> str:
    """ "2.500" in Indonesian, "2,500" in English.

    Whole numbers (nearly all: a Polsek's dashboard shows ~230) are grouped here with the locale's own symbols,
    the same text as Babel's ``format_decimal``, which costs ~40 µs a number; fractions go to Babel."""
    value = value or 0
    if type(value) is int:
        locale = get_locale()
        symbols = _integer_symbols(str(locale)) if locale is not None else None
        if symbols is not None:
            group, minus = symbols
            grouped = f"{abs(value):,}".replace(",", group)
            return minus + grouped if value < 0 else grouped
    return str(format_decimal(value))


@cache
def _integer_symbols(locale: str) -> tuple[str, str] | None:
    """The group and minus symbols of ``locale``, when its decimal pattern groups whole numbers by threes (as
    ``id`` and ``en`` do); None for a locale that groups otherwise (Babel then formats)."""
    if parse_pattern(Locale.parse(locale).decimal_formats[None]).grouping != (3, 3):
        return None
    return str(get_group_symbol(locale)), str(get_minus_sign_symbol(locale))


def label(value: Any) -> str:
    """The translated label of an enum member or a catalogue row."""
    if isinstance(value, enum.Enum):
        return enum_label(value)
    if value is not None and hasattr(value, "label"):
        return str(value.label(current_language()))
    return "" if value is None else str(value)


def register(app: Flask) -> None:
    app.add_template_filter(date_long)
    app.add_template_filter(date_medium)
    app.add_template_filter(datetime_medium)
    app.add_template_filter(time_short)
    app.add_template_filter(number)
    app.add_template_filter(label)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from outreach.models import Role
        from outreach.services.activity_list import count_drafts_of, count_waiting_for

        badges = {"waiting": 0, "drafts": 0}
        if current_user and current_user.is_authenticated:
            badges["waiting"] = count_waiting_for(current_user)
            badges["drafts"] = count_drafts_of(current_user)
        return {
            "Role": Role,
            "lang": current_language(),
            "languages": current_app.config["OUTREACH_LANGUAGES"],
            "badges": badges,
            "has_endpoint": lambda name: name in current_app.view_functions,
            "indicator_label": indicator_label,
        }
