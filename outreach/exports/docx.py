"""DOCX builders (python-docx): the press release and the programme laporan for units that adjust wording in Word.

Pure like the PDF builders: plain data in, bytes out. The layout mirrors the PDFs (kop top left and underlined,
bold centred title, justified paragraphs) in Times New Roman 12, as Polri correspondence is typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

__all__ = ["DocxSection", "DocxTable", "build_laporan_docx", "build_text_docx"]

_FONT = "Times New Roman"


@dataclass(frozen=True, kw_only=True)
class DocxTable:
    """A table: a header row and the body rows (strings)."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True, kw_only=True)
class DocxSection:
    """A numbered section of a laporan (``I. PENDAHULUAN``) with paragraphs and optional tables."""

    heading: str
    paragraphs: Sequence[str] = ()
    tables: Sequence[DocxTable] = ()


def _document() -> DocumentObject:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(12)
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = Cm(3)
        section.right_margin = Cm(2)
    return doc


def _kop(doc: DocumentObject, kop: Sequence[str]) -> None:
    for i, line in enumerate(kop):
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(line)
        run.font.size = Pt(11)
        run.bold = i == len(kop) - 1
        run.underline = i == len(kop) - 1


def _centred(doc: DocumentObject, text: str, *, bold: bool = True, size: int = 12) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _body(doc: DocumentObject, text: str) -> None:
    p = doc.add_paragraph(text)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)


def _table(doc: DocumentObject, table: DocxTable) -> None:
    t = doc.add_table(rows=1, cols=len(table.header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, table.header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in table.rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    doc.add_paragraph()


def _save(doc: DocumentObject) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def build_text_docx(
    title: str, paragraphs: Sequence[str], *, kop: Sequence[str] = (), kicker: str = ""
) -> bytes:
    """A press release (or any short text) as DOCX: kop, the kicker (``SIARAN PERS``), headline, paragraphs."""
    doc = _document()
    _kop(doc, kop)
    doc.add_paragraph()
    if kicker.strip():
        _centred(doc, kicker.strip(), size=14)
    if title.strip():
        _centred(doc, title.strip())
    for para in paragraphs:
        if para.strip():
            _body(doc, para.strip())
    return _save(doc)


def build_laporan_docx(
    *,
    kop: Sequence[str],
    title_lines: Sequence[str],
    sections: Sequence[DocxSection],
    signature: Sequence[str],
    appendix_title: Sequence[str] = (),
    appendix: DocxTable | None = None,
) -> bytes:
    """A programme laporan as DOCX: kop, title, sections, the signature block, then LAMPIRAN I on a new page."""
    doc = _document()
    _kop(doc, kop)
    doc.add_paragraph()
    for i, line in enumerate(title_lines):
        _centred(doc, line, bold=i == 0)
    for section in sections:
        heading = doc.add_paragraph()
        heading.add_run(section.heading).bold = True
        heading.paragraph_format.keep_with_next = True
        for para in section.paragraphs:
            if para.strip():
                _body(doc, para.strip())
        for table in section.tables:
            _table(doc, table)
    block = doc.add_table(rows=1, cols=2)
    right = block.rows[0].cells[1]
    right.text = ""
    for i, line in enumerate(signature):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        run = p.add_run(line)
        run.bold = i == len(signature) - 2
    if appendix is not None:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for i, line in enumerate(appendix_title):
            p = doc.add_paragraph()
            p.add_run(line).bold = i == 0
        _table(doc, appendix)
    return _save(doc)
