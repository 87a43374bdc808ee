"""Views of the reports blueprint: report filters, PDF/CSV/XLSX downloads, press releases and imports.

Every download is an attachment with a server-built filename and ``Cache-Control: no-store``; CSV streams
from the database cursor, XLSX is written (write-only mode) to a spooled temporary file and streamed from it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from outreach import download_audit
from outreach.exports.tabular import write_csv, write_xlsx
from outreach.extensions import db
from outreach.i18n import current_language, enum_label
from outreach.jobs import exports as export_jobs
from outreach.jobs.builders import count_rows
from outreach.models import ActivityStatus, Programme, ReportSection, Role
from outreach.models.types import parse_id
from outreach.reports import bp
from outreach.reports import jobs as report_jobs
from outreach.reports.forms import (
    ImportConfirmForm,
    ImportUploadForm,
    PressForm,
    ReportFilterForm,
    ReportTextForm,
    as_choices,
)
from outreach.security import reports_control_characters, role_required
from outreach.services import downloads, exports, imports, reports, stats
from outreach.services import filters as shared
from outreach.services import recap as recap_service
from outreach.services.activity_list import ActivityFilter
from outreach.services.errors import Invalid
from outreach.services.filters import Filters

READERS = (Role.PR, Role.COMMANDER)
IMPORTERS = (Role.STAFF, Role.COMMANDER)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "laporan"


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _pdf(data: bytes, filename: str) -> Response:
    return _attachment(Response(data, mimetype=PDF), filename)


def _filter_form() -> tuple[ReportFilterForm, Filters | None]:
    """The report filter form for the query string, and the filters when every one is valid (the shared
    vocabulary of :mod:`outreach.services.filters`; a unit must be one of the caller's)."""
    found, errors = shared.parse_lenient(request.args, allowed=shared.FIGURE_PARAMETERS)
    form = ReportFilterForm(request.args)
    programmes = stats.programme_choices()
    form.programme_id.choices = as_choices([(str(pid), name) for pid, name in programmes])
    units = [(code, "\u2003" * depth + name) for code, name, depth in stats.unit_choices(current_user)]
    form.unit.choices = as_choices([("", _("All units in my area")), *units])
    form.status.choices = as_choices([(s.value, enum_label(s)) for s in ActivityStatus])
    if found.programme_id is None and "programme_id" not in errors and programmes:
        found = replace(found, programme_id=programmes[0][0])
    if found.unit and found.unit not in {code for code, _label in units}:
        errors["unit"] = _("Unit not found.")
        found = replace(found, unit=None)
    if found.programme_id is not None and found.programme_id not in {pid for pid, _name in programmes}:
        errors["programme_id"] = _("Programme not found.")
        found = replace(found, programme_id=None)
    form.show(found, errors)
    valid = form.options_valid() and not errors and found.programme_id is not None
    return form, found if valid else None


def _filters(found: Filters) -> tuple[Programme, ActivityFilter]:
    programme = db.get_or_404(Programme, found.programme_id)
    return programme, reports.report_filter(
        programme,
        unit_code=found.unit,
        date_from=found.date_from,
        date_to=found.date_to,
        statuses=found.statuses_or_default(),
    )


def _valid_filters() -> tuple[ReportFilterForm, Filters, Programme, ActivityFilter]:
    form, found = _filter_form()
    if found is None:
        abort(400)
    programme, filters = _filters(found)
    return form, found, programme, filters


@bp.route("/")
@role_required(*READERS)
@reports_control_characters(*shared.PARAMETERS)  # a NUL is a message next to its filter
def index() -> str:
    form, found = _filter_form()
    query = ""
    totals = None
    if found is not None:
        # Every download sends the filters applied here (and the report's options), in the shared vocabulary.
        if "lang" not in request.args:
            form.lang.data = current_language()
        options = {"lang": form.lang.data, "numbering": form.numbering.data, "photos": form.photos.data}
        query = urlencode(found.to_args() | {k: v for k, v in options.items() if v})
        _programme, filters = _filters(found)
        totals = reports.totals(current_user, filters)
    counted = shared.describe_statuses(
        stats.effective_statuses(current_user, stats.StatsFilter.of(found or Filters()))
    )
    return render_template(
        "reports/index.html", form=form, query=query, totals=totals, programme_id=found and found.programme_id,
        counted=counted, jobs=export_jobs.recent(current_user),
    )  # fmt: skip


@bp.route("/programme.pdf")
@role_required(*READERS)
def programme_pdf() -> Response:
    form, found, programme, filters = _valid_filters()
    max_photos = int(form.photos.data or 0)
    as_docx = request.args.get("format") == "docx"
    lang = form.lang.data if request.args.get("lang") else current_language()
    rows = reports.count_activities(current_user, filters)
    if report_jobs.over_threshold(rows):  # issue 17: a large report is built by a worker
        options = {"lang": lang, "numbering": form.numbering.data, "photos": max_photos}
        return report_jobs.start("programme", "docx" if as_docx else "pdf", found, options)
    build = reports.programme_report_docx if as_docx else reports.programme_report_pdf
    data = build(
        current_user,
        programme,
        filters,
        lang,
        page_size=current_app.config["OUTREACH_REPORT_PAGE_SIZE"],
        agency=current_app.config["OUTREACH_AGENCY_NAME"],
        numbering=form.numbering.data or "of_total",
        photo_dir=current_app.config["OUTREACH_UPLOAD_DIR"],
        max_photos=max_photos,
    )
    download_audit.record(
        current_user,
        downloads.Download(
            "report",
            "programme.docx" if as_docx else "programme.pdf",
            "web",
            {**downloads.filter_summary(filters), **({"photos": max_photos} if max_photos else {})},
            rows=rows,
            size_bytes=len(data),
            personal=max_photos > 0,  # the appendix shows photos of people met
        ),
        entity_id=programme.id,
    )
    stem = f"laporan-{_slug(programme.name)}-{date.today().isoformat()}"
    if as_docx:
        return _attachment(Response(data, mimetype=DOCX), f"{stem}.docx")
    return _pdf(data, f"{stem}.pdf")


@bp.route("/export/<any(activities, visits):dataset>.<any(csv, xlsx):fmt>")
@role_required(*READERS)
def export(dataset: str, fmt: str) -> Response:
    form, found, programme, filters = _valid_filters()
    lang = form.lang.data if request.args.get("lang") else current_language()
    if report_jobs.over_threshold(count_rows(dataset, current_user, filters)):  # issue 17: a worker builds it
        return report_jobs.start(dataset, fmt, found, {"lang": lang, "sep": request.args.get("sep")})
    columns = exports.columns(dataset, lang)  # type: ignore[arg-type]
    rows = download_audit.Counted(exports.rows(dataset, current_user, filters, lang))  # type: ignore[arg-type]
    stem = exports.file_stem(dataset, lang)  # type: ignore[arg-type]
    filename = f"{stem}-{_slug(programme.name)}-{date.today().isoformat()}.{fmt}"

    def download(size: int, complete: bool = True) -> downloads.Download:
        return downloads.Download(
            "export",
            f"{dataset}.{fmt}",
            "web",
            downloads.filter_summary(filters),
            rows=rows.count,
            size_bytes=size,
            personal=dataset == "visits",  # the visits export names the people met
            complete=complete,
        )

    if fmt == "csv":
        # "CSV (Excel Indonesia)": ';' because Excel with Indonesian settings reads ',' as the decimal mark
        delimiter = ";" if request.args.get("sep") == "semicolon" else ","
        chunks = download_audit.stream(
            write_csv(columns, rows, bom=True, delimiter=delimiter),
            download_audit.real_user(current_user),
            download,
            entity_id=programme.id,
        )
        return _attachment(Response(stream_with_context(chunks), mimetype=CSV), filename)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by _stream_file
    try:
        write_xlsx(
            columns,
            rows,
            exports.sheet_title(dataset, lang),  # type: ignore[arg-type]
            spool,
            extra_sheets=exports.extra_sheets(dataset, current_user, filters, lang),  # type: ignore[arg-type]
        )
        size = spool.tell()
        spool.seek(0)
        download_audit.record(current_user, download(size), entity_id=programme.id)
    except BaseException:
        spool.close()
        raise
    return _attachment(Response(_stream_file(spool), mimetype=XLSX), filename)


def _stream_file(fh: Any, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := fh.read(chunk_size):
            yield chunk
    finally:
        fh.close()


@bp.route("/texts", methods=["GET", "POST"])
@role_required(*READERS)
def texts() -> Any:
    programme_id = request.args.get("programme_id", type=parse_id)
    if programme_id is None:  # get_or_404(None) would warn (an error under pytest) before answering 404
        abort(404)
    programme = db.get_or_404(Programme, programme_id)
    unit = reports.root_unit(current_user, ActivityFilter(unit_code=request.args.get("unit") or None))
    current = reports.get_report_texts(programme, unit)
    form = ReportTextForm(data={s.value: body for s, body in current.items()})
    if form.validate_on_submit():
        reports.save_report_texts(
            current_user, programme, unit, {s: getattr(form, s.value).data or "" for s in ReportSection}
        )
        db.session.commit()
        flash(_("Report texts saved."), "success")
        return redirect(
            url_for("reports.texts", programme_id=programme.id, unit=request.args.get("unit") or None)
        )
    return render_template("reports/texts.html", form=form, programme=programme, unit=unit)


# ------------------------------------------------------------------------------------------- one activity


@bp.route("/activities/<int:activity_id>/report.pdf")
@role_required(*READERS)
def activity_pdf(activity_id: int) -> Response:
    lang = request.args.get("lang") or current_language()
    data = reports.activity_report_pdf(
        current_user,
        activity_id,
        lang,
        photo_dir=current_app.config["OUTREACH_UPLOAD_DIR"],
        page_size=current_app.config["OUTREACH_REPORT_PAGE_SIZE"],
        agency=current_app.config["OUTREACH_AGENCY_NAME"],
    )
    download_audit.record(
        current_user,
        downloads.Download("report", "activity.pdf", "web", rows=1, size_bytes=len(data), personal=True),
        entity_id=activity_id,
    )
    return _pdf(data, f"laporan-kegiatan-{activity_id}.pdf")


@bp.route("/activities/<int:activity_id>/press", methods=["GET", "POST"])
@role_required(*READERS)
def press(activity_id: int) -> Any:
    """The release as Humas last edited it (or the draft): edit, save, download (each download keeps the edit)."""
    release = reports.press_release(current_user, activity_id)
    form = PressForm(data={"text": release.text})
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        text = "" if action == "reset" else form.text.data
        try:
            if action == "reset":
                text = reports.draft_press(current_user, activity_id).text
            reports.save_press_text(current_user, activity_id, text)
        except Invalid as exc:
            db.session.rollback()
            form.text.errors = [_("The press release needs a headline and at least one paragraph.")]
            del exc
            return render_template("reports/press.html", form=form, activity_id=activity_id), 422
        db.session.commit()
        agency = current_app.config["OUTREACH_AGENCY_NAME"]
        if action == "pdf":
            data = reports.press_pdf(current_user, activity_id, agency=agency)
            _audit_press(activity_id, "press.pdf", len(data))
            return _pdf(data, f"siaran-pers-{activity_id}.pdf")
        if action == "docx":
            data = reports.press_docx(current_user, activity_id, agency=agency)
            _audit_press(activity_id, "press.docx", len(data))
            return _attachment(Response(data, mimetype=DOCX), f"siaran-pers-{activity_id}.docx")
        if action == "txt":
            release = reports.press_release(current_user, activity_id)
            body = f"{release.kicker}\n\n{release.text}\n"
            _audit_press(activity_id, "press.txt", len(body.encode("utf-8")))
            response = Response(body, mimetype="text/plain; charset=utf-8")
            return _attachment(response, f"siaran-pers-{activity_id}.txt")
        flash(_("Press release saved."), "success")
        return redirect(url_for("reports.press", activity_id=activity_id))
    return render_template("reports/press.html", form=form, activity_id=activity_id)


def _audit_press(activity_id: int, what: str, size: int) -> None:
    """A press release is written for publication: no personal data of people met is expected in it."""
    download_audit.record(
        current_user,
        downloads.Download("press_release", what, "web", rows=1, size_bytes=size),
        entity_id=activity_id,
    )


# ------------------------------------------------------------------------------------------- WhatsApp recap


@bp.route("/recap")
@role_required(*READERS)
def recap() -> Any:
    """The WhatsApp-ready recap of a unit's day or week, with "Salin" (copy) and "Bagikan" (Web Share)."""
    unit = request.args.get("unit") or current_user.unit.code
    raw_from, raw_to = request.args.get("from", ""), request.args.get("to", "")
    errors: dict[str, str] = {}
    text = ""
    try:
        day_from = date.fromisoformat(raw_from) if raw_from else date.today()
        day_to = date.fromisoformat(raw_to) if raw_to else day_from
    except ValueError:
        errors["from"] = _("Not a valid date (YYYY-MM-DD).")
        day_from = day_to = date.today()
    if not errors:
        try:
            text = recap_service.build_recap(current_user, unit, day_from, day_to, _, current_language())
            download_audit.record_recap(current_user, "web", unit, day_from, day_to, text)
        except Invalid as exc:
            errors = exc.fields
    units = stats.unit_choices(current_user)
    status = 422 if errors else 200
    return (
        render_template(
            "reports/recap.html",
            text=text,
            errors=errors,
            unit=unit,
            day_from=day_from,
            day_to=day_to,
            units=units,
        ),
        status,
    )


# ------------------------------------------------------------------------------------------- imports


def _import_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports" / str(current_user.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/imports/")
@role_required(*IMPORTERS)
def imports_index() -> str:
    batches = imports.list_batches(current_user)
    counts = {b.id: imports.batch_activity_count(b) for b in batches}
    return render_template("reports/imports.html", form=ImportUploadForm(), batches=batches, counts=counts)


@bp.route("/imports/template.xlsx")
@role_required(*IMPORTERS)
def import_template() -> Response:
    data = imports.template_xlsx(current_language())
    return _attachment(Response(data, mimetype=XLSX), "template-impor-kegiatan.xlsx")


@bp.route("/imports/preview", methods=["POST"])
@role_required(*IMPORTERS)
def import_preview() -> Any:
    form = ImportUploadForm()
    if not form.validate_on_submit():
        batches = imports.list_batches(current_user)
        counts = {b.id: imports.batch_activity_count(b) for b in batches}
        return render_template("reports/imports.html", form=form, batches=batches, counts=counts), 422
    with form.file.data.stream as upload:  # closed now, not left to the garbage collector
        content = upload.read()
    try:
        result = imports.check(current_user, content)
    except imports.WorkbookTooLarge as exc:
        db.session.rollback()
        form.file.errors = [exc.message]
        batches = imports.list_batches(current_user)
        counts = {b.id: imports.batch_activity_count(b) for b in batches}
        return render_template("reports/imports.html", form=form, batches=batches, counts=counts), 413
    db.session.rollback()
    # Kept for the confirmation, with its digest: confirm re-reads this very copy, under the same limits.
    token = secrets.token_hex(16)
    folder = _import_dir()
    (folder / f"{token}.xlsx").write_bytes(content)
    (folder / f"{token}.sha256").write_text(hashlib.sha256(content).hexdigest())
    (folder / f"{token}.name").write_text(Path(form.file.data.filename or "import.xlsx").name[:200])
    confirm = ImportConfirmForm(data={"token": token, "mode": "all"})
    return render_template("reports/import_preview.html", result=result, confirm=confirm)


@bp.route("/imports/confirm", methods=["POST"])
@role_required(*IMPORTERS)
def import_confirm() -> Any:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    folder = _import_dir()
    path = folder / f"{form.token.data}.xlsx"
    if not path.is_file():
        flash(_("That upload has expired; upload the file again."), "warning")
        return redirect(url_for("reports.imports_index"))
    name_file = folder / f"{form.token.data}.name"
    digest_file = folder / f"{form.token.data}.sha256"
    filename = name_file.read_text() if name_file.is_file() else "import.xlsx"
    content = path.read_bytes()
    if not digest_file.is_file() or digest_file.read_text() != hashlib.sha256(content).hexdigest():
        flash(_("That upload has expired; upload the file again."), "warning")
        return redirect(url_for("reports.imports_index"))
    result, outcome = imports.run(current_user, content, filename, mode=form.mode.data)  # type: ignore[arg-type]
    if outcome.batch is None:
        db.session.rollback()
        flash(_("Nothing was imported: correct the errors and upload the file again."), "danger")
        return render_template("reports/import_preview.html", result=result, confirm=form), 422
    db.session.commit()
    path.unlink(missing_ok=True)
    name_file.unlink(missing_ok=True)
    digest_file.unlink(missing_ok=True)
    flash(_("%(n)d activities imported (%(s)d skipped).", n=outcome.created, s=outcome.skipped), "success")
    return redirect(url_for("reports.imports_index"))


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@role_required(*IMPORTERS)
def import_undo(batch_id: int) -> Any:
    undo = imports.undo_batch(current_user, batch_id)
    db.session.commit()
    flash(_("Import undone: %(n)d activities deleted.", n=len(undo.deleted)), "success")
    if undo.skipped:
        listed = ", ".join(f"#{a_id} ({enum_label(ActivityStatus(status))})" for a_id, status in undo.skipped)
        flash(
            _(
                "Not deleted, as you could not delete them one by one: %(list)s. "
                "An administrator can finish undoing this import.",
                list=listed,
            ),
            "warning",
        )
    return redirect(url_for("reports.imports_index"))
