"""PDF builders (reportlab platypus): report data in, PDF bytes out.

The frozen dataclasses below are the contract between the services layer (which fills them from the
database) and this module (which never touches the database or the request). Everything a builder prints
comes from its dataclass; fixed wording comes from the locale tables in this module (``"id"`` or ``"en"``).

Layout follows the Polri *laporan* format (see ``DOMAIN.md``): kop top left and underlined, ``LAPORAN``,
``TENTANG PELAKSANAAN ... DALAM RANGKA ...``, Roman-numbered sections with Arabic sub-items, a right-aligned
signature block and a photo appendix (``LAMPIRAN``). Margins: top 2 cm, left 2.5 cm, right 1.5 cm. Pages are
A4 or F4 (215 x 330 mm).

Safety and scale:

* All user text is escaped before it reaches a ``Paragraph`` (reportlab parses a mini-HTML), so a name
  such as ``<b>x</b> & co`` prints literally. Table cells are plain strings (never parsed).
* Long tables are streamed: :class:`_StreamTable` pulls rows from an iterator one page at a time and emits
  one fixed-width ``Table`` per page, each starting with the header row. A generator of 10,000+ activity
  rows is therefore consumed once, in linear time, with only about one page of rows held in memory.
* Page numbers ("Halaman X dari Y") are drawn when the document is saved (the "NumberedCanvas" recipe: page
  content is kept until the total is known, then each page gets its footer), so one layout pass suffices.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Literal
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from outreach.exports import fmt

__all__ = [
    "F4",
    "ActivityReport",
    "ActivityRow",
    "ExecutionFacts",
    "LocationKindRow",
    "MediaItem",
    "MessageRow",
    "PartnerRow",
    "Photo",
    "ProgrammeReport",
    "SeriesPoint",
    "Signatory",
    "TargetRow",
    "UnitRow",
    "VisitRow",
    "build_activity_report",
    "build_programme_report",
    "build_text_pdf",
    "write_activity_report",
    "write_programme_report",
    "write_text_pdf",
]

ReportLocale = Literal["id", "en"]
PageSizeName = Literal["A4", "F4"]
PageNumbering = Literal["of_total", "naskah_dinas"]
"""``of_total``: "Halaman X dari Y" centred at the bottom of every page (the default).
``naskah_dinas``: formal style, the number centred at the top ("- 2 -", from page 2) and the first word of the
next page (*kata penyambung*) at the bottom right of every page but the last."""

F4: tuple[float, float] = (215 * mm, 330 * mm)
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "F4": F4}

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where DejaVuSans.ttf and DejaVuSans-Bold.ttf are looked for (Debian ``fonts-dejavu-core``); when they are
missing the builders fall back to the built-in Helvetica (enough for Indonesian, not for rarer symbols)."""

MARGIN_TOP = 2 * cm
MARGIN_LEFT = 2.5 * cm
MARGIN_RIGHT = 1.5 * cm
MARGIN_BOTTOM = 2 * cm


# ----------------------------------------------------------------------------------------------------
# Data contract
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Signatory:
    """Who signs the report, printed right-aligned under the place and date.

    ``position`` is printed as given (normally capitals, e.g. ``KASAT BINMAS POLRES BLORA``); ``name`` is
    printed in capitals with ``degrees`` as written (``LILIK WIDIASTUTI, S.H.``); the line below reads
    ``<rank> NRP <nrp>`` (``NIP`` for an 18-digit civil-service number). Empty parts are left out.
    """

    position: str
    name: str
    degrees: str = ""
    rank: str = ""
    nrp: str = ""


@dataclass(frozen=True, kw_only=True)
class Photo:
    """One documentation photo for the appendix: encoded image bytes (JPEG or PNG) and its caption.

    Bytes that cannot be decoded are replaced by a one-line note; the report still builds.
    """

    image: bytes
    caption: str = ""


@dataclass(frozen=True, kw_only=True)
class TargetRow:
    """An indicator with what was achieved and, optionally, the programme's target for it."""

    label: str
    achieved: int | float
    target: int | float | None = None


@dataclass(frozen=True, kw_only=True)
class UnitRow:
    """Totals for one unit (Polsek, Polres, ...) over the report period."""

    unit: str
    activities: int
    visits: int
    locations: int
    parcels: int
    beneficiaries: int


@dataclass(frozen=True, kw_only=True)
class LocationKindRow:
    """Totals for one kind of location (pondok pesantren, panti asuhan, ...)."""

    label: str
    visits: int
    locations: int
    parcels: int


@dataclass(frozen=True, kw_only=True)
class MessageRow:
    """A kamtibmas message and how many times it was delivered."""

    text: str
    times: int


@dataclass(frozen=True, kw_only=True)
class SeriesPoint:
    """One bar of the monthly chart: a short label (``Nov 2023``) and its value."""

    label: str
    value: int | float


@dataclass(frozen=True, kw_only=True)
class ActivityRow:
    """One line of the activity list. ``leader`` and ``locations`` are display text prepared by the caller
    (e.g. ``AKP Lilik Widiastuti, S.H.`` and ``Ponpes Al Alif Tunjungan; Panti Asuhan ...``)."""

    on: date
    unit: str
    kind: str
    leader: str
    locations: str
    parcels: int
    beneficiaries: int


@dataclass(frozen=True, kw_only=True)
class ExecutionFacts:
    """Facts for section II (PELAKSANAAN) of the programme report.

    ``units`` and ``leaders`` are display names (leaders already formatted, e.g. ``AKP Lilik Widiastuti,
    S.H.``); ``narrative`` is optional free text describing what was done.
    """

    activity_count: int = 0
    units: tuple[str, ...] = ()
    personnel_count: int = 0
    leaders: tuple[str, ...] = ()
    narrative: str = ""


@dataclass(frozen=True, kw_only=True)
class ProgrammeReport:
    """Everything the programme report (laporan pelaksanaan) prints.

    Identity and layout:
        ``locale`` ``"id"``/``"en"`` for all fixed wording and date/number formats; ``page_size`` ``"A4"`` or
        ``"F4"``; ``page_numbering`` (see :data:`PageNumbering`); ``kop`` the letterhead lines, top first
        (``KEPOLISIAN NEGARA REPUBLIK INDONESIA``, ``DAERAH JAWA TENGAH``, ``RESOR BLORA``); ``report_number``
        free text (``B/123/XI/2023/Binmas``), omitted when empty; ``author`` goes into the PDF metadata.
    Subject line:
        ``TENTANG PELAKSANAAN <title> DALAM RANGKA <programme_name>`` (printed in capitals); ``title`` is what
        was carried out (e.g. ``Kegiatan Binmas``); the period is ``period_start`` .. ``period_end``.
    Free texts (empty -> a neutral default sentence; blank lines separate paragraphs):
        ``umum``, ``dasar`` (each non-empty line becomes a lettered item a., b., ...), ``maksud_tujuan``,
        ``ruang_lingkup``, ``kendala``, ``kesimpulan``, ``saran``.
    Figures:
        ``execution`` (section II); ``targets``, ``by_unit``, ``by_location_kind``, ``by_message`` (tables of
        section III; an empty table prints "Tidak ada data."); ``monthly`` the bar chart series with
        ``monthly_title`` as its heading; ``activities`` the activity list as any iterable (a generator is
        consumed exactly once, streamed page by page, so 10,000+ rows are fine).
    Signature and appendix:
        ``signing_place``, ``signing_date``, ``signatory``; ``photos`` for the LAMPIRAN (omitted when empty).
    """

    title: str
    programme_name: str
    period_start: date
    period_end: date
    signing_place: str
    signing_date: date
    signatory: Signatory
    kop: tuple[str, ...] = ()
    locale: ReportLocale = "id"
    page_size: PageSizeName = "A4"
    page_numbering: PageNumbering = "of_total"
    report_number: str = ""
    author: str = ""
    umum: str = ""
    dasar: str = ""
    maksud_tujuan: str = ""
    ruang_lingkup: str = ""
    kendala: str = ""
    kesimpulan: str = ""
    saran: str = ""
    execution: ExecutionFacts = field(default_factory=ExecutionFacts)
    targets: Sequence[TargetRow] = ()
    by_unit: Sequence[UnitRow] = ()
    #: The JUMLAH row of ``by_unit``: the area's totals (a location visited under two units is one
    #: location); None sums the rows.
    by_unit_total: UnitRow | None = None
    #: What the figures count, e.g. "Dihitung: kegiatan diajukan dan terverifikasi" (under III's heading).
    counted: str = ""
    by_location_kind: Sequence[LocationKindRow] = ()
    by_message: Sequence[MessageRow] = ()
    monthly: Sequence[SeriesPoint] = ()
    monthly_title: str = ""
    activities: Iterable[ActivityRow] = ()
    photos: Sequence[Photo] = ()


