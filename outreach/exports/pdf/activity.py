"""The report of one activity (laporan kegiatan): report data in, PDF bytes out, in the laporan format of
:mod:`outreach.exports.pdf.programme`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from io import BytesIO
from typing import Any, BinaryIO

from reportlab.platypus import Paragraph

from outreach.exports import catalogue, fmt
from outreach.exports.pdf.contract import ActivityReport, MediaItem, VisitRow
from outreach.exports.pdf.layout import _Builder, _esc, _names, _subject
from outreach.exports.pdf.programme import closing_text


def write_activity_report(report: ActivityReport, out: BinaryIO) -> None:
    """Write the single-activity report PDF to a binary file object (see :func:`render_activity_report`)."""
    _ = catalogue.gettext(report.locale)
    subject = report.title.strip() or _subject(_, report.kind, report.programme)
    b = _Builder(
        report.locale, report.page_size, report.page_numbering, _("REPORT") + " " + subject, report.author
    )
    loc = b.locale
    story: list[Any] = []
    story += b.kop(report.kop)
    story += b.title_block(report.report_number, subject)

    time_text = ""
    if report.start_time is not None:
        time_text = fmt.time_range_label(report.start_time, report.end_time, report.tz_label, loc)
    leader = ", ".join(x for x in (report.leader.strip(), report.leader_position.strip()) if x)
    story += b.section(0, _("IMPLEMENTATION"))
    story += b.facts(
        [
            (_("Kind of activity"), report.kind),
            (_("Day/date"), fmt.long_date(report.on, loc)),
            (_("Time"), time_text),
            (_("Unit"), report.unit),
            (b.pgettext("laporan", "Led by"), leader),
            (_("Officers involved"), _names(report.officers, _)),
            (_("Programme"), report.programme),
        ]
    )

    story += b.section(1, _("RESULTS"))
    story += b.subsection(1, _("Locations Visited"))
    story += _visits_table(b, report.visits)
    story += b.subsection(2, _("Messages Delivered"))
    story += b.items(report.messages, _("None."))
    story += b.subsection(3, _("Partners Present"))
    story += b.items(
        [
            _("%(name)s, %(role)s") % {"name": p.name.strip(), "role": p.role.strip()}
            if p.role.strip()
            else p.name
            for p in report.partners
        ],
        _("None."),
    )
    story += b.subsection(4, _("Summary"))
    story += b.text(report.summary, _("None."))
    story += b.subsection(5, _("Media Coverage"))
    story += b.items([_media_line(m, loc) for m in report.media], _("None."))

    story += b.section(2, _("CLOSING"))
    story += [Paragraph(_esc(closing_text(_)), b.body_section)]
    story += b.signature(report.signing_place, report.signing_date, report.signatory)
    story += b.photos(report.photos)
    b.build(story, out)


def render_activity_report(report: ActivityReport) -> bytes:
    """The report of one activity as PDF bytes."""
    out = BytesIO()
    write_activity_report(report, out)
    return out.getvalue()


def _visits_table(b: _Builder, visits: Sequence[VisitRow]) -> list[Any]:
    _, loc = b.gettext, b.locale
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
        return [_("TOTAL"), "", "", "", fmt.number(totals[0], loc), fmt.number(totals[1], loc), ""]

    cols = b.cols(
        [
            (_("No"), 6, "CENTER", False),
            (_("Location"), 22, "LEFT", True),
            (_("Location Kind"), 14, "LEFT", True),
            (_("Partner Met"), 18, "LEFT", True),
            (_("Parcels"), 9, "RIGHT", False),
            (b.pgettext("laporan", "Beneficiaries"), 14, "LEFT", True),
            (_("Other Items"), 17, "LEFT", True),
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
