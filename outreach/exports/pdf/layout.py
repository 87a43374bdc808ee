"""The layout engine of the PDF builders: fonts, text wrapping, the streamed table, the page canvas and the
document builder with its shared pieces (kop, title block, sections, facts, tables, chart, signature, photos).

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
from dataclasses import dataclass
from datetime import date
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

from outreach.exports import catalogue, fmt
from outreach.exports.pdf.contract import PageNumbering, Photo, SeriesPoint, Signatory

F4: tuple[float, float] = (215 * mm, 330 * mm)
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "F4": F4}

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where DejaVuSans.ttf and DejaVuSans-Bold.ttf are looked for (Debian ``fonts-dejavu-core``); when they are
missing the builders fall back to the built-in Helvetica (enough for Indonesian, not for rarer symbols)."""

MARGIN_TOP = 2 * cm
MARGIN_LEFT = 2.5 * cm
MARGIN_RIGHT = 1.5 * cm
MARGIN_BOTTOM = 2 * cm

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


def _names(names: Sequence[str], _: Callable[[str], str]) -> str:
    """Join display names with commas, cutting very long lists short ("dan 12 lainnya")."""
    shown = [" ".join(_clean(n).split()) for n in names[:_MAX_NAMES]]
    text = ", ".join(n for n in shown if n)
    if len(names) > _MAX_NAMES:
        text += ", " + _("and %(n)s more") % {"n": fmt.number(len(names) - _MAX_NAMES)}
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
    _: Callable[[str], str], fonts: _Fonts, numbering: PageNumbering, first_words: dict[int, str]
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
                self.drawCentredString(
                    width / 2, 1.1 * cm, _("Page %(page)s of %(total)s") % {"page": page, "total": total}
                )
            self.restoreState()

    return _NumberedCanvas


class _Builder:
    """Styles and shared pieces for one document."""

    def __init__(
        self, locale: str, page_size: str, numbering: PageNumbering, title: str, author: str
    ) -> None:
        self.locale = catalogue.language(locale)
        #: gettext and pgettext in the document's language (the catalogues the UI uses).
        self.gettext = catalogue.gettext(self.locale)
        self.pgettext = catalogue.pgettext(self.locale)
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
        doc.build(story, canvasmaker=_canvas_class(self.gettext, self.fonts, numbering, first_words))

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
        _ = self.gettext
        out: list[Any] = [Paragraph(_("REPORT"), self.title)]
        if number.strip():
            out.append(Paragraph(_esc(_("Number")) + ": " + _esc(number.strip()), self.center))
        out.append(Paragraph(_esc(_("ON")) + "<br/>" + _esc(subject.upper()), self.title))
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
        """Columns (label, relative width, alignment, wrap) with the widths scaled to the frame width."""
        total = sum(w for _, w, _, _ in spec)
        return [_Col(label, self.frame_width * w / total, a, wrap) for label, w, a, wrap in spec]

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
            return [Paragraph(_esc(self.gettext("No data.")), self.body)]
        spec = _TableSpec(cols=cols, fonts=self.fonts, size=size, footer_span=footer_span)
        return [_StreamTable(_RowSource(spec, _chain_one(first, it), footer))]

    def chart(self, points: Sequence[SeriesPoint]) -> list[Any]:
        if not points:
            return [Paragraph(_esc(self.gettext("No data.")), self.body)]
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
            Paragraph(_esc(heading or self.gettext("APPENDIX")), self.title),
            Paragraph(_esc(self.gettext("DOCUMENTATION")), self.title),
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
                image = Paragraph(_esc(self.gettext("[Photo could not be displayed]")), self.center)
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
    _ = b.gettext
    return _("%(start)s to %(end)s") % {
        "start": fmt.long_date(start, b.locale),
        "end": fmt.long_date(end, b.locale),
    }


def _subject(_: Callable[[str], str], title: str, programme: str) -> str:
    """ "PELAKSANAAN <title> DALAM RANGKA <programme>" (the subject line, before it is put in capitals)."""
    title = " ".join(_clean(title).split()) or _("ACTIVITIES")
    programme = " ".join(_clean(programme).split())
    if programme:
        return _("THE IMPLEMENTATION OF %(title)s AS PART OF %(programme)s") % {
            "title": title,
            "programme": programme,
        }
    return _("THE IMPLEMENTATION OF %(title)s") % {"title": title}