@dataclass(frozen=True, kw_only=True)
class VisitRow:
    """One visited location of an activity.

    ``partner`` is the contact met there as display text (``KH. Nasir (pengasuh)``); ``beneficiaries`` is a
    count of recipients, ``beneficiary_group`` who they were (``santri``, ``warga pesisir``); ``other_items``
    lists anything handed out besides parcels (``brosur 100 lembar``).
    """

    location: str
    kind: str = ""
    partner: str = ""
    parcels: int = 0
    beneficiaries: int = 0
    beneficiary_group: str = ""
    other_items: str = ""


@dataclass(frozen=True, kw_only=True)
class PartnerRow:
    """A partner present at the activity: name and role (``pengasuh Ponpes Al Alif Tunjungan``)."""

    name: str
    role: str = ""


@dataclass(frozen=True, kw_only=True)
class MediaItem:
    """Media coverage of the activity."""

    outlet: str
    title: str = ""
    url: str = ""
    published_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ActivityReport:
    """Everything the single-activity report prints.

    ``kind`` is the activity kind label (``Bakti sosial``); the subject line reads ``TENTANG PELAKSANAAN
    <kind> DALAM RANGKA <programme>`` unless ``title`` is given, which then replaces it. ``leader`` is the
    formatted leader (``AKP Lilik Widiastuti, S.H.``) and ``leader_position`` the position
    (``Kasat Binmas Polres Blora``); ``officers`` the other officers taking part; ``start_time``/``end_time``
    with ``tz_label`` (WIB/WITA/WIT). The other fields mirror :class:`ProgrammeReport`.
    """

    kind: str
    on: date
    unit: str
    leader: str
    signing_place: str
    signing_date: date
    signatory: Signatory
    title: str = ""
    leader_position: str = ""
    start_time: time | None = None
    end_time: time | None = None
    tz_label: str = "WIB"
    officers: tuple[str, ...] = ()
    programme: str = ""
    visits: Sequence[VisitRow] = ()
    messages: Sequence[str] = ()
    partners: Sequence[PartnerRow] = ()
    summary: str = ""
    media: Sequence[MediaItem] = ()
    photos: Sequence[Photo] = ()
    kop: tuple[str, ...] = ()
    locale: ReportLocale = "id"
    page_size: PageSizeName = "A4"
    page_numbering: PageNumbering = "of_total"
    report_number: str = ""
    author: str = ""


# ----------------------------------------------------------------------------------------------------
# Fixed wording
# ----------------------------------------------------------------------------------------------------

