"""CSV and XLSX writers (and an XLSX reader for the importer): columns + rows in, text/bytes out.

Rows are mappings keyed by :attr:`Column.key` (or plain sequences in column order) and may come from any
iterable, including a generator over a large query: both writers stream, so memory stays flat.

Formula-injection guard (OWASP "CSV injection"): a text value starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return could be run as a formula by a spreadsheet. The two formats neutralise it differently,
each in the way that keeps the data exact for that format:

* **CSV** has no cell types, so such a value is written with a leading single quote (``'=1+2``), which
  spreadsheets show but do not evaluate. :func:`strip_guard` removes it again on import.
* **XLSX** stores the *original* text (minus control characters XML cannot carry; CR line breaks become
  LF) in a string cell
  (``data_type = "s"``, never ``"f"``) that also carries the ``quotePrefix`` style flag, exactly what Excel
  does when a user types ``'=1+2``. The cell can never be a formula, and the importer reads back the text
  unchanged.

Numbers in ``int``/``float`` columns are written as numbers (a negative number is not text and is not
guarded); any non-numeric value found in such a column is treated as text and guarded.

Empty text and None are empty fields in CSV and no cell in XLSX (openpyxl reads an empty text cell back as
None anyway), except in an XLSX row's last column, which always has a cell (an empty text if need be): a
write-only sheet records no dimension, so readers that size rows by their cells (openpyxl's read-only mode)
then still see every row at full width.

Speed: openpyxl serialises with lxml's C writer when lxml is installed (a declared dependency; the visit
export runs 1.2× faster with it than with openpyxl's pure-Python fallback). Per cell, :func:`write_xlsx`
hands openpyxl plain values wherever that writes the same cell, so the export stays within 1.2× of bare SQL
rows appended to openpyxl (``bench/measure.py``; ``bench/analysis.md``, "Exports").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter

__all__ = [
    "FORMULA_TRIGGERS",
    "Column",
    "ExtraSheet",
    "SheetData",
    "guard_text",
    "read_xlsx",
    "strip_guard",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]

ColumnKind = Literal["text", "int", "date", "time", "float"]
Row = Mapping[str, Any] | Sequence[Any]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (or that hide one)."""

_XLSX_FORMATS: dict[str, str] = {"int": "#,##0", "float": "#,##0.00", "time": "hh:mm"}
_XLSX_WIDTHS: dict[str, float] = {"int": 12, "float": 14, "date": 12, "time": 8}
#: The exact value types a column's prototype cell takes; others (bool is an int, datetime a date, subclasses)
#: go through :func:`_xlsx_cell`.
_PROTO_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int, float),
    "float": (int, float),
    "date": (date,),
    "time": (time,),
}
_CSV_CHUNK_ROWS = 500
#: Characters that make :func:`_xml_text` change a text (XML-illegal controls, CR): openpyxl's
#: ``ILLEGAL_CHARACTERS_RE`` plus ``\r``.
_XML_UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]")
#: First characters after which text needs a closer look before it can go in as a plain string: the formula
#: triggers and ``#`` (error codes such as ``#N/A``, which openpyxl would store as error cells).
_XLSX_SUSPECT_FIRST = frozenset("".join(FORMULA_TRIGGERS) + "#")


@dataclass(frozen=True)
class Column:
    """One exported column: machine ``key`` (row mapping key and the ``"keys"`` header), human ``label``
    (the ``"labels"`` header) and a ``kind`` that decides how values are written."""

    key: str
    label: str
    kind: ColumnKind = "text"


def _needs_guard(value: str) -> bool:
    # Quotes are looked through so that guarding stays reversible: "'=x" (a user's own quote) becomes "''=x".
    return value.lstrip("'").startswith(FORMULA_TRIGGERS)


def guard_text(value: str) -> str:
    """Prefix ``'`` to text that a spreadsheet would read as a formula (the CSV guard).

    Text that already starts with quotes before a trigger gets one more, so :func:`strip_guard` can always
    restore the original exactly.
    """
    return "'" + value if _needs_guard(value) else value


def strip_guard(value: str) -> str:
    """Undo :func:`guard_text` on imported CSV text: ``'=1+2`` -> ``=1+2``; other text is unchanged."""
    if value.startswith("'") and _needs_guard(value):
        return value[1:]
    return value


