"""CSV and XLSX writers: round trips, typed cells, streaming and the formula-injection guard."""

from __future__ import annotations

import csv
import io
import tempfile
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from outreach.exports import tabular
from outreach.exports.tabular import Column

COLUMNS = [
    Column("on", "Tanggal", "date"),
    Column("start", "Jam", "time"),
    Column("unit", "Satuan"),
    Column("leader", "Pimpinan"),
    Column("parcels", "Paket", "int"),
    Column("rice_kg", "Beras (kg)", "float"),
]
ROWS: list[dict[str, Any]] = [
    {
        "on": date(2023, 11, 30),
        "start": time(8, 30),
        "unit": "Polres Blora",
        "leader": "AKP Lilik Widiastuti, S.H.",
        "parcels": 50,
        "rice_kg": 125.5,
    },
    {
        "on": date(2023, 12, 1),
        "start": None,
        "unit": "Polsek Cepu",
        "leader": "Bripka “Agus”, S.H., M.H.",
        "parcels": 0,
        "rice_kg": None,
    },
]
TRIGGERS = ["=1+2", "+62 812", "-5", "@SUM(A1:A2)", "\tTAB", "\rCR", '=HYPERLINK("http://x","klik")']


def _csv(columns: list[Column], rows: Any, **kwargs: Any) -> list[list[str]]:
    text = "".join(tabular.write_csv(columns, rows, **kwargs))
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx(columns: list[Column], rows: Any, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    tabular.write_xlsx(columns, rows, "Kegiatan", out, **kwargs)
    return out.getvalue()


# -- CSV ----


def test_csv_round_trip() -> None:
    parsed = _csv(COLUMNS, ROWS)
    assert parsed == [
        ["Tanggal", "Jam", "Satuan", "Pimpinan", "Paket", "Beras (kg)"],
        ["2023-11-30", "08:30", "Polres Blora", "AKP Lilik Widiastuti, S.H.", "50", "125.5"],
        ["2023-12-01", "", "Polsek Cepu", "Bripka “Agus”, S.H., M.H.", "0", ""],
    ]


def test_csv_header_with_machine_keys_and_sequence_rows() -> None:
    rows = [(date(2024, 2, 14), time(7, 0, 15), "Polsek Kunduran", "Aipda Budi", 3, 1.25)]
    text = "".join(tabular.write_csv(COLUMNS, rows, header="keys", delimiter=";"))
    assert text.splitlines() == [
        "on;start;unit;leader;parcels;rice_kg",
        "2024-02-14;07:00:15;Polsek Kunduran;Aipda Budi;3;1.25",
    ]


def test_csv_bom_only_at_the_start() -> None:
    chunks = list(tabular.write_csv(COLUMNS, ({**ROWS[0]} for _ in range(1200)), bom=True))
    assert chunks[0].startswith("\ufeffTanggal,")
    assert all("\ufeff" not in c for c in chunks[1:])


def test_csv_streams_in_chunks_without_reading_all_rows_first() -> None:
    pulled = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            yield {"on": date(2023, 11, 30), "unit": f"Polsek {i}", "parcels": i}

    stream = tabular.write_csv(COLUMNS, rows())
    first = next(stream)
    assert first.startswith("Tanggal,Jam,Satuan,Pimpinan,Paket,Beras (kg)\r\n")
    assert pulled < 5000  # the first chunk left before the generator was exhausted
    rest = list(stream)
    assert len(rest) >= 5
    parsed = list(csv.reader(io.StringIO(first + "".join(rest), newline="")))
    assert len(parsed) == 5001
    assert parsed[-1] == ["2023-11-30", "", "Polsek 4999", "", "4999", ""]


def test_csv_empty_rows_give_header_only() -> None:
    assert "".join(tabular.write_csv(COLUMNS, [])) == "Tanggal,Jam,Satuan,Pimpinan,Paket,Beras (kg)\r\n"


@pytest.mark.parametrize("value", TRIGGERS)
def test_csv_neutralises_formulas(value: str) -> None:
    parsed = _csv([Column("unit", "Satuan")], [{"unit": value}])
    assert parsed[1] == ["'" + value]
    assert tabular.strip_guard(parsed[1][0]) == value


@pytest.mark.parametrize("value", ["Polres Blora", "5 paket", "'kutip", "a=b", " =1+2", ""])
def test_csv_leaves_harmless_text_alone(value: str) -> None:
    assert _csv([Column("unit", "Satuan")], [{"unit": value}])[1] == [value]


def test_csv_guard_covers_headers_and_non_numbers_in_number_columns() -> None:
    parsed = _csv([Column("n", "=Jumlah", "int")], [{"n": -5}, {"n": "=2*3"}, {"n": True}])
    assert parsed == [["'=Jumlah"], ["-5"], ["'=2*3"], ["1"]]  # a real negative number is not text


def test_guard_is_reversible_for_quoted_input() -> None:
    for value in ["'=1+2", "''-3", "'plain"]:
        assert tabular.strip_guard(tabular.guard_text(value)) == value
    assert tabular.guard_text("'=1+2") == "''=1+2"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
def test_csv_text_round_trips_exactly(value: str) -> None:
    parsed = _csv([Column("t", "Teks")], [{"t": value}])
    assert tabular.strip_guard(parsed[1][0]) == value
    assert not parsed[1][0].startswith(tabular.FORMULA_TRIGGERS)


# -- XLSX ----


def test_xlsx_has_typed_cells_and_bold_header() -> None:
    data = _xlsx(COLUMNS, ROWS)
    assert data.startswith(b"PK")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Kegiatan"
    assert [c.value for c in ws[1]] == ["Tanggal", "Jam", "Satuan", "Pimpinan", "Paket", "Beras (kg)"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"

    on, start, unit, leader, parcels, rice = ws[2]
    assert on.is_date
    assert on.value == datetime(2023, 11, 30)
    assert on.number_format == "dd/mm/yyyy"
    assert start.value == time(8, 30)
    assert start.number_format == "hh:mm"
    assert unit.value == "Polres Blora"
    assert unit.data_type == "s"
    assert leader.value == "AKP Lilik Widiastuti, S.H."
    assert parcels.value == 50
    assert parcels.data_type == "n"
    assert parcels.number_format == "#,##0"
    assert rice.value == 125.5
    assert rice.data_type == "n"
    assert [c.value for c in ws[3]] == [
        datetime(2023, 12, 1),
        None,
        "Polsek Cepu",
        "Bripka “Agus”, S.H., M.H.",
        0,
        None,
    ]


def test_xlsx_never_stores_a_formula() -> None:
    rows = [{"unit": v, "leader": v, "parcels": v} for v in TRIGGERS]
    data = _xlsx(COLUMNS, rows)

    ws = load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    # the original text, unchanged (but for line breaks, which XLSX stores as LF)
    assert [c.value for c in ws["C"][1:]] == [v.replace("\r", "\n") for v in TRIGGERS]
    assert all(c.quotePrefix for c in ws["C"][1:])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_xlsx_formula_hidden_behind_a_control_character_stays_text() -> None:
    data = _xlsx([Column("t", "Teks")], [{"t": "\x00=1+2"}, {"t": "\x1f@SUM(A1)"}])
    ws = load_workbook(io.BytesIO(data)).active
    assert [(c.value, c.data_type, c.quotePrefix) for c in ws["A"][1:]] == [
        ("=1+2", "s", True),
        ("@SUM(A1)", "s", True),
    ]


def test_xlsx_harmless_text_has_no_quote_prefix() -> None:
    ws = load_workbook(io.BytesIO(_xlsx(COLUMNS, ROWS))).active
    assert not ws["C2"].quotePrefix


def test_xlsx_drops_characters_xml_cannot_carry() -> None:
    ws = load_workbook(io.BytesIO(_xlsx([Column("t", "Teks")], [{"t": "a\x00b\x07c\td"}]))).active
    assert ws["A2"].value == "abc\td"


def test_xlsx_sheet_title_is_sanitised() -> None:
    out = io.BytesIO()
    tabular.write_xlsx(COLUMNS, [], "Laporan [Nov/Des] 2023: kegiatan Binmas Polres Blora", out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws.title == "Laporan Nov Des 2023 kegiatan B"
    assert ws.max_row == 1


def test_xlsx_streams_ten_thousand_rows() -> None:
    rows = ({"on": date(2023, 11, 30), "unit": f"Polsek {i}", "parcels": i} for i in range(10_000))
    data = tabular.xlsx_bytes(COLUMNS, rows, "Kegiatan")
    sheet = tabular.read_xlsx(data, max_rows=None)
    assert len(sheet.rows) == 10_000
    assert sheet.rows[-1][:5] == (date(2023, 11, 30), None, "Polsek 9999", None, 9999)


def test_xlsx_memory_stays_flat_in_the_number_of_rows() -> None:
    def rows(n: int) -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {
                "on": date(2023, 11, 30),
                "start": time(8, 30),
                "unit": f"Polsek {i}",
                "leader": "=1+2" if i % 7 == 0 else "AKP Lilik Widiastuti, S.H.",
                "parcels": i,
                "rice_kg": i / 4,
            }

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            with tempfile.TemporaryFile() as fh:  # a file, as the views and the CLI write: BytesIO would grow
                tabular.write_xlsx(COLUMNS, rows(n), "Kegiatan", fh)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(100)  # imports and caches out of the way
    small, large = peak(2_000), peak(16_000)
    assert large < small * 1.25 + 100_000, (small, large)  # 8× the rows, about the same peak


def test_xlsx_rows_are_full_width_for_cell_counting_readers() -> None:
    # Empty text and None make no cell, but the last column always has one, so openpyxl's read-only mode
    # (which sizes rows by their cells: a write-only sheet records no dimension) sees every row at full width.
    rows = [
        {"on": date(2023, 11, 30), "unit": "", "leader": None, "rice_kg": None},
        {"unit": "Polsek Cepu", "rice_kg": ""},
        {"rice_kg": 2.5},
    ]
    data = _xlsx(COLUMNS, rows)
    book = load_workbook(io.BytesIO(data), read_only=True)
    values = list(book.active.iter_rows(min_row=2, values_only=True))
    book.close()
    assert values == [
        (datetime(2023, 11, 30), None, None, None, None, None),
        (None, None, "Polsek Cepu", None, None, None),
        (None, None, None, None, None, 2.5),
    ]
    assert tabular.read_xlsx(data).rows == [
        (date(2023, 11, 30), None, None, None, None, None),
        (None, None, "Polsek Cepu", None, None, None),
        (None, None, None, None, None, 2.5),
    ]
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'r="C2"' not in sheet_xml  # the empty text in the middle made no cell


def test_openpyxl_writes_with_lxml() -> None:
    # lxml is a declared dependency for speed: openpyxl serialises with its C writer only when it is importable.
    assert openpyxl.LXML


def test_read_xlsx_round_trip() -> None:
    sheet = tabular.read_xlsx(_xlsx(COLUMNS, ROWS + [{"unit": "=1+2"}]))
    assert sheet.header == ("Tanggal", "Jam", "Satuan", "Pimpinan", "Paket", "Beras (kg)")
    assert sheet.rows == [
        (date(2023, 11, 30), time(8, 30), "Polres Blora", "AKP Lilik Widiastuti, S.H.", 50, 125.5),
        (date(2023, 12, 1), None, "Polsek Cepu", "Bripka “Agus”, S.H., M.H.", 0, None),
        (None, None, "=1+2", None, None, None),
    ]


def test_read_xlsx_of_a_hand_made_sheet() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append([])
    ws.append(["Nama", "Waktu", "Jumlah", None, None])
    ws.append(["Ponpes Al Alif", datetime(2023, 11, 30, 9, 15), 10])
    ws["B3"].number_format = "yyyy-mm-dd hh:mm"
    ws.append([None, None, None])
    ws.append(["Panti Asuhan", None, "=C3*2"])
    out = io.BytesIO()
    wb.save(out)

    sheet = tabular.read_xlsx(out.getvalue(), sheet="Data")

    assert sheet.header == ("Nama", "Waktu", "Jumlah")
    assert sheet.rows == [
        ("Ponpes Al Alif", datetime(2023, 11, 30, 9, 15), 10),
        ("Panti Asuhan", None, None),  # a formula without a cached value reads as empty, never as text
    ]


def test_read_xlsx_enforces_a_row_limit() -> None:
    data = _xlsx(COLUMNS, [ROWS[0]] * 11)
    with pytest.raises(ValueError, match="more than 10 rows"):
        tabular.read_xlsx(data, max_rows=10)
    assert len(tabular.read_xlsx(data, max_rows=11).rows) == 11


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_xlsx_text_round_trips_exactly(value: str) -> None:
    sheet = tabular.read_xlsx(tabular.xlsx_bytes([Column("t", "Teks")], [{"t": value}], "T"))
    expected = [] if not value.strip() else [(value,)]
    assert sheet.rows == expected