_TEXT: dict[str, dict[str, str]] = {
    "id": {
        "report": "LAPORAN",
        "number": "Nomor",
        "about": "TENTANG",
        "subject": "PELAKSANAAN {title} DALAM RANGKA {programme}",
        "subject_plain": "PELAKSANAAN {title}",
        "default_title": "KEGIATAN",
        "intro": "PENDAHULUAN",
        "general": "Umum",
        "basis": "Dasar",
        "purpose": "Maksud dan Tujuan",
        "scope": "Ruang Lingkup",
        "execution": "PELAKSANAAN",
        "results": "HASIL YANG DICAPAI",
        "obstacles": "HAMBATAN / KENDALA",
        "conclusions": "KESIMPULAN DAN SARAN",
        "conclusion": "Kesimpulan",
        "recommendation": "Saran",
        "closing": "PENUTUP",
        "appendix": "LAMPIRAN",
        "appendix_n": "LAMPIRAN {n}",
        "appendix_of": "Lampiran {n} Laporan {subject}",
        "activity_list_ref": "Daftar kegiatan terlampir (Lampiran I).",
        "documentation": "DOKUMENTASI",
        "page": "Halaman {page} dari {total}",
        "no_data": "Tidak ada data.",
        "none": "Nihil.",
        "period": "{start} s.d. {end}",
        "default_general": (
            "Dalam rangka {programme}, telah dilaksanakan {title} pada periode {period}. Laporan ini "
            "menyajikan pelaksanaan kegiatan serta hasil yang dicapai."
        ),
        "default_basis": "Rencana kegiatan {programme}.",
        "default_purpose": (
            "Laporan ini dimaksudkan sebagai bahan pertanggungjawaban dan evaluasi pelaksanaan kegiatan, "
            "dengan tujuan agar pimpinan memperoleh gambaran tentang hasil yang dicapai."
        ),
        "default_scope": (
            "Laporan ini meliputi pelaksanaan kegiatan pada periode {period}, hasil yang dicapai, hambatan "
            "dan kendala, serta kesimpulan dan saran."
        ),
        "default_obstacles": "Tidak ada hambatan atau kendala yang dilaporkan.",
        "default_conclusion": (
            "Selama periode laporan telah dilaksanakan {count} kegiatan dalam rangka {programme}."
        ),
        "default_recommendation": "Tidak ada saran yang disampaikan.",
        "closing_text": (
            "Demikian laporan ini dibuat untuk menjadi periksa dan sebagai bahan pertanggungjawaban."
        ),
        "time": "Waktu",
        "activity_count": "Jumlah kegiatan",
        "activities_unit": "{n} kegiatan",
        "units": "Satuan pelaksana",
        "personnel": "Jumlah personel",
        "persons_unit": "{n} orang",
        "leaders": "Pimpinan kegiatan",
        "narrative": "Uraian kegiatan",
        "and_more": "dan {n} lainnya",
        "targets": "Capaian terhadap Target",
        "by_unit": "Rekapitulasi per Satuan",
        "by_location_kind": "Rekapitulasi per Jenis Lokasi",
        "by_message": "Pesan Kamtibmas yang Disampaikan",
        "monthly": "Jumlah Kegiatan per Bulan",
        "activity_list": "Daftar Kegiatan",
        "col_no": "No",
        "col_indicator": "Indikator",
        "col_target": "Target",
        "col_achieved": "Capaian",
        "col_percent": "%",
        "col_unit": "Satuan",
        "col_activities": "Kegiatan",
        "col_visits": "Kunjungan",
        "col_locations": "Lokasi",
        "col_parcels": "Paket",
        "col_beneficiaries": "Penerima",
        "col_location_kind": "Jenis Lokasi",
        "col_message": "Pesan",
        "col_times": "Disampaikan (kali)",
        "col_date": "Tanggal",
        "col_kind": "Jenis",
        "col_leader": "Pimpinan",
        "col_location": "Lokasi",
        "col_partner": "Mitra yang Ditemui",
        "col_other_items": "Bantuan Lain",
        "total": "JUMLAH",
        # activity report
        "a_execution": "PELAKSANAAN",
        "a_results": "HASIL KEGIATAN",
        "a_kind": "Jenis kegiatan",
        "a_date": "Hari/tanggal",
        "a_time": "Waktu",
        "a_unit": "Satuan",
        "a_leader": "Pimpinan kegiatan",
        "a_officers": "Personel yang terlibat",
        "a_programme": "Program",
        "a_visits": "Lokasi yang Dikunjungi",
        "a_messages": "Pesan Kamtibmas yang Disampaikan",
        "a_partners": "Mitra / Tokoh yang Hadir",
        "a_summary": "Ringkasan",
        "a_media": "Liputan Media",
        "as_role": "{name} selaku {role}",
        "image_error": "[Foto tidak dapat ditampilkan]",
    },
    "en": {
        "report": "REPORT",
        "number": "Number",
        "about": "ON",
        "subject": "THE IMPLEMENTATION OF {title} AS PART OF {programme}",
        "subject_plain": "THE IMPLEMENTATION OF {title}",
        "default_title": "ACTIVITIES",
        "intro": "INTRODUCTION",
        "general": "General",
        "basis": "Basis",
        "purpose": "Purpose and Objectives",
        "scope": "Scope",
        "execution": "IMPLEMENTATION",
        "results": "RESULTS ACHIEVED",
        "obstacles": "OBSTACLES",
        "conclusions": "CONCLUSIONS AND RECOMMENDATIONS",
        "conclusion": "Conclusions",
        "recommendation": "Recommendations",
        "closing": "CLOSING",
        "appendix": "APPENDIX",
        "appendix_n": "APPENDIX {n}",
        "appendix_of": "Appendix {n} to the Report on {subject}",
        "activity_list_ref": "The list of activities is attached (Appendix I).",
        "documentation": "DOCUMENTATION",
        "page": "Page {page} of {total}",
        "no_data": "No data.",
        "none": "None.",
        "period": "{start} to {end}",
        "default_general": (
            "As part of {programme}, {title} were carried out in the period {period}. This report presents "
            "how they were carried out and the results achieved."
        ),
        "default_basis": "The activity plan of {programme}.",
        "default_purpose": (
            "This report is an account and an evaluation of the activities carried out, so that the "
            "leadership has an overview of the results achieved."
        ),
        "default_scope": (
            "This report covers the activities carried out in the period {period}, the results achieved, "
            "the obstacles met, and the conclusions and recommendations."
        ),
        "default_obstacles": "No obstacles were reported.",
        "default_conclusion": (
            "During the reporting period {count} activities were carried out as part of {programme}."
        ),
        "default_recommendation": "No recommendations were made.",
        "closing_text": "This report is submitted for your information and as an account of the activities.",
        "time": "Time",
        "activity_count": "Number of activities",
        "activities_unit": "{n} activities",
        "units": "Units involved",
        "personnel": "Personnel",
        "persons_unit": "{n} persons",
        "leaders": "Led by",
        "narrative": "Description",
        "and_more": "and {n} more",
        "targets": "Achievement against Targets",
        "by_unit": "Summary by Unit",
        "by_location_kind": "Summary by Location Kind",
        "by_message": "Messages Delivered",
        "monthly": "Activities per Month",
        "activity_list": "List of Activities",
        "col_no": "No",
        "col_indicator": "Indicator",
        "col_target": "Target",
        "col_achieved": "Achieved",
        "col_percent": "%",
        "col_unit": "Unit",
        "col_activities": "Activities",
        "col_visits": "Visits",
        "col_locations": "Locations",
        "col_parcels": "Parcels",
        "col_beneficiaries": "Beneficiaries",
        "col_location_kind": "Location Kind",
        "col_message": "Message",
        "col_times": "Times Delivered",
        "col_date": "Date",
        "col_kind": "Kind",
        "col_leader": "Leader",
        "col_location": "Location",
        "col_partner": "Partner Met",
        "col_other_items": "Other Items",
        "total": "TOTAL",
        "a_execution": "IMPLEMENTATION",
        "a_results": "RESULTS",
        "a_kind": "Kind of activity",
        "a_date": "Day/date",
        "a_time": "Time",
        "a_unit": "Unit",
        "a_leader": "Led by",
        "a_officers": "Officers involved",
        "a_programme": "Programme",
        "a_visits": "Locations Visited",
        "a_messages": "Messages Delivered",
        "a_partners": "Partners Present",
        "a_summary": "Summary",
        "a_media": "Media Coverage",
        "as_role": "{name}, {role}",
        "image_error": "[Photo could not be displayed]",
    },
}

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKER = re.compile(r"^(?:\d+|[A-Za-z]|[IVXLC]+)[.)]$")
_MAX_CELL_LINES = 12
_MAX_NAMES = 40


# ----------------------------------------------------------------------------------------------------
# Fonts, text helpers
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str


def _fonts() -> _Fonts:
    """Register DejaVuSans (+ Bold) from :data:`FONT_DIR` if present, else fall back to Helvetica."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return _Fonts("Helvetica", "Helvetica-Bold")
    if {"DejaVuSans", "DejaVuSans-Bold"} <= set(pdfmetrics.getRegisteredFontNames()):
        return _Fonts("DejaVuSans", "DejaVuSans-Bold")
    try:
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    except Exception:  # noqa: BLE001 - an unreadable font file must not break exports
        return _Fonts("Helvetica", "Helvetica-Bold")
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans",
        boldItalic="DejaVuSans-Bold",
    )
    return _Fonts("DejaVuSans", "DejaVuSans-Bold")


def _clean(text: str) -> str:
    """Drop control characters (except newline and tab, the latter becoming a space)."""
    return _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def _esc(text: str) -> str:
    """Escape user text for a ``Paragraph``; single newlines become line breaks."""
    return escape(_clean(text)).replace("\n", "<br/>")


def _paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs at blank lines; empty text gives an empty list."""
    parts = re.split(r"\n\s*\n", _clean(text).strip())
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=16384)
def _cached_width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _width(text: str, font: str, size: float) -> float:
    """String width in points; short strings are memoised (table cells repeat the same names and words)."""
    if len(text) > 120:
        return float(pdfmetrics.stringWidth(text, font, size))
    return _cached_width(text, font, size)


