"""THE one place where the jobs call the export and report builders (by their current public names).

Each builder writes one finished artefact to an open binary file and returns the number of rows it covers;
``beat(done, total)`` is called while rows are written (the job's progress and heartbeat). The synchronous
downloads (reports, dashboard, API views) call the same services directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

from flask import current_app
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Programme, User, Visit
from outreach.services import activity_list, exports, reports
from outreach.services.activity_list import ActivityFilter

Beat = Callable[[int, int], None]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "laporan"


def count_rows(dataset: str, user: User, filters: ActivityFilter) -> int:
    """How many rows the export of ``dataset`` holds (activities, or their visits); reports count activities."""
    if dataset == "visits":
        scoped = activity_list.list_activities_query(user, filters).order_by(None).subquery("scoped")
        query = select(func.count(Visit.id)).where(Visit.activity_id.in_(select(scoped.c.id)))
        return int(db.session.scalar(query) or 0)
    return reports.count_activities(user, filters)


def _counting(rows: Any, total: int, beat: Beat) -> Iterator[Any]:
    step = max(1, total // 50)
    for done, row in enumerate(rows, 1):
        yield row
        if done % step == 0:
            beat(done, total)


def file_name(dataset: str, fmt: str, programme: Programme | None, lang: str, unit: str | None = None) -> str:
    today = date.today().isoformat()
    if dataset in ("activities", "visits"):
        stem = exports.file_stem(dataset, lang)  # type: ignore[arg-type]
        return f"{stem}-{slug(programme.name if programme else 'semua')}-{today}.{fmt}"
    if dataset == "anev":
        return f"anev-{(unit or 'satuan').lower()}-{today}.{fmt}"
    return f"laporan-{slug(programme.name if programme else 'program')}-{today}.{fmt}"


def write_tabular(
    dataset: str,
    fmt: str,
    user: User,
    filters: ActivityFilter,
    options: dict[str, Any],
    out: IO[bytes],
    beat: Beat,
) -> int:
    """The activities or visits export (CSV or XLSX) as the reports page's synchronous download writes it."""
    from outreach.exports.tabular import write_csv, write_xlsx

    lang = options.get("lang") or "id"
    total = count_rows(dataset, user, filters)
    beat(0, total)
    columns = exports.columns(dataset, lang)  # type: ignore[arg-type]
    rows = exports.rows(dataset, user, filters, lang)  # type: ignore[arg-type]
    if fmt == "csv":
        delimiter = ";" if options.get("sep") == "semicolon" else ","
        for chunk in write_csv(columns, _counting(rows, total, beat), bom=True, delimiter=delimiter):
            out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    else:
        write_xlsx(
            columns,
            _counting(rows, total, beat),
            exports.sheet_title(dataset, lang),  # type: ignore[arg-type]
            out,
            extra_sheets=exports.extra_sheets(dataset, user, filters, lang),  # type: ignore[arg-type]
        )
    return total


def write_programme_report(
    fmt: str, user: User, programme: Programme, filters: ActivityFilter, options: dict[str, Any], out: IO[bytes],
    beat: Beat,
) -> int:  # fmt: skip
    """The programme's laporan (PDF or DOCX), as the reports page builds it."""
    total = reports.count_activities(user, filters)
    beat(0, total)
    build = reports.programme_report_docx if fmt == "docx" else reports.programme_report_pdf
    config = current_app.config
    data = build(
        user,
        programme,
        filters,
        options.get("lang") or "id",
        page_size=config["OUTREACH_REPORT_PAGE_SIZE"],
        agency=config["OUTREACH_AGENCY_NAME"],
        numbering=options.get("numbering") or "of_total",
        photo_dir=config["OUTREACH_UPLOAD_DIR"],
        max_photos=int(options.get("photos") or 0),
    )
    beat(total, total)
    out.write(data)
    return total


def write_anev(fmt: str, user: User, params: dict[str, Any], out: IO[bytes], beat: Beat) -> int:
    """The ANEV (PDF or XLSX) of a unit's subtree for a period, as the ANEV page builds it."""
    from outreach.exports import anev as anev_export
    from outreach.services import anev
    from outreach.services.clock import local_today
    from outreach.services.scope import get_unit_in_scope

    beat(0, 1)
    report = anev.build(user, **params)
    if fmt == "xlsx":
        data = anev_export.build_xlsx(report)
    else:
        unit = get_unit_in_scope(user, report.unit)
        assert unit is not None
        agency = current_app.config.get("OUTREACH_AGENCY_NAME") or reports.AGENCY
        place = unit.city or unit.regency or unit.name
        data = anev_export.build_pdf(
            report, reports.kop_lines(unit, agency), reports.signatory(unit), place, local_today()
        )
    beat(1, 1)
    out.write(data)
    return len(report.rows)
