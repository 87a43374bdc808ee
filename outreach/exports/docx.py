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
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from outreach.exports import catalogue, fmt
from outreach.exports.pdf.contract import ProgrammeReport
from outreach.exports.pdf.layout import _subject
from outreach.exports.pdf.programme import closing_text

__all__ = ["DocxTable", "build_laporan_docx", "build_text_docx"]

_FONT = "Times New Roman"


@dataclass(frozen=True, kw_only=True)
class DocxTable:
    """A table: a header row and the body rows (strings)."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]


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


def _heading(doc: DocumentObject, text: str) -> None:
    p = doc.add_paragraph()
    p.add_run(text).bold = True
    p.paragraph_format.keep_with_next = True


def _texts(doc: DocumentObject, text: str, default: str) -> None:
    paragraphs = [x.strip() for x in text.replace("\r\n", "\n").split("\n\n") if x.strip()] or [default]
    for para in paragraphs:
        _body(doc, " ".join(para.split()))


def build_laporan_docx(report: ProgrammeReport) -> bytes:
    """The programme laporan as DOCX, worded like the PDF (the same gettext msgids): kop, title, sections
    I-VI, PENUTUP kept with the signature block, then LAMPIRAN I (the activity list) on a new page."""
    _, pgettext, loc = catalogue.gettext(report.locale), catalogue.pgettext(report.locale), report.locale

    def n(value: float) -> str:
        return fmt.number(value, loc)

    period = _("%(start)s to %(end)s") % {
        "start": fmt.long_date(report.period_start, loc),
        "end": fmt.long_date(report.period_end, loc),
    }
    programme = " ".join(report.programme_name.split())
    title_lc = " ".join(report.title.split()).lower() or _("ACTIVITIES").lower()
    subject = _subject(_, report.title, report.programme_name)
    ex = report.execution
    doc = _document()
    _kop(doc, report.kop)
    doc.add_paragraph()
    _centred(doc, _("REPORT"))
    if report.report_number.strip():
        _centred(doc, _("Number") + ": " + report.report_number.strip(), bold=False)
    _centred(doc, _("ON") + "\n" + subject.upper())

    _heading(doc, "I. " + _("INTRODUCTION"))
    _heading(doc, "1. " + _("General"))
    _texts(
        doc,
        report.umum,
        _(
            "As part of %(programme)s, %(title)s were carried out in the period %(period)s. This report "
            "presents how they were carried out and the results achieved."
        )
        % {"programme": programme, "title": title_lc, "period": period},
    )
    _heading(doc, "2. " + pgettext("laporan", "Basis"))
    _texts(doc, report.dasar, _("The activity plan of %(programme)s.") % {"programme": programme})
    _heading(doc, "3. " + _("Purpose and Objectives"))
    _texts(
        doc,
        report.maksud_tujuan,
        _(
            "This report is an account and an evaluation of the activities carried out, so that the "
            "leadership has an overview of the results achieved."
        ),
    )
    _heading(doc, "4. " + pgettext("laporan", "Scope"))
    _texts(
        doc,
        report.ruang_lingkup,
        _(
            "This report covers the activities carried out in the period %(period)s, the results achieved, "
            "the obstacles met, and the conclusions and recommendations."
        )
        % {"period": period},
    )

    _heading(doc, "II. " + _("IMPLEMENTATION"))
    for label, value in (
        (_("Time"), period),
        (_("Number of activities"), _("%(n)s activities") % {"n": n(ex.activity_count)}),
        (_("Units involved"), ", ".join(ex.units) or "-"),
        (_("Personnel"), _("%(n)s persons") % {"n": n(ex.personnel_count)}),
        (pgettext("laporan", "Led by"), ", ".join(ex.leaders) or "-"),
    ):
        doc.add_paragraph(f"{label}: {value}")

    _heading(doc, "III. " + _("RESULTS ACHIEVED"))
    _heading(doc, "1. " + _("Achievement against Targets"))
    _table(
        doc,
        DocxTable(
            header=[_("No"), _("Indicator"), _("Target"), _("Achieved")],
            rows=[
                [str(i), r.label, n(r.target) if r.target is not None else "-", n(r.achieved)]
                for i, r in enumerate(report.targets, 1)
            ],
        ),
    )
    _heading(doc, "2. " + _("Summary by Unit"))
    _table(
        doc,
        DocxTable(
            header=[_("No"), _("Unit"), _("Activities"), _("Visits"), _("Locations"), _("Parcels")],
            rows=[
                [str(i), r.unit, n(r.activities), n(r.visits), n(r.locations), n(r.parcels)]
                for i, r in enumerate(report.by_unit, 1)
            ],
        ),
    )
    _heading(doc, "3. " + _("Messages Delivered"))
    _table(
        doc,
        DocxTable(
            header=[_("No"), _("Message"), _("Times Delivered")],
            rows=[[str(i), r.text, n(r.times)] for i, r in enumerate(report.by_message, 1)],
        ),
    )
    doc.add_paragraph(_("The list of activities is attached (Appendix I)."))

    _heading(doc, "IV. " + _("OBSTACLES"))
    _texts(doc, report.kendala, _("No obstacles were reported."))
    _heading(doc, "V. " + _("CONCLUSIONS AND RECOMMENDATIONS"))
    _heading(doc, "1. " + _("Conclusions"))
    _texts(
        doc,
        report.kesimpulan,
        _("During the reporting period %(count)s activities were carried out as part of %(programme)s.")
        % {"count": n(ex.activity_count), "programme": programme},
    )
    _heading(doc, "2. " + _("Recommendations"))
    _texts(doc, report.saran, _("No recommendations were made."))
    _heading(doc, "VI. " + _("CLOSING"))
    closing = doc.add_paragraph(closing_text(_))
    closing.paragraph_format.keep_with_next = True  # PENUTUP stays with the signature block

    who = report.signatory
    place_date = ", ".join(
        x for x in (report.signing_place.strip(), fmt.plain_date(report.signing_date, loc)) if x
    )
    lines = [place_date, who.position.strip(), "", "", fmt.signature_name(who.name, who.degrees)]
    id_line = fmt.rank_id_line(who.rank, who.nrp)
    if id_line:
        lines.append(id_line)
    block = doc.add_table(rows=1, cols=2)
    # The row must not split across pages (LibreOffice Writer broke it after the place and date, leaving the
    # name alone on the next page): whole, it moves with PENUTUP's keep-with-next paragraph.
    block.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    right = block.rows[0].cells[1]
    for i, line in enumerate(lines):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        p.add_run(line).bold = line == lines[4]

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _centred(doc, _("APPENDIX %(n)s") % {"n": "I"})
    _centred(
        doc, _("Appendix %(n)s to the Report on %(subject)s") % {"n": "I", "subject": subject}, bold=False
    )
    _centred(doc, _("List of Activities").upper())
    _table(
        doc,
        DocxTable(
            header=[
                _("No"),
                _("Date"),
                _("Unit"),
                _("Kind"),
                pgettext("laporan", "Leader"),
                _("Location"),
                _("Parcels"),
                pgettext("laporan", "Beneficiaries"),
            ],
            rows=[
                [
                    str(i),
                    fmt.short_date(a.on, loc),
                    a.unit,
                    a.kind,
                    a.leader,
                    a.locations,
                    n(a.parcels),
                    n(a.beneficiaries),
                ]  # fmt: skip
                for i, a in enumerate(report.activities, 1)
            ],
        ),
    )
    return _save(doc)
