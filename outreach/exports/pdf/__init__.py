"""PDF builders (reportlab platypus): report data in, PDF bytes out.

* :mod:`~outreach.exports.pdf.contract` - the frozen dataclasses the services layer fills (the builders never
  touch the database or the request).
* :mod:`~outreach.exports.pdf.layout` - fonts, wrapping, the streamed table, the numbered canvas and the
  document builder.
* :mod:`~outreach.exports.pdf.programme` - the programme report (laporan pelaksanaan).
* :mod:`~outreach.exports.pdf.activity` - the report of one activity.
* :mod:`~outreach.exports.pdf.text` - a plain text document (the press release).

Every fixed word is a gettext msgid rendered from the project's catalogues in the document's ``locale``
(:mod:`outreach.exports.catalogue`). ``render_*`` return bytes; ``write_*`` write to a binary file object.
"""

from outreach.exports.pdf.activity import render_activity_report, write_activity_report
from outreach.exports.pdf.contract import (
    ActivityReport,
    ActivityRow,
    ExecutionFacts,
    LocationKindRow,
    MediaItem,
    MessageRow,
    PageNumbering,
    PageSizeName,
    PartnerRow,
    Photo,
    ProgrammeReport,
    ReportLocale,
    SeriesPoint,
    Signatory,
    TargetRow,
    UnitRow,
    VisitRow,
)
from outreach.exports.pdf.layout import F4, FONT_DIR, PAGE_SIZES
from outreach.exports.pdf.programme import render_programme_report, write_programme_report
from outreach.exports.pdf.text import render_text_pdf, write_text_pdf

__all__ = [
    "F4",
    "FONT_DIR",
    "PAGE_SIZES",
    "ActivityReport",
    "ActivityRow",
    "ExecutionFacts",
    "LocationKindRow",
    "MediaItem",
    "MessageRow",
    "PageNumbering",
    "PageSizeName",
    "PartnerRow",
    "Photo",
    "ProgrammeReport",
    "ReportLocale",
    "SeriesPoint",
    "Signatory",
    "TargetRow",
    "UnitRow",
    "VisitRow",
    "render_activity_report",
    "render_programme_report",
    "render_text_pdf",
    "write_activity_report",
    "write_programme_report",
    "write_text_pdf",
]
