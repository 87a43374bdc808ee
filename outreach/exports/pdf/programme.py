"""The programme report (laporan pelaksanaan) of a programme over a period: report data in, PDF bytes out.

Layout follows the Polri *laporan* format (see ``DOMAIN.md``): kop top left and underlined, ``LAPORAN``,
``TENTANG PELAKSANAAN ... DALAM RANGKA ...``, Roman-numbered sections with Arabic sub-items, a right-aligned
signature block, the activity list (LAMPIRAN I) and a photo appendix (LAMPIRAN II). Margins: top 2 cm, left
2.5 cm, right 1.5 cm. Pages are A4 or F4 (215 x 330 mm). Every word comes from the gettext catalogues, in the
report's ``locale``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from io import BytesIO
from typing import Any, BinaryIO, Literal

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from outreach.exports import catalogue, fmt
from outreach.exports.pdf.contract import ActivityRow, ProgrammeReport
from outreach.exports.pdf.layout import (
    _Builder,
    _clean,
    _esc,
    _names,
    _num,
    _paragraphs,
    _percent,
    _period,
    _subject,
)


def closing_text(_: Callable[[str], str]) -> str:
    """The closing sentence of section PENUTUP (the programme and the activity report share it)."""
    return _("This report is submitted for your information and as an account of the activities.")


def write_programme_report(report: ProgrammeReport, out: BinaryIO) -> None:
    """Write the programme report PDF to a binary file object (see :func:`render_programme_report`)."""
    _ = catalogue.gettext(report.locale)
    b = _Builder(
        report.locale,
        report.page_size,
        report.page_numbering,
        (_("REPORT") + f" {report.title} {report.programme_name}").strip(),
        report.author,
    )
    pgettext, loc = b.pgettext, b.locale
    period = _period(report.period_start, report.period_end, b)
    programme = " ".join(_clean(report.programme_name).split())
    title_lc = " ".join(_clean(report.title).split()).lower() or _("ACTIVITIES").lower()
    ex = report.execution

    story: list[Any] = []
    story += b.kop(report.kop)
    story += b.title_block(report.report_number, _subject(_, report.title, report.programme_name))

    # I. PENDAHULUAN
    story += b.section(0, _("INTRODUCTION"))
    story += b.subsection(1, _("General"))
    story += b.text(
        report.umum,
        _(
            "As part of %(programme)s, %(title)s were carried out in the period %(period)s. This report "
            "presents how they were carried out and the results achieved."
        )
        % {"programme": programme, "title": title_lc, "period": period},
    )
    story += b.subsection(2, pgettext("laporan", "Basis"))
    basis_lines = [x for x in _clean(report.dasar).split("\n") if x.strip()]
    if len(basis_lines) > 1:
        story += b.items(basis_lines)
    else:
        story += b.text(report.dasar, _("The activity plan of %(programme)s.") % {"programme": programme})
    story += b.subsection(3, _("Purpose and Objectives"))
    story += b.text(
        report.maksud_tujuan,
        _(
            "This report is an account and an evaluation of the activities carried out, so that the "
            "leadership has an overview of the results achieved."
        ),
    )
    story += b.subsection(4, pgettext("laporan", "Scope"))
    story += b.text(
        report.ruang_lingkup,
        _(
            "This report covers the activities carried out in the period %(period)s, the results achieved, "
            "the obstacles met, and the conclusions and recommendations."
        )
        % {"period": period},
    )

    # II. PELAKSANAAN
    story += b.section(1, _("IMPLEMENTATION"))
    story += b.facts(
        [
            (_("Time"), period),
            (_("Number of activities"), _("%(n)s activities") % {"n": fmt.number(ex.activity_count, loc)}),
            (_("Units involved"), _names(ex.units, _)),
            (_("Personnel"), _("%(n)s persons") % {"n": fmt.number(ex.personnel_count, loc)}),
            (pgettext("laporan", "Led by"), _names(ex.leaders, _)),
        ]
    )
    if _paragraphs(ex.narrative):
        story += [Paragraph(_esc(pgettext("laporan", "Description")) + ":", b.body_section)]
        story += b.text(ex.narrative, "", b.body_section)

    # III. HASIL YANG DICAPAI
    story += b.section(2, _("RESULTS ACHIEVED"))
    if report.counted:
        story += [Paragraph(_esc(report.counted), b.body_section)]
    story += b.subsection(1, _("Achievement against Targets"))
    story += b.stream_table(
        b.cols(
            [
                (_("No"), 6, "CENTER", False),
                (_("Indicator"), 52, "LEFT", True),
                (_("Target"), 14, "RIGHT", False),
                (_("Achieved"), 14, "RIGHT", False),
                ("%", 10, "RIGHT", False),
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
    story += b.subsection(2, _("Summary by Unit"))
    story += _totalled(
        b,
        report.by_unit,
        [
            (_("No"), 6, "CENTER", False),
            (_("Unit"), 34, "LEFT", True),
            (_("Activities"), 12, "RIGHT", False),
            (_("Visits"), 12, "RIGHT", False),
            (_("Locations"), 12, "RIGHT", False),
            (_("Parcels"), 12, "RIGHT", False),
            (pgettext("laporan", "Beneficiaries"), 13, "RIGHT", False),
        ],
        lambda r: (r.unit, (r.activities, r.visits, r.locations, r.parcels, r.beneficiaries)),
        total=report.by_unit_total,
    )
    story += b.subsection(3, _("Summary by Location Kind"))
    story += _totalled(
        b,
        report.by_location_kind,
        [
            (_("No"), 6, "CENTER", False),
            (_("Location Kind"), 46, "LEFT", True),
            (_("Visits"), 16, "RIGHT", False),
            (_("Locations"), 16, "RIGHT", False),
            (_("Parcels"), 16, "RIGHT", False),
        ],
        lambda r: (r.label, (r.visits, r.locations, r.parcels)),
    )
    story += b.subsection(4, _("Messages Delivered"))
    story += b.stream_table(
        b.cols(
            [
                (_("No"), 6, "CENTER", False),
                (_("Message"), 74, "LEFT", True),
                (_("Times Delivered"), 20, "RIGHT", False),
            ]
        ),
        ([str(i), r.text, fmt.number(r.times, loc)] for i, r in enumerate(report.by_message, 1)),
    )
    story += b.subsection(5, report.monthly_title.strip() or _("Activities per Month"))
    story += b.chart(report.monthly)
    story += [Paragraph(_esc(_("The list of activities is attached (Appendix I).")), b.body_section)]

    # IV - VI
    story += b.section(3, _("OBSTACLES"))
    story += b.text(report.kendala, _("No obstacles were reported."), b.body_section)
    story += b.section(4, _("CONCLUSIONS AND RECOMMENDATIONS"))
    story += b.subsection(1, _("Conclusions"))
    story += b.text(
        report.kesimpulan,
        _("During the reporting period %(count)s activities were carried out as part of %(programme)s.")
        % {"count": fmt.number(ex.activity_count, loc), "programme": programme},
    )
    story += b.subsection(2, _("Recommendations"))
    story += b.text(report.saran, _("No recommendations were made."))
    # VI. PENUTUP kept on one page with the signature block: a signature never stands alone (issue 16).
    closing = [*b.section(5, _("CLOSING")), Paragraph(_esc(closing_text(_)), b.body_section)]
    story.append(
        KeepTogether([*closing, *b.signature(report.signing_place, report.signing_date, report.signatory)])
    )

    # LAMPIRAN I: the activity list; LAMPIRAN II: the photos (each on its own pages, after the signature).
    subject = _subject(_, report.title, report.programme_name)
    story += [
        PageBreak(),
        Paragraph(_esc(_("APPENDIX %(n)s") % {"n": "I"}), b.title),
        Paragraph(
            _esc(_("Appendix %(n)s to the Report on %(subject)s") % {"n": "I", "subject": subject}), b.center
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(_esc(_("List of Activities").upper()), b.title),
    ]
    story += _activity_list(b, report.activities)
    story += b.photos(report.photos, _("APPENDIX %(n)s") % {"n": "II"})
    b.build(story, out)


def render_programme_report(report: ProgrammeReport) -> bytes:
    """The programme report (laporan pelaksanaan) as PDF bytes."""
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
        return [b.gettext("TOTAL"), "", *(fmt.number(n, b.locale) for n in numbers)]

    return b.stream_table(b.cols(spec), gen(), footer, footer_span=2)


def _activity_list(b: _Builder, activities: Iterable[ActivityRow]) -> list[Any]:
    _, loc = b.gettext, b.locale
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
        return [_("TOTAL"), "", "", "", "", "", fmt.number(totals[0], loc), fmt.number(totals[1], loc)]

    cols = b.cols(
        [
            (_("No"), 7, "CENTER", False),
            (_("Date"), 12, "LEFT", False),
            (_("Unit"), 16, "LEFT", True),
            (_("Kind"), 14, "LEFT", True),
            (b.pgettext("laporan", "Leader"), 18, "LEFT", True),
            (_("Location"), 24, "LEFT", True),
            (_("Parcels"), 9, "RIGHT", False),
            (b.pgettext("laporan", "Beneficiaries"), 11, "RIGHT", False),
        ]
    )
    return b.stream_table(cols, gen(), footer, footer_span=6, size=7.5)
