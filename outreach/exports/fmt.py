"""Locale-aware formatting helpers for the export builders.

Built on plain :mod:`babel` (not Flask-Babel) so that PDF, CSV and press builders work without an
application or request context. Every function is pure: the same input gives the same output.

Supported locales are ``"id"`` (Bahasa Indonesia, the default) and ``"en"``; any other Babel locale
code works for the Babel-backed functions.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = [
    "count_words",
    "long_date",
    "month_label",
    "number",
    "officer_name",
    "plain_date",
    "press_date",
    "rank_id_line",
    "short_date",
    "signature_name",
    "time_label",
    "time_range_label",
]

_ID_SMALL_NUMBERS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
)


@lru_cache(maxsize=16)
def _group_symbol(locale: str) -> str:
    """The digit-group separator of ``locale`` ("." for id, "," for en)."""
    symbols = Locale.parse(locale).number_symbols
    latn = symbols.get("latn", symbols)
    return str(latn.get("group", ","))


def long_date(d: date, locale: str = "id") -> str:
    """Day name and full date: ``Kamis, 30 November 2023`` (id) / ``Thursday, 30 November 2023`` (en)."""
    return format_date(d, "EEEE, d MMMM y", locale=locale)


def plain_date(d: date, locale: str = "id") -> str:
    """Full date without the day name, as under a signature: ``30 November 2023``."""
    return format_date(d, "d MMMM y", locale=locale)


def short_date(d: date, locale: str = "id") -> str:
    """Compact date for table cells: ``30/11/2023`` (id) / ``30 Nov 2023`` (en, unambiguous)."""
    if locale.startswith("id"):
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    return format_date(d, "d MMM y", locale=locale)


def month_label(d: date, locale: str = "id") -> str:
    """Short month and year for chart axes: ``Nov 2023``."""
    return format_date(d, "LLL y", locale=locale)


def press_date(d: date) -> str:
    """Indonesian press style day and date: ``Kamis (30/11/2023)``."""
    day = format_date(d, "EEEE", locale="id")
    return f"{day} ({d.day:02d}/{d.month:02d}/{d.year:04d})"


def number(n: int | float, locale: str = "id") -> str:
    """Group digits by locale: ``2.500`` and ``1.234,5`` (id) / ``2,500`` and ``1,234.5`` (en).

    Integers take a fast path (no Babel pattern parsing) because report tables format thousands of them.
    """
    if isinstance(n, int):
        text = f"{n:,}"
        group = _group_symbol(locale)
        return text if group == "," else text.replace(",", group)
    return format_decimal(n, locale=locale)


def time_label(t: time, tz_label: str = "WIB", locale: str = "id") -> str:
    """Clock time with its zone: ``pukul 08.30 WIB`` (id) / ``08:30 WIB`` (en)."""
    if locale.startswith("id"):
        return f"pukul {t.hour:02d}.{t.minute:02d} {tz_label}".rstrip()
    return f"{t.hour:02d}:{t.minute:02d} {tz_label}".rstrip()


def time_range_label(start: time, end: time | None, tz_label: str = "WIB", locale: str = "id") -> str:
    """Start time with an optional end: ``pukul 08.30 s.d. 11.00 WIB`` / ``pukul 08.30 WIB s.d. selesai``."""
    if locale.startswith("id"):
        if end is None:
            return f"{time_label(start, tz_label, locale)} s.d. selesai"
        span = f"{start.hour:02d}.{start.minute:02d} s.d. {end.hour:02d}.{end.minute:02d}"
        return f"pukul {span} {tz_label}".rstrip()
    if end is None:
        return f"from {time_label(start, tz_label, locale)}"
    return f"{start.hour:02d}:{start.minute:02d} to {end.hour:02d}:{end.minute:02d} {tz_label}".rstrip()


def _with_degrees(name: str, degrees: str) -> str:
    name = " ".join(name.split())
    degrees = " ".join(degrees.split())
    return f"{name}, {degrees}" if degrees else name


def signature_name(name: str, degrees: str = "") -> str:
    """Name for a signature block: capitals, degrees as written: ``LILIK WIDIASTUTI, S.H.``."""
    return _with_degrees(name.upper(), degrees)


def officer_name(rank: str, name: str, degrees: str = "") -> str:
    """Rank before the name, degrees after: ``AKP Lilik Widiastuti, S.H.``."""
    full = _with_degrees(name, degrees)
    rank = " ".join(rank.split())
    return f"{rank} {full}".strip() if rank else full


def rank_id_line(rank: str, nrp: str) -> str:
    """Line under a signature name: ``AKP NRP 12345678``.

    An 18-digit number is a civil servant's NIP and is labelled ``NIP``; any other number is an ``NRP``.
    """
    nrp = nrp.strip()
    label = "NIP" if len(nrp.replace(" ", "")) == 18 else "NRP"
    parts = [rank.strip(), f"{label} {nrp}" if nrp else ""]
    return " ".join(p for p in parts if p)


def count_words(n: int) -> str:
    """Press-style count: 1-10 in Indonesian words (``lima``), else digits with id grouping (``2.500``)."""
    if 1 <= n <= 10:
        return _ID_SMALL_NUMBERS[n]
    return number(n, "id")