def _xml_text(value: str) -> str:
    """Make text storable in XLSX: drop control characters XML 1.0 cannot carry and write line breaks as
    ``\n`` (XML parsers turn a stored CR into LF anyway; Excel uses LF inside cells)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _values(columns: Sequence[Column], row: Row) -> list[Any]:
    if isinstance(row, Mapping):
        return [row.get(c.key) for c in columns]
    values = list(row)
    return [values[i] if i < len(values) else None for i in range(len(columns))]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ----------------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------------


def _csv_value(column: Column, value: Any) -> str:
    """Machine-friendly CSV text: ISO dates and times, plain numbers, guarded text."""
    if value is None:
        return ""
    if column.kind in ("int", "float") and _is_number(value):
        return str(value)
    if column.kind == "date" and isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if column.kind == "time" and isinstance(value, time | datetime):
        t = value.time() if isinstance(value, datetime) else value
        return t.isoformat(timespec="minutes" if t.second == 0 and t.microsecond == 0 else "seconds")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return guard_text(str(value))


def write_csv(
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    header: Literal["labels", "keys"] = "labels",
    delimiter: str = ",",
    bom: bool = False,
) -> Iterator[str]:
    """Stream CSV text in chunks: one header line (``labels`` or machine ``keys``), then one line per row.

    Dates are ISO (``2023-11-30``), times ``HH:MM``, numbers plain; text is guarded against formulas (see the
    module docstring). ``bom=True`` starts with a UTF-8 byte-order mark so that Excel detects the encoding;
    ``delimiter=";"`` suits spreadsheets in locales with a decimal comma. Feed the chunks to a streaming
    response, or ``"".join(...)`` them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([guard_text(c.label if header == "labels" else c.key) for c in columns])
    prefix = "\ufeff" if bom else ""
    pending = 0
    for row in rows:
        writer.writerow([_csv_value(c, v) for c, v in zip(columns, _values(columns, row), strict=True)])
        pending += 1
        if pending >= _CSV_CHUNK_ROWS:
            yield prefix + buffer.getvalue()
            prefix = ""
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield prefix + buffer.getvalue()


# ----------------------------------------------------------------------------------------------------
# XLSX
# ----------------------------------------------------------------------------------------------------


def _text_cell(ws: Any, value: str) -> Any:
    text = _xml_text(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # always a string: openpyxl would otherwise turn "=..." into a formula
    if value.startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _xlsx_cell(ws: Any, column: Column, value: Any, date_format: str) -> Any:
    """The reference builder: what one value becomes in the sheet (None: no cell)."""
    if value is None or (type(value) is str and not value):
        return None
    if column.kind in ("int", "float") and _is_number(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = _XLSX_FORMATS[column.kind]
        return cell
    if column.kind == "date" and isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value.date() if isinstance(value, datetime) else value)
        cell.number_format = date_format
        return cell
    if column.kind == "time" and isinstance(value, time | datetime):
        cell = WriteOnlyCell(ws, value=value.time() if isinstance(value, datetime) else value)
        cell.number_format = _XLSX_FORMATS["time"]
        return cell
    if isinstance(value, datetime | date | time):
        return _text_cell(ws, value.isoformat())
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value=value)
    return _text_cell(ws, str(value))


def _plain_text(value: str) -> str | None:
    """``value`` as a plain string openpyxl stores as an unstyled text cell (exactly what :func:`_text_cell`
    produces for it), or None when it needs the guarded cell (a formula trigger or an error code)."""
    text = _xml_text(value)
    if value.startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
        return None
    return text


def _xlsx_row_writer(ws: Any, columns: Sequence[Column], date_format: str) -> Any:
    """A function turning one row's values into what ``ws.append`` takes, with per-row work kept minimal.

    Styled cells (numbers, dates, times) reuse one prototype cell per column: write-only ``append``
    serialises a row before it returns, so the cell can take the next row's value. Text that
    :func:`_xlsx_cell` would store unchanged and unguarded goes in as a plain string (an unstyled text cell),
    found with one first-character test and one regular-expression scan; anything else (guarded text, text
    to clean, values of an unexpected type) takes the reference path, :func:`_xlsx_cell`.
    """
    plan: list[tuple[Column, Any, tuple[type, ...]]] = []
    for column in columns:
        proto: Any = None
        fast_types: tuple[type, ...] = ()
        # (a date format openpyxl does not see as one would be replaced when the value is bound: no prototype)
        if column.kind in ("int", "float", "time") or (column.kind == "date" and is_date_format(date_format)):
            proto = WriteOnlyCell(ws)
            proto.number_format = date_format if column.kind == "date" else _XLSX_FORMATS[column.kind]
            fast_types = _PROTO_TYPES[column.kind]
        plan.append((column, proto, fast_types))
    unsafe = _XML_UNSAFE_RE.search
    suspect = _XLSX_SUSPECT_FIRST

    def convert(values: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        append = out.append
        for (column, proto, fast_types), value in zip(plan, values, strict=True):
            vtype = type(value)
            if vtype is str:
                if not value:
                    append(None)
                elif value[0] not in suspect and unsafe(value) is None:
                    append(value)
                else:
                    text = _plain_text(value)
                    append(text if text is not None else _xlsx_cell(ws, column, value, date_format))
            elif value is None:
                append(None)
            elif vtype in fast_types:
                proto.value = value
                append(proto)
            else:
                append(_xlsx_cell(ws, column, value, date_format))
        if out and out[-1] is None:
            out[-1] = ""  # the last column always has a cell: full-width rows (module docstring)
        return out

    return convert


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = " ".join(title.split()).strip("'") or "Sheet1"
    return title[:31]


def _write_sheet(
    wb: Any,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Row],
    header: Literal["labels", "keys"],
    date_format: str,
) -> None:
    """Append one streamed worksheet to the write-only workbook ``wb``."""
    ws = wb.create_sheet(_sheet_title(title))
    for i, column in enumerate(columns, 1):
        label_width = len(column.label if header == "labels" else column.key) + 2
        base = _XLSX_WIDTHS.get(column.kind, 24)
        ws.column_dimensions[get_column_letter(i)].width = max(base, min(label_width, 40))
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9D9D9")
    align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head = []
    for column in columns:
        cell = _text_cell(ws, column.label if header == "labels" else column.key)
        cell.font, cell.fill, cell.alignment = bold, fill, align
        head.append(cell)
    ws.append(head)
    convert = _xlsx_row_writer(ws, columns, date_format)
    for row in rows:
        ws.append(convert(_values(columns, row)))


