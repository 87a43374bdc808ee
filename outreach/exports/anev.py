"""The ANEV as a PDF in the laporan's format (letterhead, title, table, formula, directives, signature) and as
an XLSX. Both render the same :class:`outreach.services.anev.Anev` through :func:`table_rows`, so their figures
cannot differ (tests/exports/test_anev_exports.py compares them)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from outreach.exports.pdf.contract import Signatory
from outreach.exports.pdf.layout import _esc, _fonts

HEADERS = (
    "No",
    "Satuan",
    "Kegiatan",
    "Paket sembako",
    "Rencana",
    "Terealisasi",
    "Terlambat",
    "Dasar",
    "Skor (%)",
    "Predikat",
    "Peringkat",
    "Perubahan",
)
BASIS = {"target": "Target", "plan": "Rencana", None: "Tanpa target"}
BAND = {"baik": "Baik", "cukup": "Cukup", "kurang": "Kurang", None: "–"}
FORMULA = (
    "Skor = rata-rata capaian per indikator yang bertarget (capaian ÷ target yang diproporsikan ke periode, "
    "paling tinggi 100 %); satuan tanpa target dinilai dari rencana: rencana terealisasi ÷ rencana disetujui "
    "× 100. Predikat: Baik ≥ {good} %, Cukup {fair}–{good_below} %, Kurang < {fair} %. Perubahan: skor dikurangi "
    "skor periode sebelumnya yang sama panjang ({prev_from} s.d. {prev_to})."
)


def _num(value: float | int | None) -> str:
    """Indonesian number: thousands with '.', one decimal with ','; '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:.1f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _num(value)


def table_rows(report: Any) -> list[list[str]]:
    """The ANEV table as text cells, one list per child unit (both exports print exactly these)."""
    return [
        [
            str(i),
            r.name,
            _num(r.activities),
            _num(r.parcels),
            _num(r.planned),
            _num(r.realised),
            _num(r.overdue),
            BASIS[r.basis],
            _num(r.score),
            BAND[r.band],
            _num(r.rank),
            _signed(r.change),
        ]
        for i, r in enumerate(report.rows, start=1)
    ]


def priority_table(report: Any) -> list[list[str]]:
    """The priority-message matrix as text cells: a header row (satuan, then the messages), one row per child
    unit, then one per kecamatan; "belum" where a message that applies was not delivered, "–" where it does not
    apply. Empty when no priority message is active in the period (both exports print exactly these)."""
    coverage = getattr(report, "priorities", None)
    if coverage is None or not coverage.messages:
        return []

    def cell(value: int | None) -> str:
        return "–" if value is None else ("belum" if value == 0 else _num(value))

    rows = [["Satuan / kecamatan", *(m.label_id for m in coverage.messages)]]
    for r in (*coverage.units, *coverage.districts):
        rows.append([r.name, *(cell(r.cells[m.id]) for m in coverage.messages)])
    return rows


def formula(report: Any) -> str:
    return FORMULA.format(
        good=report.good_min,
        fair=report.fair_min,
        good_below=_num(report.good_min - 0.1),
        prev_from=_date(report.previous_from),
        prev_to=_date(report.previous_to),
    )


_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November",
    "Desember",
)  # fmt: skip


def _date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def build_xlsx(report: Any) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "ANEV"
    ws.append([f"ANALISA DAN EVALUASI — {report.unit_name.upper()}"])
    ws["A1"].font = Font(bold=True)
    ws.append([report.programme_name])
    ws.append([f"Periode {_date(report.date_from)} s.d. {_date(report.date_to)}"])
    ws.append([])
    ws.append(list(HEADERS))
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in table_rows(report):
        ws.append(row)
    ws.append([])
    ws.append([formula(report)])
    priority = priority_table(report)
    if priority:
        ws.append([])
        ws.append(["Pesan prioritas"])
        for row in priority:
            ws.append(row)
    ws.append([])
    ws.append(["Arahan tindak lanjut"])
    for band in ("baik", "cukup", "kurang"):
        ws.append([BAND[band], report.directives[band]])
    for col, width in zip("ABCDEFGHIJKL", (5, 30, 10, 14, 10, 12, 11, 13, 10, 10, 10, 11), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_pdf(report: Any, kop: Sequence[str], signer: Signatory, place: str, on: date) -> bytes:
    fonts = _fonts()
    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=9, leading=12)
    bold = ParagraphStyle("bold", parent=base, fontName=fonts.bold)
    title = ParagraphStyle("title", parent=bold, fontSize=12, leading=15, alignment=TA_CENTER)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
    story: list[Any] = [Paragraph(_esc(line), bold) for line in kop]
    story += [
        Spacer(1, 6 * mm),
        Paragraph("ANALISA DAN EVALUASI", title),
        Paragraph(_esc(report.programme_name.upper()), title),
        Paragraph(_esc(f"PERIODE {_date(report.date_from)} S.D. {_date(report.date_to)}".upper()), title),
        Spacer(1, 5 * mm),
    ]
    data = [[Paragraph(_esc(h), ParagraphStyle("h", parent=cell, fontName=fonts.bold)) for h in HEADERS]]
    data += [[Paragraph(_esc(c), cell) for c in row] for row in table_rows(report)]
    widths = [9, 60, 18, 20, 17, 20, 18, 22, 17, 18, 18, 20]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm), Paragraph(_esc(formula(report)), base), Spacer(1, 4 * mm)]
    priority = priority_table(report)
    if priority:
        story.append(Paragraph("PESAN PRIORITAS", bold))
        rest = (267 - 60) / max(len(priority[0]) - 1, 1)
        matrix = Table(
            [[Paragraph(_esc(c), cell) for c in row] for row in priority],
            colWidths=[60 * mm] + [rest * mm] * (len(priority[0]) - 1),
            repeatRows=1,
        )
        matrix.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
                + [
                    ("BACKGROUND", (c, r), (c, r), colors.HexColor("#f8d7da"))
                    for r, row in enumerate(priority)
                    for c, value in enumerate(row)
                    if r and c and value == "belum"
                ]
            )
        )
        story += [matrix, Spacer(1, 4 * mm)]
    story.append(Paragraph("ARAHAN TINDAK LANJUT", bold))
    for band in ("baik", "cukup", "kurang"):
        story.append(Paragraph(_esc(f"{BAND[band]}: {report.directives[band]}"), base))
    story += [Spacer(1, 8 * mm), Paragraph(_esc(f"{place}, {_date(on)}"), base)]
    story.append(Paragraph(_esc(signer.position), bold))
    story += [
        Spacer(1, 14 * mm),
        Paragraph(_esc(signer.name.upper() + (f", {signer.degrees}" if signer.degrees else "")), bold),
    ]
    if signer.rank or signer.nrp:
        story.append(Paragraph(_esc(f"{signer.rank} NRP {signer.nrp}".strip()), base))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"ANEV {report.unit_name}",
        author="Outreach",
    )
    doc.build(story)
    return out.getvalue()
