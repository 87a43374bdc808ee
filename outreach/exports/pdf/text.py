"""A plain text document (the press release): kop, kicker, title, paragraphs; PDF bytes out."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from outreach.exports.pdf.contract import PageSizeName, ReportLocale
from outreach.exports.pdf.layout import _Builder, _esc, _paragraphs


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


def render_text_pdf(
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
    """A simple text document as PDF bytes, e.g. a press release (``render_text_pdf(r.headline, r.paragraphs)``)."""
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
