"""Whole numbers typed by people and programs: only the ASCII digits 0-9 count.

``str.isdigit`` is true for ``"²"`` and ``"١"`` as well, and ``int("²")`` then raises: a query string like
``?programme_id=²`` answered 500 where a user deserves "not a number". An id goes through
``outreach.models.types.parse_id``; any other check that guards an ``int()`` on outside input (an index in a field
name, a version, a configured number) goes through :func:`ascii_digits`.
"""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more of the characters 0-9 and nothing else."""
    return text.isascii() and text.isdigit()
