"""write_xlsx's per-row fast path (plain strings, reused prototype cells) writes exactly the cells the
reference per-cell builder ``_xlsx_cell`` writes: same values, types, number formats and formula guard."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from outreach.exports import tabular
from outreach.exports.tabular import Column

COLUMNS = [
    Column("t", "Text", "text"),
    Column("n", "Number", "int"),
    Column("d", "Date", "date"),
    Column("h", "Time", "time"),
    Column("f", "Float", "float"),
]
TRICKY: list[Any] = [
    "=1+2", "+x", "-3", "@a", "\tb", "\rc", "'=x", "#N/A", "#DIV/0!", "#REF!", "a\r\nb", "x\x01y", "",
    "plain",
    5, -7, 2.5, True, date(2024, 1, 2), datetime(2024, 1, 2, 3, 4), time(5, 6), None,
]  # fmt: skip
ROWS: list[list[Any]] = [[v] * 5 for v in TRICKY] + [
    [f"row {i}", i, date(2024, 1, i % 28 + 1), time(i % 24, 30), i / 3] for i in range(40)
]


def _reference(columns: Sequence[Column], rows: list[list[Any]], date_format: str) -> bytes:
    """The straightforward writer: one cell object per value through ``_xlsx_cell``; like ``write_xlsx``, it
    ends every row with a cell (an empty text where the last value makes none)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append([tabular._text_cell(ws, c.label) for c in columns])
    for row in rows:
        cells = [tabular._xlsx_cell(ws, c, v, date_format) for c, v in zip(columns, row, strict=True)]
        ws.append(cells[:-1] + ["" if cells[-1] is None else cells[-1]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cells(data: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, bool(c.quotePrefix))
        for row in ws.iter_rows(min_row=2)
        for c in row
    ]


@pytest.mark.parametrize("date_format", ["dd/mm/yyyy", "yyyy-mm-dd", "@"])
def test_fast_path_writes_the_reference_cells(date_format: str) -> None:
    fast = tabular.xlsx_bytes(COLUMNS, ROWS, "S", date_format=date_format)
    assert _cells(fast) == _cells(_reference(COLUMNS, ROWS, date_format))


def test_guarded_and_error_like_text_stays_text() -> None:
    cells = {c[1]: c for c in _cells(tabular.xlsx_bytes(COLUMNS[:1], [[v] for v in TRICKY], "S"))}
    assert cells["=1+2"][2:] == ("s", "General", True)
    assert cells["#N/A"][2] == "s"  # never an error cell
    assert cells["plain"][2:] == ("s", "General", False)
    assert cells["xy"][2] == "s"  # control character dropped


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12))
def test_fast_path_writes_the_reference_cell_for_any_text(value: str) -> None:
    columns = [Column("t", "Text"), Column("n", "Number", "int")]
    rows = [[value, 1]]
    assert _cells(tabular.xlsx_bytes(columns, rows, "S")) == _cells(_reference(columns, rows, "dd/mm/yyyy"))
