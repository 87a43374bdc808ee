"""Readable spreadsheet cells for an activity's lists (officers, partners, items), written by the export and
read back by the import.

A spreadsheet user reads ``Aipda Budi Santoso, S.H. (NRP 12345678) — Bhabinkamtibmas``, ``Camat Jepon —
Camat [camat]`` and ``Beras: 50 kg [beras]``; several entries are separated by `` | ``. When a text would be
ambiguous in that form (a name containing `` | `` or `` — `` …), the cell holds the list as JSON instead,
with the API's keys; the import reads both, so an export always imports back to the same record.
"""

from __future__ import annotations

import json
import re
from typing import Any

from outreach.models import RANKS
from outreach.numerals import ascii_digits

SEPARATOR = " | "
_RANK = "|".join(re.escape(r) for r in sorted(RANKS, key=len, reverse=True))
_PERSON = re.compile(
    rf"^(?P<rank>{_RANK}) (?P<name>.+?)(?:, (?P<degrees>.+?))?(?: \(NRP (?P<nrp>\d+)\))?(?: — (?P<position>.+))?$"
)
_PARTNER = re.compile(r"^(?P<name>.+?)(?: — (?P<role>.+?))?(?: \[(?P<kind>[^\[\]]+)\])?$")
_ITEM = re.compile(r"^(?P<name>.+?): (?P<quantity>\d+)(?: (?P<measure>.+?))?(?: \[(?P<kind>[^\[\]]+)\])?$")


def _person(p: dict[str, Any]) -> str:
    text = f"{p['rank']} {p['name']}"
    if p.get("degrees"):
        text += f", {p['degrees']}"
    if p.get("nrp"):
        text += f" (NRP {p['nrp']})"
    if p.get("position"):
        text += f" — {p['position']}"
    return text


def _partner(p: dict[str, Any]) -> str:
    text = p["name"]
    if p.get("role"):
        text += f" — {p['role']}"
    if p.get("kind"):
        text += f" [{p['kind']}]"
    return str(text)


def _item(i: dict[str, Any]) -> str:
    text = f"{i['name']}: {i['quantity']}"
    if i.get("measure"):
        text += f" {i['measure']}"
    if i.get("kind"):
        text += f" [{i['kind']}]"
    return text


_FORMATS = {"officers": _person, "partners": _partner, "items": _item}
_PATTERNS = {"officers": _PERSON, "partners": _PARTNER, "items": _ITEM}
_KEYS = {
    "officers": ("rank", "name", "degrees", "nrp", "position"),
    "partners": ("name", "role", "kind"),
    "items": ("name", "quantity", "measure", "kind"),
}


def _normal(kind: str, entry: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _KEYS[kind]:
        value = entry.get(key)
        if key == "quantity":
            out[key] = int(value) if isinstance(value, int | str) and ascii_digits(str(value)) else value
        elif key == "kind":
            out[key] = value or None
        else:
            out[key] = value or ""
    return out


def format_cell(kind: str, entries: list[dict[str, Any]]) -> str:
    """``entries`` (dicts with the API's keys) as one readable cell, or as JSON when the text would not read
    back to the same entries."""
    if not entries:
        return ""
    normal = [_normal(kind, e) for e in entries]
    text = SEPARATOR.join(_FORMATS[kind](e) for e in normal)
    try:
        if parse_cell(kind, text) == normal:
            return text
    except ValueError:
        pass
    return json.dumps(normal, ensure_ascii=False)


def parse_cell(kind: str, text: str) -> list[dict[str, Any]]:
    """A cell written by :func:`format_cell` (or typed by a user in its readable form) → entries with the
    API's keys; ValueError names the first entry that does not read."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, list) and all(isinstance(e, dict) for e in data):
            return [_normal(kind, e) for e in data]
    out = []
    for part in text.split(SEPARATOR):
        part = part.strip()
        if not part:
            continue
        match = _PATTERNS[kind].match(part)
        if match is None:
            raise ValueError(part)
        out.append(_normal(kind, match.groupdict()))
    return out