#: A further worksheet for :func:`write_xlsx`: its title, its columns and its (streamed) rows.
ExtraSheet = tuple[str, Sequence[Column], Iterable[Row]]


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Row],
    sheet_title: str,
    to: BinaryIO | IO[bytes],
    *,
    header: Literal["labels", "keys"] = "labels",
    date_format: str = "dd/mm/yyyy",
    extra_sheets: Iterable[ExtraSheet] = (),
) -> None:
    """Write one worksheet (then each of ``extra_sheets``, in order) to the binary file ``to`` with openpyxl's
    write-only mode (streams, flat memory: each sheet's rows are consumed only once the previous sheet is
    done, so the row iterables may be lazy queries).

    The header row is bold, shaded and frozen; ints and floats are numbers (``#,##0``), dates real dates
    (``date_format``, default ``dd/mm/yyyy``), times real times (``hh:mm``); text that looks like a formula
    is stored as a plain string (see the module docstring). The first sheet stays the main one: the
    importer (:func:`read_xlsx`) reads only that sheet.
    """
    wb = Workbook(write_only=True)
    _write_sheet(wb, sheet_title, columns, rows, header, date_format)
    for title, extra_columns, extra_rows in extra_sheets:
        _write_sheet(wb, title, extra_columns, extra_rows, header, date_format)
    wb.save(to)


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Row], sheet_title: str, **kwargs: Any) -> bytes:
    """Convenience wrapper around :func:`write_xlsx` returning the workbook as bytes."""
    out = io.BytesIO()
    write_xlsx(columns, rows, sheet_title, out, **kwargs)
    return out.getvalue()


@dataclass(frozen=True)
class SheetData:
    """What :func:`read_xlsx` returns: the header labels and the data rows as Python values."""

    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _has_time_part(number_format: str) -> bool:
    fmt = number_format.lower()
    return "h" in fmt or "s" in fmt.replace("dd", "")


def read_xlsx(
    source: bytes | BinaryIO | IO[bytes] | str | Path,
    *,
    sheet: str | None = None,
    max_rows: int | None = 100_000,
) -> SheetData:
    """Read the first (or the named) worksheet: the first non-empty row is the header, the rest are data.

    Values come back as Python types: ``str``, ``int``/``float``, ``datetime.date`` for date-only cells
    (openpyxl gives a midnight ``datetime``), ``datetime.datetime``, ``datetime.time``, ``bool`` or ``None``.
    Formulas are read as their cached values (``data_only``), never as formula text. Trailing empty columns
    and fully empty rows are dropped. More than ``max_rows`` data rows raise ``ValueError`` (an upload limit);
    rows are counted before blank ones are dropped (with the header, at most ``max_rows + 1`` rows are read),
    so a sheet of a million blank rows stops early instead of being walked to its end.
    """
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    wb = load_workbook(source, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        header: tuple[str, ...] | None = None
        rows: list[tuple[Any, ...]] = []
        read = 0
        for raw in ws.iter_rows():
            read += 1
            if max_rows is not None and read > max_rows + 1:
                raise ValueError(f"more than {max_rows} rows")
            values = []
            for cell in raw:
                value = getattr(cell, "value", None)
                if (
                    isinstance(value, datetime)
                    and value.time() == time(0)
                    and not _has_time_part(str(getattr(cell, "number_format", "") or ""))
                ):
                    value = value.date()
                values.append(value)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                labels = ["" if v is None else str(v).strip() for v in values]
                while labels and not labels[-1]:
                    labels.pop()
                header = tuple(labels)
                continue
            width = len(header)
            padded = (values + [None] * width)[:width] if width else values
            rows.append(tuple(padded))
            if max_rows is not None and len(rows) > max_rows:
                raise ValueError(f"more than {max_rows} rows")
        return SheetData(header=header or (), rows=rows)
    finally:
        wb.close()