def _wrap(text: str, font: str, size: float, width: float, max_lines: int = _MAX_CELL_LINES) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (cheap: no Paragraph), breaking long words."""
    space = _width(" ", font, size)
    lines: list[str] = []
    for raw in _clean(text).split("\n"):
        para = " ".join(raw.split())
        if _width(para, font, size) <= width:
            lines.append(para)
            continue
        line, line_w = "", 0.0
        for word in para.split(" "):
            word_w = _width(word, font, size)
            if line and line_w + space + word_w <= width:
                line, line_w = f"{line} {word}", line_w + space + word_w
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and word_w > width:
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                word_w = _width(word, font, size)
            line, line_w = word, word_w
        lines.append(line)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _width(last + " …", font, size) > width:
            last = last[:-1]
        lines[-1] = last + " …"
    return lines or [""]


def _names(names: Sequence[str], t: dict[str, str]) -> str:
    """Join display names with commas, cutting very long lists short ("dan 12 lainnya")."""
    shown = [" ".join(_clean(n).split()) for n in names[:_MAX_NAMES]]
    text = ", ".join(n for n in shown if n)
    if len(names) > _MAX_NAMES:
        text += ", " + t["and_more"].format(n=fmt.number(len(names) - _MAX_NAMES))
    return text


# ----------------------------------------------------------------------------------------------------
# Streaming table
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Col:
    label: str
    width: float  # points
    align: Literal["LEFT", "RIGHT", "CENTER"] = "LEFT"
    wrap: bool = True


@dataclass
class _TableSpec:
    cols: Sequence[_Col]
    fonts: _Fonts
    size: float = 8.0
    pad_v: float = 2.5
    pad_h: float = 3.0
    footer_span: int = 1

    @property
    def leading(self) -> float:
        return self.size * 1.2

    def prepare(self, cells: Sequence[str], bold: bool = False) -> tuple[list[str], float]:
        """Wrap each cell to its column and return the cell texts with the row height."""
        font = self.fonts.bold if bold else self.fonts.regular
        out: list[str] = []
        n_lines = 1
        for col, cell in zip(self.cols, cells, strict=False):
            text = _clean(cell)
            if col.wrap:
                lines = _wrap(text, font, self.size, col.width - 2 * self.pad_h)
                n_lines = max(n_lines, len(lines))
                out.append("\n".join(lines))
            else:
                out.append(" ".join(text.split()))
        out.extend("" for _ in range(len(self.cols) - len(out)))
        return out, n_lines * self.leading + 2 * self.pad_v + 1

    def table(
        self, header: tuple[list[str], float], rows: Sequence[tuple[list[str], float]], has_footer: bool
    ) -> Any:
        """A fixed-geometry ``Table`` (header + rows), cheap to lay out because nothing is measured again."""
        data = [header[0], *(r[0] for r in rows)]
        heights = [header[1], *(r[1] for r in rows)]
        style: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), self.fonts.regular, self.size, self.leading),
            ("FONT", (0, 0), (-1, 0), self.fonts.bold, self.size, self.leading),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), self.pad_v),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.pad_v),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad_h),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad_h),
        ]
        for i, col in enumerate(self.cols):
            if col.align != "LEFT":
                style.append(("ALIGN", (i, 1), (i, -1), col.align))
        if has_footer:
            style += [
                ("FONT", (0, -1), (-1, -1), self.fonts.bold, self.size, self.leading),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f0f0f0")),
            ]
            if self.footer_span > 1:
                style += [
                    ("SPAN", (0, -1), (self.footer_span - 1, -1)),
                    ("ALIGN", (0, -1), (0, -1), "CENTER"),
                ]
        return Table(
            data,
            colWidths=[c.width for c in self.cols],
            rowHeights=heights,
            style=style,
            repeatRows=1,
            hAlign="LEFT",
        )


class _RowSource:
    """Shared state of one streamed table: the row iterator and a buffer of at most about one page of rows."""

    def __init__(
        self,
        spec: _TableSpec,
        rows: Iterator[Sequence[str]],
        footer: Callable[[], Sequence[str] | None] | None,
    ) -> None:
        self.spec = spec
        self.rows = rows
        self.footer = footer
        self.header = spec.prepare([c.label for c in spec.cols], bold=True)
        self.buffer: list[tuple[list[str], float]] = []
        self.buffer_height = 0.0
        self.exhausted = False
        self.footer_in_buffer = False

    def fill(self, avail_height: float) -> None:
        """Pull rows until the buffer is taller than ``avail_height`` (or the rows run out)."""
        while not self.exhausted and self.header[1] + self.buffer_height <= avail_height:
            try:
                cells = next(self.rows)
            except StopIteration:
                self.exhausted = True
                footer = self.footer() if self.footer else None
                if footer is not None:
                    self._push(self.spec.prepare(footer, bold=True))
                    self.footer_in_buffer = True
                break
            self._push(self.spec.prepare(cells))

    def _push(self, row: tuple[list[str], float]) -> None:
        self.buffer.append(row)
        self.buffer_height += row[1]

    def take(self, avail_height: float) -> tuple[list[tuple[list[str], float]], bool]:
        """Remove and return as many buffered rows as fit under the header; also whether the footer is in."""
        used = self.header[1]
        n = 0
        for _, h in self.buffer:
            if used + h > avail_height:
                break
            used += h
            n += 1
        rows = self.buffer[:n]
        del self.buffer[:n]
        self.buffer_height -= sum(h for _, h in rows)
        done = self.exhausted and not self.buffer
        return rows, done and self.footer_in_buffer


class _StreamTable(Flowable):
    """A table fed by an iterator, laid out one page at a time (header row on every page).

    ``wrap`` pulls rows until the available height is exceeded; ``split`` cuts a fixed-geometry ``Table``
    for the current page and returns a fresh ``_StreamTable`` on the same source for the rest. Time is
    linear in the number of rows and memory holds about one page of rows.
    """

    def __init__(self, source: _RowSource) -> None:
        super().__init__()
        self.source = source
        self.width = sum(c.width for c in source.spec.cols)
        self.height = 0.0
        self.spaceAfter = 6

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        src = self.source
        src.fill(avail_height)
        self.height = src.header[1] + src.buffer_height
        if not src.exhausted:  # more rows to come: report "too tall" so that the frame splits us
            self.height = max(self.height, avail_height + 1)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        src = self.source
        src.fill(avail_height)
        rows, has_footer = src.take(avail_height)
        if not rows:
            return []
        table = src.spec.table(src.header, rows, has_footer)
        if src.exhausted and not src.buffer:
            table.spaceAfter = self.spaceAfter
            return [table]
        return [table, _StreamTable(src)]

    def draw(self) -> None:
        src = self.source
        rows, has_footer = src.take(math.inf)
        table = src.spec.table(src.header, rows, has_footer)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

    def first_word_text(self) -> str:
        return self.source.spec.cols[0].label if self.source.spec.cols else ""


# ----------------------------------------------------------------------------------------------------
# Document scaffolding
# ----------------------------------------------------------------------------------------------------


def _first_text(flowable: Any) -> str:
    """Plain text at the start of a flowable, for the *kata penyambung*."""
    if isinstance(flowable, Paragraph):
        bullet = getattr(flowable, "bulletText", None) or ""
        return f"{bullet} {flowable.getPlainText()}".strip()
    if isinstance(flowable, _StreamTable):
        return flowable.first_word_text()
    if isinstance(flowable, Table):
        for row in getattr(flowable, "_cellvalues", [])[:1]:
            for cell in row:
                if isinstance(cell, list | tuple):
                    cell = cell[0] if cell else ""
                text = cell if isinstance(cell, str) else _first_text(cell)
                if text.strip():
                    return text
    return ""


def _connective(text: str) -> str:
    """First word of ``text``; a list marker ("2.", "b.", "IV.") keeps the word after it."""
    words = text.split()
    if not words:
        return ""
    if _MARKER.match(words[0]) and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]


def _canvas_class(
    t: dict[str, str], fonts: _Fonts, numbering: PageNumbering, first_words: dict[int, str]
) -> type[Canvas]:
    """A canvas that holds pages until ``save`` so every page can show the total page count."""

    class _NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            page = self._pageNumber
            width, _height = self._pagesize
            self.saveState()
            self.setFont(fonts.regular, 8)
            self.setFillColor(colors.black)
            if numbering == "naskah_dinas":
                if page > 1:
                    self.setFont(fonts.regular, 10)
                    self.drawCentredString(width / 2, self._pagesize[1] - 1.2 * cm, f"- {page} -")
                word = first_words.get(page + 1, "")
                if page < total and word:
                    self.setFont(fonts.regular, 9)
                    self.drawRightString(width - MARGIN_RIGHT, MARGIN_BOTTOM - 0.7 * cm, f"{word} …")
            else:
                self.drawCentredString(width / 2, 1.1 * cm, t["page"].format(page=page, total=total))
            self.restoreState()

    return _NumberedCanvas


class _Builder:
    """Styles and shared pieces for one document."""

    def __init__(
        self, locale: str, page_size: str, numbering: PageNumbering, title: str, author: str
    ) -> None:
        self.locale = locale if locale in _TEXT else "id"
        self.t = _TEXT[self.locale]
        self.fonts = _fonts()
        self.numbering = numbering
        self.pagesize = PAGE_SIZES.get(page_size, A4)
        self.frame_width = self.pagesize[0] - MARGIN_LEFT - MARGIN_RIGHT
        self.frame_height = self.pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM
        self.doc_title = title
        self.author = author
        self.first_words: dict[int, str] = {}
        f = self.fonts
        size, lead = 10.5, 14.5
        self.body = ParagraphStyle(
            "body",
            fontName=f.regular,
            fontSize=size,
            leading=lead,
            alignment=TA_JUSTIFY,
            spaceAfter=4,
            leftIndent=1.7 * cm,
        )
        self.body_section = ParagraphStyle("body_section", parent=self.body, leftIndent=1 * cm)
        self.center = ParagraphStyle("center", parent=self.body, leftIndent=0, alignment=TA_CENTER)
        self.title = ParagraphStyle(
            "title", parent=self.center, fontName=f.bold, fontSize=12, leading=16, spaceAfter=2
        )
        self.heading = ParagraphStyle(
            "heading",
            fontName=f.bold,
            fontSize=size,
            leading=lead,
            leftIndent=1 * cm,
            bulletIndent=0,
            bulletFontName=f.bold,
            bulletFontSize=size,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.subheading = ParagraphStyle(
            "subheading",
            parent=self.heading,
            leftIndent=1.7 * cm,
            bulletIndent=1 * cm,
            spaceBefore=4,
            spaceAfter=3,
        )
        self.item = ParagraphStyle(
            "item",
            parent=self.body,
            leftIndent=2.3 * cm,
            bulletIndent=1.7 * cm,
            bulletFontName=f.regular,
            bulletFontSize=size,
            spaceAfter=2,
        )
        self.fact = ParagraphStyle("fact", parent=self.body, leftIndent=0, alignment=TA_LEFT, spaceAfter=0)
        self.caption = ParagraphStyle("caption", parent=self.center, fontSize=8.5, leading=11, spaceAfter=10)
        self.sign = ParagraphStyle("sign", parent=self.center, spaceAfter=0)
        self.sign_bold = ParagraphStyle("sign_bold", parent=self.sign, fontName=f.bold)

    # -- document --------------------------------------------------------------------------------------

    def build(self, story: list[Any], out: BinaryIO) -> None:
        first_words = self.first_words
        numbering = self.numbering

        class _Doc(SimpleDocTemplate):
            def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab API
                if numbering == "naskah_dinas" and self.page not in first_words:
                    word = _connective(_first_text(flowable))
                    if word:
                        first_words[self.page] = word

        doc = _Doc(
            out,
            pagesize=self.pagesize,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=_clean(self.doc_title),
            author=_clean(self.author),
            creator="Outreach",
            initialFontName=self.fonts.regular,
            lang=self.locale,
        )
        if not story:
            story = [Spacer(1, 1)]
        doc.build(story, canvasmaker=_canvas_class(self.t, self.fonts, numbering, first_words))

    # -- pieces ----------------------------------------------------------------------------------------

    def kop(self, lines: Sequence[str]) -> list[Any]:
        """Letterhead: lines centred on each other, the block at the top left, the last line underlined."""
        lines = [" ".join(_clean(x).split()) for x in lines if x and x.strip()]
        if not lines:
            return []
        size = 10.0
        widest = max(pdfmetrics.stringWidth(x, self.fonts.regular, size) for x in lines)
        width = min(widest + 8, self.frame_width * 0.75)
        wrapped = ["\n".join(_wrap(x, self.fonts.regular, size, width - 4)) for x in lines]
        table = Table(
            [[w] for w in wrapped],
            colWidths=[width],
            hAlign="LEFT",
            style=[
                ("FONT", (0, 0), (-1, -1), self.fonts.regular, size, size * 1.2),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LINEBELOW", (0, -1), (-1, -1), 0.9, colors.black),
            ],
        )
        return [table, Spacer(1, 0.8 * cm)]

    def title_block(self, number: str, subject: str) -> list[Any]:
        out: list[Any] = [Paragraph(self.t["report"], self.title)]
        if number.strip():
            out.append(Paragraph(f"{self.t['number']}: {_esc(number.strip())}", self.center))
        out.append(Paragraph(f"{self.t['about']}<br/>{_esc(subject.upper())}", self.title))
        out.append(Spacer(1, 0.5 * cm))
        return out

    def section(self, index: int, text: str) -> list[Any]:
        return [CondPageBreak(3 * cm), Paragraph(_esc(text), self.heading, bulletText=f"{_ROMAN[index]}.")]

    def subsection(self, index: int, text: str) -> list[Any]:
        return [CondPageBreak(2.5 * cm), Paragraph(_esc(text), self.subheading, bulletText=f"{index}.")]

    def text(self, text: str, default: str, style: ParagraphStyle | None = None) -> list[Any]:
        paras = _paragraphs(text) or [default]
        return [Paragraph(_esc(p), style or self.body) for p in paras]

    def items(self, texts: Sequence[str], empty: str | None = None) -> list[Any]:
        """Lettered list (a., b., ...); ``empty`` is printed when there is nothing to list."""
        texts = [x for x in texts if x and x.strip()]
        if not texts:
            return [Paragraph(_esc(empty), self.body)] if empty else []
        return [
            Paragraph(_esc(x.strip()), self.item, bulletText=f"{_letter(i)}.") for i, x in enumerate(texts)
        ]

    def facts(self, rows: Sequence[tuple[str, str]], indent: float = 1 * cm) -> list[Any]:
        """Aligned "a. Label : value" lines."""
        rows = [(k, v) for k, v in rows if v and v.strip()]
        if not rows:
            return []
        label_w = 4.6 * cm
        value_w = self.frame_width - indent - 0.7 * cm - label_w - 0.4 * cm
        data = [
            [f"{_letter(i)}.", Paragraph(_esc(k), self.fact), ":", Paragraph(_esc(v), self.fact)]
            for i, (k, v) in enumerate(rows)
        ]
        table = Table(
            data,
            colWidths=[0.7 * cm, label_w, 0.4 * cm, value_w],
            hAlign="RIGHT",
            style=[
                ("FONT", (0, 0), (-1, -1), self.fonts.regular, 10.5, 14.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ],
        )
        return [table, Spacer(1, 4)]

    def cols(self, spec: Sequence[tuple[str, float, Literal["LEFT", "RIGHT", "CENTER"], bool]]) -> list[_Col]:
        """Columns from relative widths, scaled to the frame width."""
        total = sum(w for _, w, _, _ in spec)
        return [_Col(self.t.get(k, k), self.frame_width * w / total, a, wrap) for k, w, a, wrap in spec]

    def stream_table(
        self,
        cols: Sequence[_Col],
        rows: Iterable[Sequence[str]],
        footer: Callable[[], Sequence[str] | None] | None = None,
        footer_span: int = 1,
        size: float = 8.0,
    ) -> list[Any]:
        it = iter(rows)
        try:
            first = next(it)
        except StopIteration:
            return [Paragraph(_esc(self.t["no_data"]), self.body)]
        spec = _TableSpec(cols=cols, fonts=self.fonts, size=size, footer_span=footer_span)
        return [_StreamTable(_RowSource(spec, _chain_one(first, it), footer))]

    def chart(self, points: Sequence[SeriesPoint]) -> list[Any]:
        if not points:
            return [Paragraph(_esc(self.t["no_data"]), self.body)]
        width, height = self.frame_width, 6.5 * cm
        many = len(points) > 12
        drawing = Drawing(width, height)
        drawing.initialFontName = self.fonts.regular  # else the renderer references Helvetica
        chart = VerticalBarChart()
        chart.x, chart.y = 1.4 * cm, 1.4 * cm if many else 0.9 * cm
        chart.width, chart.height = width - 1.8 * cm, height - chart.y - 0.5 * cm
        values = [float(p.value) for p in points]
        chart.data = [values]
        chart.categoryAxis.categoryNames = [" ".join(_clean(p.label).split())[:20] for p in points]
        chart.categoryAxis.labels.fontName = self.fonts.regular
        chart.categoryAxis.labels.fontSize = 7
        if many:
            chart.categoryAxis.labels.angle = 45
            chart.categoryAxis.labels.boxAnchor = "ne"
        chart.valueAxis.valueMin = 0
        if max(values) <= 0:
            chart.valueAxis.valueMax = 1
        chart.valueAxis.labels.fontName = self.fonts.regular
        chart.valueAxis.labels.fontSize = 7
        locale = self.locale
        chart.valueAxis.labelTextFormat = lambda v: _num(v, locale)
        chart.barLabelFormat = lambda v: _num(v, locale)
        chart.barLabels.fontName = self.fonts.regular
        chart.barLabels.fontSize = 6.5
        chart.barLabels.nudge = 6
        chart.bars[0].fillColor = colors.HexColor("#1f3b73")
        chart.bars[0].strokeColor = None
        drawing.add(chart)
        drawing.hAlign = "CENTER"
        return [drawing, Spacer(1, 6)]

    def signature(self, place: str, on: date, who: Signatory) -> list[Any]:
        col = min(8.5 * cm, self.frame_width / 2)
        place_date = ", ".join(
            x for x in (" ".join(_clean(place).split()), fmt.plain_date(on, self.locale)) if x
        )
        rows: list[list[Any]] = [[Paragraph(_esc(place_date), self.sign)]]
        if who.position.strip():
            rows.append([Paragraph(_esc(who.position.strip()), self.sign)])
        rows.append([Spacer(1, 2.2 * cm)])
        rows.append(
            [Paragraph(_esc(fmt.signature_name(_clean(who.name), _clean(who.degrees))), self.sign_bold)]
        )
        id_line = fmt.rank_id_line(_clean(who.rank), _clean(who.nrp))
        if id_line:
            rows.append([Paragraph(_esc(id_line), self.sign)])
        table = Table(
            rows,
            colWidths=[col],
            hAlign="RIGHT",
            style=[
                ("FONT", (0, 0), (-1, -1), self.fonts.regular, 10.5, 14.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        return [Spacer(1, 0.8 * cm), KeepTogether([table])]

    def photos(self, photos: Sequence[Photo], heading: str = "") -> list[Any]:
        if not photos:
            return []
        out: list[Any] = [
            PageBreak(),
            Paragraph(_esc(heading or self.t["appendix"]), self.title),
            Paragraph(_esc(self.t["documentation"]), self.title),
            Spacer(1, 0.5 * cm),
        ]
        # Two photos per row, each with its caption under it (the LAMPIRAN DOKUMENTASI of Polri reports).
        gap = 0.6 * cm
        cell_w = (self.frame_width - gap) / 2
        max_w, max_h = cell_w, min(7 * cm, self.frame_height * 0.3)
        cells: list[list[Any]] = []
        for photo in photos:
            caption = Paragraph(_esc(photo.caption), self.caption) if photo.caption.strip() else Spacer(1, 10)
            try:
                reader = ImageReader(BytesIO(photo.image))
                iw, ih = reader.getSize()
                scale = min(max_w / iw, max_h / ih)
                image: Any = Image(BytesIO(photo.image), width=iw * scale, height=ih * scale)
                image.hAlign = "CENTER"
            except Exception:  # noqa: BLE001 - a broken upload must not break the report
                image = Paragraph(_esc(self.t["image_error"]), self.center)
            cells.append([image, Spacer(1, 3), caption])
        for i in range(0, len(cells), 2):
            pair = cells[i : i + 2]
            row = [*pair, []] if len(pair) == 1 else pair
            table = Table(
                [row],
                colWidths=[cell_w + gap / 2, cell_w + gap / 2],
                style=[
                    ("FONT", (0, 0), (-1, -1), self.fonts.regular, 10),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), gap / 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap / 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ],
            )
            out.append(KeepTogether([table]))
        return out


def _chain_one(first: Sequence[str], rest: Iterator[Sequence[str]]) -> Iterator[Sequence[str]]:
    yield first
    yield from rest


def _letter(i: int) -> str:
    """a, b, ..., z, aa, ab, ... for lettered lists."""
    return _LETTERS[i] if i < 26 else _letter(i // 26 - 1) + _LETTERS[i % 26]


def _num(v: float | int, locale: str) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, float):
        return fmt.number(round(v, 2), locale)
    return fmt.number(v, locale)


def _percent(achieved: float, target: float | None, locale: str) -> str:
    if not target:
        return "-"
    return fmt.number(round(100.0 * achieved / target, 1), locale)


def _period(start: date, end: date, b: _Builder) -> str:
    return b.t["period"].format(start=fmt.long_date(start, b.locale), end=fmt.long_date(end, b.locale))


def _subject(t: dict[str, str], title: str, programme: str) -> str:
    title = " ".join(_clean(title).split()) or t["default_title"]
    programme = " ".join(_clean(programme).split())
    if programme:
        return t["subject"].format(title=title, programme=programme)
    return t["subject_plain"].format(title=title)


# ----------------------------------------------------------------------------------------------------
# Programme report
# ----------------------------------------------------------------------------------------------------


def write_programme_report(report: ProgrammeReport, out: BinaryIO) -> None:
    """Write the programme report PDF to a binary file object (see :func:`build_programme_report`)."""
    b = _Builder(
        report.locale,
        report.page_size,
        report.page_numbering,
        f"{_TEXT.get(report.locale, _TEXT['id'])['report']} {report.title} {report.programme_name}".strip(),
        report.author,
    )
    t, loc = b.t, b.locale
    period = _period(report.period_start, report.period_end, b)
    programme = " ".join(_clean(report.programme_name).split())
    title_lc = " ".join(_clean(report.title).split()).lower() or t["default_title"].lower()
    ex = report.execution

    story: list[Any] = []
    story += b.kop(report.kop)
    story += b.title_block(report.report_number, _subject(t, report.title, report.programme_name))

    # I. PENDAHULUAN
    story += b.section(0, t["intro"])
    story += b.subsection(1, t["general"])
    story += b.text(
        report.umum, t["default_general"].format(programme=programme, title=title_lc, period=period)
    )
    story += b.subsection(2, t["basis"])
    basis_lines = [x for x in _clean(report.dasar).split("\n") if x.strip()]
    if len(basis_lines) > 1:
        story += b.items(basis_lines)
    else:
        story += b.text(report.dasar, t["default_basis"].format(programme=programme))
    story += b.subsection(3, t["purpose"])
    story += b.text(report.maksud_tujuan, t["default_purpose"])
    story += b.subsection(4, t["scope"])
    story += b.text(report.ruang_lingkup, t["default_scope"].format(period=period))

    # II. PELAKSANAAN
    story += b.section(1, t["execution"])
    story += b.facts(
        [
            (t["time"], period),
            (t["activity_count"], t["activities_unit"].format(n=fmt.number(ex.activity_count, loc))),
            (t["units"], _names(ex.units, t)),
            (t["personnel"], t["persons_unit"].format(n=fmt.number(ex.personnel_count, loc))),
            (t["leaders"], _names(ex.leaders, t)),
        ]
    )
    if _paragraphs(ex.narrative):
        story += [Paragraph(_esc(t["narrative"]) + ":", b.body_section)]
        story += b.text(ex.narrative, "", b.body_section)

    # III. HASIL YANG DICAPAI
    story += b.section(2, t["results"])
    if report.counted:
        story += [Paragraph(_esc(report.counted), b.body_section)]
    story += b.subsection(1, t["targets"])
    story += b.stream_table(
        b.cols(
            [
                ("col_no", 6, "CENTER", False),
                ("col_indicator", 52, "LEFT", True),
                ("col_target", 14, "RIGHT", False),
                ("col_achieved", 14, "RIGHT", False),
                ("col_percent", 10, "RIGHT", False),
            ]
        ),
        (
            [
                str(i),
                r.label,
                _num(r.target, loc) if r.target is not None else "-",
                _num(r.achieved, loc),
                _percent(r.achieved, r.target, loc),
            ]
            for i, r in enumerate(report.targets, 1)
        ),
    )
    story += b.subsection(2, t["by_unit"])
    story += _totalled(
        b,
        report.by_unit,
        [
            ("col_no", 6, "CENTER", False),
            ("col_unit", 34, "LEFT", True),
            ("col_activities", 12, "RIGHT", False),
            ("col_visits", 12, "RIGHT", False),
            ("col_locations", 12, "RIGHT", False),
            ("col_parcels", 12, "RIGHT", False),
            ("col_beneficiaries", 13, "RIGHT", False),
        ],
        lambda r: (r.unit, (r.activities, r.visits, r.locations, r.parcels, r.beneficiaries)),
        total=report.by_unit_total,
    )
    story += b.subsection(3, t["by_location_kind"])
    story += _totalled(
        b,
        report.by_location_kind,
        [
            ("col_no", 6, "CENTER", False),
            ("col_location_kind", 46, "LEFT", True),
            ("col_visits", 16, "RIGHT", False),
            ("col_locations", 16, "RIGHT", False),
            ("col_parcels", 16, "RIGHT", False),
        ],
        lambda r: (r.label, (r.visits, r.locations, r.parcels)),
    )
    story += b.subsection(4, t["by_message"])
    story += b.stream_table(
        b.cols(
            [
                ("col_no", 6, "CENTER", False),
                ("col_message", 74, "LEFT", True),
                ("col_times", 20, "RIGHT", False),
            ]
        ),
        ([str(i), r.text, fmt.number(r.times, loc)] for i, r in enumerate(report.by_message, 1)),
    )
    story += b.subsection(5, report.monthly_title.strip() or t["monthly"])
    story += b.chart(report.monthly)
    story += [Paragraph(_esc(t["activity_list_ref"]), b.body_section)]

    # IV - VI
    story += b.section(3, t["obstacles"])
    story += b.text(report.kendala, t["default_obstacles"], b.body_section)
    story += b.section(4, t["conclusions"])
    story += b.subsection(1, t["conclusion"])
    story += b.text(
        report.kesimpulan,
        t["default_conclusion"].format(count=fmt.number(ex.activity_count, loc), programme=programme),
    )
    story += b.subsection(2, t["recommendation"])
    story += b.text(report.saran, t["default_recommendation"])
    # VI. PENUTUP kept on one page with the signature block: a signature never stands alone (issue 16).
    closing = [*b.section(5, t["closing"]), Paragraph(_esc(t["closing_text"]), b.body_section)]
    story.append(
        KeepTogether([*closing, *b.signature(report.signing_place, report.signing_date, report.signatory)])
    )

    # LAMPIRAN I: the activity list; LAMPIRAN II: the photos (each on its own pages, after the signature).
    subject = _subject(t, report.title, report.programme_name)
    story += [
        PageBreak(),
        Paragraph(_esc(t["appendix_n"].format(n="I")), b.title),
        Paragraph(_esc(t["appendix_of"].format(n="I", subject=subject)), b.center),
        Spacer(1, 0.3 * cm),
        Paragraph(_esc(t["activity_list"].upper()), b.title),
    ]
    story += _activity_list(b, report.activities)
    story += b.photos(report.photos, t["appendix_n"].format(n="II"))
    b.build(story, out)


def build_programme_report(report: ProgrammeReport) -> bytes:
    """Build the programme report (laporan pelaksanaan) and return the PDF bytes."""
    out = BytesIO()
    write_programme_report(report, out)
    return out.getvalue()


def _totalled(
    b: _Builder,
    rows: Sequence[Any],
    spec: Sequence[tuple[str, float, Literal["LEFT", "RIGHT", "CENTER"], bool]],
    split: Callable[[Any], tuple[str, tuple[int, ...]]],
    *,
    total: Any = None,
) -> list[Any]:
    """A "No | label | numbers..." table with a JUMLAH row: ``total``'s numbers (a row like the others, for
    figures that do not add up, such as distinct locations), else the sums of the rows."""
    sums: list[int] = []

    def gen() -> Iterator[list[str]]:
        for i, row in enumerate(rows, 1):
            label, numbers = split(row)
            if not sums:
                sums.extend(0 for _ in numbers)
            for j, n in enumerate(numbers):
                sums[j] += n
            yield [str(i), label, *(fmt.number(n, b.locale) for n in numbers)]

    def footer() -> list[str]:
        numbers = split(total)[1] if total is not None else sums
        return [b.t["total"], "", *(fmt.number(n, b.locale) for n in numbers)]

    return b.stream_table(b.cols(spec), gen(), footer, footer_span=2)


def _activity_list(b: _Builder, activities: Iterable[ActivityRow]) -> list[Any]:
    loc = b.locale
    totals = [0, 0]

    def gen() -> Iterator[list[str]]:
        for i, a in enumerate(activities, 1):
            totals[0] += a.parcels
            totals[1] += a.beneficiaries
            yield [
                str(i),
                fmt.short_date(a.on, loc),
                a.unit,
                a.kind,
                a.leader,
                a.locations,
                fmt.number(a.parcels, loc),
                fmt.number(a.beneficiaries, loc),
            ]

    def footer() -> list[str]:
        return [b.t["total"], "", "", "", "", "", fmt.number(totals[0], loc), fmt.number(totals[1], loc)]

    cols = b.cols(
        [
            ("col_no", 7, "CENTER", False),
            ("col_date", 12, "LEFT", False),
            ("col_unit", 16, "LEFT", True),
            ("col_kind", 14, "LEFT", True),
            ("col_leader", 18, "LEFT", True),
            ("col_location", 24, "LEFT", True),
            ("col_parcels", 9, "RIGHT", False),
            ("col_beneficiaries", 11, "RIGHT", False),
        ]
    )
    return b.stream_table(cols, gen(), footer, footer_span=6, size=7.5)


# ----------------------------------------------------------------------------------------------------
# Activity report
# ----------------------------------------------------------------------------------------------------


def write_activity_report(report: ActivityReport, out: BinaryIO) -> None:
    """Write the single-activity report PDF to a binary file object (see :func:`build_activity_report`)."""
    t0 = _TEXT.get(report.locale, _TEXT["id"])
    subject = report.title.strip() or _subject(t0, report.kind, report.programme)
    b = _Builder(
        report.locale, report.page_size, report.page_numbering, f"{t0['report']} {subject}", report.author
    )
    t, loc = b.t, b.locale
    story: list[Any] = []
    story += b.kop(report.kop)
    story += b.title_block(report.report_number, subject)

    time_text = ""
    if report.start_time is not None:
        time_text = fmt.time_range_label(report.start_time, report.end_time, report.tz_label, loc)
    leader = ", ".join(x for x in (report.leader.strip(), report.leader_position.strip()) if x)
    story += b.section(0, t["a_execution"])
    story += b.facts(
        [
            (t["a_kind"], report.kind),
            (t["a_date"], fmt.long_date(report.on, loc)),
            (t["a_time"], time_text),
            (t["a_unit"], report.unit),
            (t["a_leader"], leader),
            (t["a_officers"], _names(report.officers, t)),
            (t["a_programme"], report.programme),
        ]
    )

    story += b.section(1, t["a_results"])
    story += b.subsection(1, t["a_visits"])
    story += _visits_table(b, report.visits)
    story += b.subsection(2, t["a_messages"])
    story += b.items(report.messages, t["none"])
    story += b.subsection(3, t["a_partners"])
    story += b.items(
        [
            t["as_role"].format(name=p.name.strip(), role=p.role.strip()) if p.role.strip() else p.name
            for p in report.partners
        ],
        t["none"],
    )
    story += b.subsection(4, t["a_summary"])
    story += b.text(report.summary, t["none"])
    story += b.subsection(5, t["a_media"])
    story += b.items([_media_line(m, loc) for m in report.media], t["none"])

    story += b.section(2, t["closing"])
    story += [Paragraph(_esc(t["closing_text"]), b.body_section)]
    story += b.signature(report.signing_place, report.signing_date, report.signatory)
    story += b.photos(report.photos)
    b.build(story, out)


def build_activity_report(report: ActivityReport) -> bytes:
    """Build the report of one activity and return the PDF bytes."""
    out = BytesIO()
    write_activity_report(report, out)
    return out.getvalue()


def _visits_table(b: _Builder, visits: Sequence[VisitRow]) -> list[Any]:
    loc = b.locale
    totals = [0, 0]

    def gen() -> Iterator[list[str]]:
        for i, v in enumerate(visits, 1):
            totals[0] += v.parcels
            totals[1] += v.beneficiaries
            who = " ".join(
                x
                for x in (
                    fmt.number(v.beneficiaries, loc) if v.beneficiaries else "",
                    v.beneficiary_group.strip(),
                )
                if x
            )
            yield [
                str(i),
                v.location,
                v.kind,
                v.partner,
                fmt.number(v.parcels, loc),
                who or "-",
                v.other_items or "-",
            ]

    def footer() -> list[str]:
        return [t_total, "", "", "", fmt.number(totals[0], loc), fmt.number(totals[1], loc), ""]

    t_total = b.t["total"]
    cols = b.cols(
        [
            ("col_no", 6, "CENTER", False),
            ("col_location", 22, "LEFT", True),
            ("col_location_kind", 14, "LEFT", True),
            ("col_partner", 18, "LEFT", True),
            ("col_parcels", 9, "RIGHT", False),
            ("col_beneficiaries", 14, "LEFT", True),
            ("col_other_items", 17, "LEFT", True),
        ]
    )
    return b.stream_table(cols, gen(), footer, footer_span=4)


def _media_line(m: MediaItem, locale: str) -> str:
    parts = [m.outlet.strip()]
    if m.title.strip():
        parts.append(f"“{m.title.strip()}”")
    if m.published_on is not None:
        parts.append(fmt.plain_date(m.published_on, locale))
    if m.url.strip():
        parts.append(m.url.strip())
    return ", ".join(p for p in parts if p)


# ----------------------------------------------------------------------------------------------------
# Plain text document (press release)
# ----------------------------------------------------------------------------------------------------


def write_text_pdf(
    title: str,
    paragraphs: Sequence[str],
    out: BinaryIO,
    *,
    locale: ReportLocale = "id",
    page_size: PageSizeName = "A4",
    kop: Sequence[str] = (),
    subtitle: str = "",
    author: str = "",
    kicker: str = "",
) -> None:
    """Write a simple document (kop, an optional kicker such as ``SIARAN PERS``, bold centred title, optional
    subtitle, justified paragraphs)."""
    b = _Builder(locale, page_size, "of_total", title, author)
    story: list[Any] = []
    story += b.kop(kop)
    if kicker.strip():
        story.append(
            Paragraph(_esc(kicker.strip()), ParagraphStyle("kicker", parent=b.title, fontSize=16, leading=20))
        )
    if title.strip():
        story.append(Paragraph(_esc(title.strip()), b.title))
    if subtitle.strip():
        story.append(Paragraph(_esc(subtitle.strip()), b.center))
    story.append(Spacer(1, 0.5 * cm))
    plain = ParagraphStyle("plain", parent=b.body, leftIndent=0, spaceAfter=8)
    for para in paragraphs:
        story += [Paragraph(_esc(p), plain) for p in _paragraphs(para)]
    b.build(story, out)


def build_text_pdf(
    title: str,
    paragraphs: Sequence[str],
    *,
    locale: ReportLocale = "id",
    page_size: PageSizeName = "A4",
    kop: Sequence[str] = (),
    subtitle: str = "",
    author: str = "",
    kicker: str = "",
) -> bytes:
    """Build a simple text PDF, e.g. a press release (``build_text_pdf(r.headline, r.paragraphs)``)."""
    out = BytesIO()
    write_text_pdf(
        title,
        paragraphs,
        out,
        locale=locale,
        page_size=page_size,
        kop=kop,
        subtitle=subtitle,
        author=author,
        kicker=kicker,
    )
    return out.getvalue()
