"""Importing activities from an XLSX workbook (the visits export is also the import template).

One row is one visit. Rows with the same ``activity_id`` (any reference, e.g. ``A1``) form one activity,
whose own fields are read from its first row; a row without one is an activity of its own. Headers may be
the machine keys or the Indonesian/English labels of :mod:`outreach.services.exports`.

:func:`check` is the dry run: it parses every row (row-level errors: bad date, text in a number cell, unknown
unit, missing location, unknown kind …), then validates each activity with ``activities.create_activity``
inside a SAVEPOINT that is rolled back, so every domain rule applies and nothing is written. Duplicates (same
unit, date and location, in the database or earlier in the file) are flagged as warnings. :func:`run` writes:
all or nothing by default, or only the valid activities; every created activity carries the ImportBatch, the
batch is audited, and :func:`undo_batch` soft-deletes the activities the actor could delete one by one.

Untrusted workbooks are bounded before openpyxl sees them (:func:`inspect_workbook`): the zip's central
directory gives the number of parts and their uncompressed sizes, and a streaming XML scan (no tree is
built) counts rows (blank ones included), cells and columns and measures every text before anything is parsed.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from io import BytesIO
from typing import Any, Literal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from outreach.exports.tabular import Column, read_xlsx, write_xlsx
from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ImportBatch,
    Location,
    LocationKind,
    Programme,
    Role,
    User,
    Visit,
    utcnow,
)
from outreach.numerals import ascii_digits
from outreach.services import activities as svc
from outreach.services import audit, rollups
from outreach.services.cells import parse_cell
from outreach.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from outreach.services.exports import MESSAGE_SEPARATOR, VISIT_KEYS, column, header_aliases
from outreach.services.policy import (
    VERIFIER_ROLES,
    can_delete,
    can_verify,
    can_view,
    self_verification_allowed,
)
from outreach.services.reports import find_programme
from outreach.services.schema import parse
from outreach.services.schema.activity import ActivityInput
from outreach.services.scope import get_unit_in_scope, is_within, subtree_ids_query

IMPORTER_ROLES = frozenset({Role.STAFF, Role.COMMANDER, Role.ADMIN})
MAX_ROWS = 5_000
Mode = Literal["all", "valid"]

#: Columns the template carries (the visits export minus the display-only ones).
TEMPLATE_KEYS = tuple(k for k in VISIT_KEYS if k not in ("unit_name", "kind_label", "location_kind_label"))
REQUIRED_KEYS = ("date", "unit_code", "kind", "leader_rank", "leader_name", "location_name", "location_kind")
_INT_KEYS = ("parcels", "beneficiaries")


# ------------------------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """What an uploaded workbook may hold; checked on the zip and a streaming scan before any parsing."""

    rows: int = MAX_ROWS  # data rows, blank rows included (the header row comes on top)
    columns: int = 100
    cells: int = 250_000
    parts: int = 100  # files in the zip
    unpacked_bytes: int = 50 * 1024 * 1024  # the sum of the parts' uncompressed sizes
    text_chars: int = 32_767  # the longest text (a shared string or an inline one); Excel's own cell limit

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        """``OUTREACH_IMPORT_MAX_ROWS`` etc. override the defaults (tests use small ones)."""
        defaults = cls()
        return cls(
            **{
                name: int(config.get(f"OUTREACH_IMPORT_MAX_{name.upper()}", getattr(defaults, name)))
                for name in ("rows", "columns", "cells", "parts", "unpacked_bytes", "text_chars")
            }
        )


class NotAWorkbook(ValueError):
    """The upload is not a workbook we accept (e.g. a part declares a DTD)."""


class WorkbookTooLarge(DomainError):
    """The upload exceeds one of :class:`Limits`; the message names the limit. Nothing was parsed."""

    code = "too_large"
    status = 413


def current_limits() -> Limits:
    return Limits.from_config(current_app.config)


_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d*)")


def _column_number(ref: str) -> int:
    """``AB12`` → 28 (0 when ``ref`` does not start with a column name)."""
    match = _CELL_REF.match(ref)
    if not match:
        return 0
    number = 0
    for ch in match[1].upper():
        number = number * 26 + ord(ch) - 64
    return number


class _Scan:
    """A streaming expat scan of one XML part: no tree, memory bounded by one read chunk.

    Counts ``row`` and ``c`` elements, reads the row numbers, cell references and the ``dimension`` the
    sheet declares (openpyxl pads rows and columns up to those), and measures every run of text. Refuses
    any DTD (a workbook never has one: no entity expansion, no external entities)."""

    def __init__(self, limits: Limits) -> None:
        from xml.parsers import expat

        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.text = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.chars
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def doctype(self, *_args: Any) -> None:
        raise NotAWorkbook("DTD in a workbook part")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.text = 0
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            self.rows += 1
            if self.rows > self.limits.rows + 1 or self.beyond_last_row(attrs.get("r", "")):
                raise self.too_many_rows()
        elif local == "c":
            self.cells += 1
            if self.cells > self.limits.cells:
                raise WorkbookTooLarge(_("The workbook has more than %(n)d cells.", n=self.limits.cells))
            if _column_number(attrs.get("r", "")) > self.limits.columns:
                raise self.too_many_columns()
        elif local == "dimension":
            for corner in attrs.get("ref", "").split(":"):
                match = _CELL_REF.match(corner)
                if match and self.beyond_last_row(match[2]):
                    raise self.too_many_rows()
                if _column_number(corner) > self.limits.columns:
                    raise self.too_many_columns()

    def end(self, _name: str) -> None:
        self.text = 0

    def beyond_last_row(self, number: str) -> bool:
        """A row number past the header plus ``rows`` (a digit string too long for ``int`` is past it too)."""
        return ascii_digits(number) and (len(number) > 9 or int(number) > self.limits.rows + 1)

    def chars(self, data: str) -> None:
        self.text += len(data)
        if self.text > self.limits.text_chars:
            raise WorkbookTooLarge(
                _("The workbook holds a text longer than %(n)d characters.", n=self.limits.text_chars)
            )

    def too_many_rows(self) -> WorkbookTooLarge:
        return WorkbookTooLarge(
            _("The file has more than %(n)d rows (blank rows count too).", n=self.limits.rows)
        )

    def too_many_columns(self) -> WorkbookTooLarge:
        return WorkbookTooLarge(_("The workbook has more than %(n)d columns.", n=self.limits.columns))


def inspect_workbook(content: bytes, limits: Limits) -> None:
    """Raise :class:`WorkbookTooLarge` when the workbook exceeds ``limits``, before anything parses it.

    The central directory gives each part's uncompressed size, and Python's zipfile never inflates a part
    past that size (a part that lies fails its CRC check), so the sums below bound the work that follows.
    A file that is not a zip, or a part whose XML is broken, is left for the parser to report as "not a
    workbook" (the other parts are still scanned).
    """
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.parts:
            raise WorkbookTooLarge(_("The workbook has more than %(n)d parts.", n=limits.parts))
        if sum(info.file_size for info in infos) > limits.unpacked_bytes:
            raise WorkbookTooLarge(
                _(
                    "The workbook unpacks to more than %(mb)s MB.",
                    mb=f"{limits.unpacked_bytes / 1_048_576:.0f}",
                )
            )
        cells = 0
        for info in infos:  # every part, whatever its name: a relationship may point anywhere
            scan = _Scan(replace(limits, cells=limits.cells - cells))
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(64 * 1024):
                        scan.feed(chunk)
                    scan.feed(b"", final=True)
            except (WorkbookTooLarge, NotAWorkbook):
                raise
            except Exception:  # noqa: BLE001, S112 - broken XML or zip data: the parser reports it if it needs it
                continue
            finally:
                cells += scan.cells


@dataclass
class RowError:
    row: int  # the spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class Group:
    ref: str
    rows: list[int] = field(default_factory=list)
    #: The activity as its wire dict (built cell by cell), then ``data`` once the schema has validated it.
    raw: dict[str, Any] = field(default_factory=dict)
    data: ActivityInput | None = None
    status: str = ""
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.data is not None and not self.errors


@dataclass
class Check:
    """The dry-run result: every activity found, with its rows, errors and duplicate warnings."""

    groups: list[Group]
    errors: list[RowError]  # file-level and row-level errors, sorted by row
    warnings: list[RowError]
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    @property
    def valid_groups(self) -> list[Group]:
        return [g for g in self.groups if g.valid]


@dataclass(frozen=True)
class Result:
    batch: ImportBatch | None
    created: int
    skipped: int


# ------------------------------------------------------------------------------------------- template


def template_columns(lang: str = "id") -> list[Column]:
    return [column(k, lang) for k in TEMPLATE_KEYS]


def template_xlsx(lang: str = "id") -> bytes:
    """An empty workbook with the template's header row (labels in ``lang``; keys are accepted too)."""
    out = BytesIO()
    example = {
        "activity_id": "A1",
        "date": date(2023, 11, 30),
        "programme": "Cooling System Pemilu 2024",
        "unit_code": "POLRES-BLORA",
        "kind": "bakti_sosial",
        "leader_rank": "AKP",
        "leader_name": "Lilik Widiastuti",
        "leader_degrees": "S.H.",
        "leader_position": "Kasat Binmas Polres Blora",
        "location_name": "Ponpes Al Alif Tunjungan",
        "location_kind": "pondok_pesantren",
        "regency": "Kabupaten Blora",
        "parcels": 10,
        "beneficiaries": 10,
        "beneficiary_group": "santri",
        "status": "draft",
    }
    write_xlsx(template_columns(lang), [example], "Kegiatan" if lang != "en" else "Activities", out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- parsing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _time(value: Any) -> time | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", _text(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(value)
    return time(int(match[1]), int(match[2]))


def _int(value: Any) -> int:
    if value is None or _text(value) == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", _text(value)) else _text(value)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise ValueError(value)


def _header(header: Sequence[str]) -> tuple[dict[int, str], list[RowError]]:
    aliases = header_aliases()
    mapping: dict[int, str] = {}
    errors: list[RowError] = []
    for i, label in enumerate(header):
        key = aliases.get(label.strip().lower())
        if key is not None and key not in mapping.values():
            mapping[i] = key
    present = set(mapping.values())
    for key in REQUIRED_KEYS:
        if key not in present:
            errors.append(RowError(1, key, _("The column “%(col)s” is missing.", col=column(key).label)))
    return mapping, errors


def _catalogue_lookup(model: Any) -> dict[str, str]:
    """Code, Indonesian and English label (lower case) → code."""
    out: dict[str, str] = {}
    for row in db.session.scalars(select(model)):
        for text in (row.code, row.label_id, row.label_en):
            out.setdefault(text.lower(), row.code)
    return out


class _Parser:
    def __init__(self, actor: User, default_programme: Programme | None) -> None:
        self.actor = actor
        self.default_programme = default_programme
        self.kinds = _catalogue_lookup(ActivityKind)
        self.location_kinds = _catalogue_lookup(LocationKind)
        self.programmes: dict[str, Programme | None] = {}

    def programme(self, text: str) -> Programme | None:
        if not text:
            return self.default_programme
        if text not in self.programmes:
            self.programmes[text] = find_programme(text)
        return self.programmes[text]

    def activity(self, rownum: int, row: dict[str, Any], group: Group) -> None:
        """Read the activity-level fields of ``row`` (the group's first row) into ``group.data``."""
        err = group.errors

        def bad(key: str, message: str) -> None:
            err.append(RowError(rownum, key, message))

        occurred_on: date | None = None
        try:
            occurred_on = _date(row.get("date"))
        except ValueError:
            bad("date", _("Not a date: “%(v)s” (write 2023-11-30 or 30/11/2023).", v=_text(row.get("date"))))
        if occurred_on is None and not any(e.column == "date" for e in err):
            bad("date", _("Enter the date of the activity."))
        times: dict[str, time | None] = {}
        for key in ("start_time", "end_time"):
            try:
                times[key] = _time(row.get(key))
            except ValueError:
                times[key] = None
                bad(key, _("Not a time: “%(v)s” (write 08:30).", v=_text(row.get(key))))
        programme = self.programme(_text(row.get("programme")))
        if programme is None:
            bad("programme", _("Unknown programme: “%(v)s”.", v=_text(row.get("programme"))))
        unit_code = _text(row.get("unit_code")).upper()
        if not unit_code or get_unit_in_scope(self.actor, unit_code) is None:
            bad("unit_code", _("Unknown unit, or a unit outside your area: “%(v)s”.", v=unit_code))
        kind = self.kinds.get(_text(row.get("kind")).lower())
        if kind is None:
            bad("kind", _("Unknown kind of activity: “%(v)s”.", v=_text(row.get("kind"))))
        status = _text(row.get("status")).lower() or "draft"
        if status not in {s.value for s in ActivityStatus}:
            bad("status", _("Unknown status: “%(v)s”.", v=status))
        group.status = status
        messages = [
            m.strip() for m in _text(row.get("messages")).split(MESSAGE_SEPARATOR.strip()) if m.strip()
        ]
        raw: dict[str, Any] = {
            "unit_code": unit_code,
            "kind": kind or "",
            "start_time": _iso(times.get("start_time")),
            "end_time": _iso(times.get("end_time")),
            "title": _text(row.get("title")),
            "summary": _text(row.get("summary")),
            "leader": {
                "rank": _text(row.get("leader_rank")),
                "name": _text(row.get("leader_name")),
                "degrees": _text(row.get("leader_degrees")),
                "nrp": _text(row.get("leader_nrp")),
                "position": _text(row.get("leader_position")),
            },
            "visits": [],
            "messages": messages,
            "officers": self.cell(rownum, row, "officers", group),
            "partners": self.cell(rownum, row, "partners", group),
        }
        if programme is not None:
            raw["programme_id"] = programme.id
        if occurred_on is not None:
            raw["date"] = occurred_on.isoformat()
        group.raw = raw

    def visit(self, rownum: int, row: dict[str, Any], group: Group) -> None:
        def bad(key: str, message: str) -> None:
            group.errors.append(RowError(rownum, key, message))

        name = _text(row.get("location_name"))
        if not name:
            bad("location_name", _("Enter the location visited."))
        location_kind = self.location_kinds.get(_text(row.get("location_kind")).lower())
        if location_kind is None:
            bad("location_kind", _("Unknown kind of place: “%(v)s”.", v=_text(row.get("location_kind"))))
        counts: dict[str, int] = {}
        for key in _INT_KEYS:
            try:
                counts[key] = _int(row.get(key))
            except ValueError:
                counts[key] = 0
                bad(key, _("Not a whole number: “%(v)s”.", v=_text(row.get(key))))
        group.raw["visits"].append(
            {
                "location": {
                    "name": name,
                    "kind": location_kind or "",
                    "village": _text(row.get("village")),
                    "district": _text(row.get("district")),
                    "regency": _text(row.get("regency")),
                    "province": _text(row.get("province")),
                },
                "parcels": counts["parcels"],
                "beneficiaries": counts["beneficiaries"],
                "beneficiary_group": _text(row.get("beneficiary_group")),
                "contact": _text(row.get("contact_name")),
                "contact_role": _text(row.get("contact_role")),
                "notes": _text(row.get("notes")),
                "items": self.cell(rownum, row, "items", group),
            }
        )

    def cell(self, rownum: int, row: dict[str, Any], key: str, group: Group) -> list[dict[str, Any]]:
        """A list cell (officers, partners, items) in the export's readable form or as JSON."""
        text = _text(row.get(key))
        try:
            return parse_cell(key, text)
        except ValueError as exc:
            example = {
                "officers": "Aipda Budi Santoso, S.H. (NRP 12345678) — Bhabinkamtibmas",
                "partners": "Camat Jepon — Camat [camat]",
                "items": "Beras: 50 kg [beras]",
            }[key]
            group.errors.append(
                RowError(
                    rownum,
                    key,
                    _("Cannot read “%(v)s”; write it as: %(example)s", v=str(exc), example=example),
                )
            )
            return []


def _iso(value: time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_group(group: Group) -> None:
    """Validate the group's wire dict with the activity's schema; its errors go to their cells (a cell that
    already has a row-level error keeps that one)."""
    try:
        group.data = parse(ActivityInput, group.raw)
    except Invalid as exc:
        flagged = {(e.row, e.column) for e in group.errors}
        for path, message in exc.fields.items():
            cell = _field_to_cell(group, path)
            if cell not in flagged:
                flagged.add(cell)
                group.errors.append(RowError(cell[0], cell[1], message))


def _field_to_cell(group: Group, path: str) -> tuple[int, str]:
    """A service field path (``visits.1.parcels``, ``leader.rank``, ``date``) → (row number, column key)."""
    parts = path.split(".")
    if parts[0] == "visits" and len(parts) > 2 and ascii_digits(parts[1]) and int(parts[1]) < len(group.rows):
        row = group.rows[int(parts[1])]
        if parts[2] == "location":
            attr = parts[3] if len(parts) > 3 else "name"
            return row, {"name": "location_name", "kind": "location_kind"}.get(attr, attr)
        if parts[2] == "items":
            return row, "items"
        if parts[2] == "location_id":
            return row, "location_name"
        return row, {"contact": "contact_name"}.get(parts[2], parts[2])
    if parts[0] in ("officers", "partners"):
        return group.rows[0], parts[0]
    if parts[0] == "leader":
        return group.rows[0], "leader_" + (parts[1] if len(parts) > 1 else "name")
    return group.rows[0], {"programme_id": "programme", "messages": "messages"}.get(parts[0], parts[0])


# ------------------------------------------------------------------------------------------- dry run


def require_importer(user: User) -> None:
    if user.role not in IMPORTER_ROLES:
        raise Forbidden(_("Your role cannot import activities."))


def check(
    actor: User,
    content: bytes,
    *,
    default_programme: Programme | None = None,
    limits: Limits | None = None,
) -> Check:
    """Parse and validate a workbook without writing anything (see the module docstring).

    Raises :class:`WorkbookTooLarge` (413, naming the limit) before parsing a workbook beyond ``limits``
    (default: the app's config)."""
    require_importer(actor)
    limits = limits or current_limits()
    try:
        inspect_workbook(content, limits)
        sheet = read_xlsx(content, max_rows=limits.rows)
    except WorkbookTooLarge:
        raise
    except NotAWorkbook:
        return Check([], [RowError(0, "", _("Not an XLSX workbook."))], [], 0)
    except ValueError as exc:
        if "rows" in str(exc):
            raise WorkbookTooLarge(
                _("The file has more than %(n)d rows (blank rows count too).", n=limits.rows)
            ) from None
        return Check([], [RowError(0, "", _("Not an XLSX workbook."))], [], 0)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        return Check([], [RowError(0, "", _("Not an XLSX workbook."))], [], 0)
    mapping, header_errors = _header(sheet.header)
    if header_errors:
        return Check([], header_errors, [], len(sheet.rows))
    parser = _Parser(actor, default_programme)
    groups: dict[str, Group] = {}
    order: list[Group] = []
    for i, values in enumerate(sheet.rows):
        rownum = i + 2
        row = {key: values[idx] for idx, key in mapping.items() if idx < len(values)}
        ref = _text(row.get("activity_id"))
        group = groups.get(ref) if ref else None
        if group is None:
            group = Group(ref=ref or f"#{rownum}")
            if ref:
                groups[ref] = group
            order.append(group)
            parser.activity(rownum, row, group)
        group.rows.append(rownum)
        parser.visit(rownum, row, group)
    for group in order:
        _parse_group(group)
        if not group.errors:
            _validate_with_service(actor, group)
    _flag_duplicates(actor, order)
    _flag_unverifiable(actor, order)
    errors = sorted((e for g in order for e in g.errors), key=lambda e: (e.row, e.column))
    warnings = sorted((w for g in order for w in g.duplicates), key=lambda e: e.row)
    if not sheet.rows:
        errors.append(RowError(0, "", _("The workbook has no data rows.")))
    return Check(order, errors, warnings, len(sheet.rows))


def _validate_with_service(actor: User, group: Group) -> None:
    """Run every domain rule by creating the activity in a SAVEPOINT that is always rolled back."""
    assert group.data is not None
    savepoint = db.session.begin_nested()
    try:
        svc.create_activity(actor, group.data)
    except Invalid as exc:
        for path, message in exc.fields.items():
            row, key = _field_to_cell(group, path)
            group.errors.append(RowError(row, key, message))
    except (Forbidden, Conflict, NotFound) as exc:
        group.errors.append(RowError(group.rows[0], "", exc.message))
    finally:
        savepoint.rollback()


def _flag_duplicates(actor: User, groups: list[Group]) -> None:
    """Same unit, date and location as an existing activity, or as an earlier activity in the file.

    Only for rows whose unit the actor may use, and only among activities of the actor's own subtree: a
    warning never names (or hints at) another unit's activity."""
    seen: dict[tuple[str, date, str], int] = {}
    in_area: dict[str, bool] = {}
    for group in groups:
        data = group.data
        if data is None or data.occurred_on is None or not data.unit_code:
            continue
        if data.unit_code not in in_area:
            in_area[data.unit_code] = get_unit_in_scope(actor, data.unit_code) is not None
        if not in_area[data.unit_code]:
            continue
        for rownum, visit in zip(group.rows, data.visits, strict=False):
            if visit.location is None or not visit.location.name:
                continue
            key = (data.unit_code, data.occurred_on, visit.location.name.lower())
            if key in seen:
                group.duplicates.append(
                    RowError(
                        rownum, "location_name", _("Same unit, date and location as row %(n)d.", n=seen[key])
                    )
                )
                continue
            seen[key] = rownum
            existing = db.session.scalar(
                select(Activity.id)
                .join(Visit, Visit.activity_id == Activity.id)
                .join(Location, Location.id == Visit.location_id)
                .where(
                    Activity.deleted_at.is_(None),
                    Activity.occurred_on == data.occurred_on,
                    Activity.unit_id.in_(subtree_ids_query(actor.unit)),
                    Activity.unit.has(code=data.unit_code),
                    func.lower(Location.name) == visit.location.name.lower(),
                )
                .limit(1)
            )
            if existing is not None:
                group.duplicates.append(
                    RowError(
                        rownum,
                        "location_name",
                        _("Activity %(id)d already records this unit, date and location.", id=existing),
                    )
                )


def _flag_unverifiable(actor: User, groups: list[Group]) -> None:
    """A row marked "verified" that the actor may not verify is imported as submitted; say so up front.

    The importer is the activity's author, so the four-eyes rule (:func:`policy.self_verification_allowed`)
    applies as in the form: a commander's own import cannot be verified by that commander."""
    for group in groups:
        if group.status != "verified" or group.data is None:
            continue
        if actor.role not in VERIFIER_ROLES:
            message = _("Your role cannot verify: this activity will be imported as submitted.")
        elif not self_verification_allowed():
            message = _(
                "You cannot verify an activity you record yourself: it will be imported as submitted, "
                "for another commander to verify."
            )
        else:
            continue
        group.duplicates.append(RowError(group.rows[0], "status", message))


# ------------------------------------------------------------------------------------------- import & undo


def run(
    actor: User,
    content: bytes,
    filename: str,
    *,
    mode: Mode = "all",
    default_programme: Programme | None = None,
) -> tuple[Check, Result]:
    """Check, then write. ``mode="all"`` writes nothing unless the whole file is valid; ``"valid"`` writes
    the valid activities and skips the others. The caller commits."""
    result = check(actor, content, default_programme=default_programme)
    groups = result.groups if mode == "all" else result.valid_groups
    if (mode == "all" and not result.ok) or not groups:
        return result, Result(batch=None, created=0, skipped=len(result.groups))
    batch = ImportBatch(
        filename=filename[:255], created_by_id=actor.id, row_count=sum(len(g.rows) for g in groups)
    )
    db.session.add(batch)
    db.session.flush()
    for group in groups:
        assert group.data is not None
        activity = svc.create_activity(actor, group.data)
        activity.import_batch_id = batch.id
        if group.status in ("submitted", "verified"):
            svc.submit_activity(actor, activity)
            if group.status == "verified" and can_verify(actor, activity):
                svc.verify_activity(actor, activity)
    db.session.flush()
    audit.record(
        actor,
        "import",
        "import_batch",
        batch.id,
        unit_id=actor.unit_id,
        changes={
            "filename": batch.filename,
            "activities": len(groups),
            "rows": batch.row_count,
            "mode": mode,
        },
    )
    return result, Result(batch=batch, created=len(groups), skipped=len(result.groups) - len(groups))


def list_batches(actor: User, limit: int = 50) -> list[ImportBatch]:
    query = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
    if actor.role is not Role.ADMIN:
        query = query.where(
            ImportBatch.created_by.has(User.unit_id == actor.unit_id)
            | (ImportBatch.created_by_id == actor.id)
        )
    return list(db.session.scalars(query))


def batch_activity_count(batch: ImportBatch) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(Activity.import_batch_id == batch.id, Activity.deleted_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class Undo:
    """What :func:`undo_batch` did: the activities deleted and those it left (with their status)."""

    deleted: list[int]
    skipped: list[tuple[int, str]]


def undo_batch(actor: User, batch_id: int) -> Undo:
    """Soft-delete the batch's activities the actor could delete one by one (:func:`policy.can_delete`:
    for staff and commanders only drafts and returned ones); the others are skipped and listed. Audited.

    The batch counts as undone only once nothing of it is left, so a commander or an administrator can
    finish what staff could not."""
    require_importer(actor)
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not (
        batch.created_by_id == actor.id
        or (actor.role in VERIFIER_ROLES and is_within(batch.created_by.unit, actor.unit))
    ):
        raise NotFound(_("Import not found."))
    if batch.undone_at is not None:
        raise Conflict(_("This import has already been undone."))
    now = utcnow()
    activities = list(
        db.session.scalars(
            select(Activity)
            .where(Activity.import_batch_id == batch.id, Activity.deleted_at.is_(None))
            .order_by(Activity.id)
        )
    )
    deletable = [a for a in activities if can_view(actor, a) and can_delete(actor, a)]
    skipped = [(a.id, a.status.value) for a in activities if a not in deletable]
    with rollups.tracking(deletable):
        for activity in deletable:
            activity.deleted_at = now
            activity.deleted_by_id = actor.id
        if not skipped:
            batch.undone_at = now
    audit.record(
        actor,
        "undo_import",
        "import_batch",
        batch.id,
        unit_id=actor.unit_id,
        changes={"activities": [a.id for a in deletable], "skipped": [a_id for a_id, _s in skipped]},
    )
    return Undo(deleted=[a.id for a in deletable], skipped=skipped)
