"""Views of the reports blueprint: report filters, PDF/CSV/XLSX downloads, press releases and imports.

Every download is an attachment with a server-built filename and ``Cache-Control: no-store``; CSV streams
from the database cursor, XLSX is written (write-only mode) to a spooled temporary file and streamed from it.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

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

from outreach.exports.tabular import write_csv, write_xlsx
from outreach.extensions import db
from outreach.i18n import current_language
from outreach.models import ActivityStatus, Programme, ReportSection, Role
from outreach.models.types import parse_id
from outreach.reports import bp
from outreach.reports.forms import (
    ImportConfirmForm,
    ImportUploadForm,
    PressForm,
    ReportFilterForm,
    ReportTextForm,
    as_choices,
)
from outreach.security import role_required
from outreach.services import exports, imports, reports, stats
from outreach.services import recap as recap_service
from outreach.services.activities import ActivityFilter
from outreach.services.errors import Invalid

READERS = (Role.PR, Role.COMMANDER)
IMPORTERS = (Role.STAFF, Role.COMMANDER)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_STATUSES = {
    "verified": [ActivityStatus.VERIFIED],
    "submitted": [ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED],
    "all": [],
}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "laporan"


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _pdf(data: bytes, filename: str) -> Response:
    return _attachment(Response(data, mimetype=PDF), filename)


def _filter_form() -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    programmes = stats.programme_choices()
    form.programme.choices = as_choices(programmes)
    form.unit.choices = as_choices(
        [("", _("All units in my area"))]
        + [(code, "\u2003" * depth + name) for code, name, depth in stats.unit_choices(current_user)]
    )
    if "programme" not in request.args and programmes:
        form.programme.data = programmes[0][0]
    return form


def _filters(form: ReportFilterForm) -> tuple[Programme, ActivityFilter]:
    programme = db.get_or_404(Programme, form.programme.data)
    return programme, reports.report_filter(
        programme,
        unit_code=form.unit.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        statuses=_STATUSES.get(form.status.data or "verified", _STATUSES["verified"]),
    )


def _valid_filters() -> tuple[ReportFilterForm, Programme, ActivityFilter] | Any:
    form = _filter_form()
    if not form.validate():
        abort(400)
    programme, filters = _filters(form)
    return form, programme, filters


@bp.route("/")
@role_required(*READERS)
def index() -> str:
    form = _filter_form()
    query = request.query_string.decode() if request.args else ""
    if request.args and not form.validate():
        query = ""
    if not request.args and form.programme.data:
        query = f"programme={form.programme.data}&status=verified&lang={current_language()}"
        form.lang.data = current_language()
    totals = None
    if query and form.programme.data:
        _programme, filters = _filters(form)
        totals = reports.totals(current_user, filters)
    return render_template("reports/index.html", form=form, query=query, totals=totals)


@bp.route("/programme.pdf")
@role_required(*READERS)
def programme_pdf() -> Response:
    form, programme, filters = _valid_filters()
    as_docx = request.args.get("format") == "docx"
    build = reports.programme_report_docx if as_docx else reports.programme_report_pdf
    data = build(
        current_user,
        programme,
        filters,
        form.lang.data if request.args.get("lang") else current_language(),
        page_size=current_app.config["OUTREACH_REPORT_PAGE_SIZE"],
        agency=current_app.config["OUTREACH_AGENCY_NAME"],
        numbering=form.numbering.data or "of_total",
        photo_dir=current_app.config["OUTREACH_UPLOAD_DIR"],
        max_photos=int(form.photos.data or 0),
    )
    stem = f"laporan-{_slug(programme.name)}-{date.today().isoformat()}"
    if as_docx:
        return _attachment(Response(data, mimetype=DOCX), f"{stem}.docx")
    return _pdf(data, f"{stem}.pdf")


@bp.route("/export/<any(activities, visits):dataset>.<any(csv, xlsx):fmt>")
@role_required(*READERS)
def export(dataset: str, fmt: str) -> Response:
    form, programme, filters = _valid_filters()
    lang = form.lang.data if request.args.get("lang") else current_language()
    columns = exports.columns(dataset, lang)  # type: ignore[arg-type]
    rows = exports.rows(dataset, current_user, filters, lang)  # type: ignore[arg-type]
    stem = exports.file_stem(dataset, lang)  # type: ignore[arg-type]
    filename = f"{stem}-{_slug(programme.name)}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        # "CSV (Excel Indonesia)": ';' because Excel with Indonesian settings reads ',' as the decimal mark
        delimiter = ";" if request.args.get("sep") == "semicolon" else ","
        chunks = write_csv(columns, rows, bom=True, delimiter=delimiter)
        return _attachment(Response(stream_with_context(chunks), mimetype=CSV), filename)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by _stream_file
    write_xlsx(columns, rows, exports.sheet_title(dataset, lang), spool)  # type: ignore[arg-type]
    spool.seek(0)
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
    programme_id = request.args.get("programme", type=parse_id)
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
            url_for("reports.texts", programme=programme.id, unit=request.args.get("unit") or None)
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
            return _pdf(
                reports.press_pdf(current_user, activity_id, agency=agency), f"siaran-pers-{activity_id}.pdf"
            )
        if action == "docx":
            data = reports.press_docx(current_user, activity_id, agency=agency)
            return _attachment(Response(data, mimetype=DOCX), f"siaran-pers-{activity_id}.docx")
        if action == "txt":
            release = reports.press_release(current_user, activity_id)
            response = Response(f"{release.kicker}\n\n{release.text}\n", mimetype="text/plain; charset=utf-8")
            return _attachment(response, f"siaran-pers-{activity_id}.txt")
        flash(_("Press release saved."), "success")
        return redirect(url_for("reports.press", activity_id=activity_id))
    return render_template("reports/press.html", form=form, activity_id=activity_id)


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
    content = form.file.data.read()
    token = secrets.token_hex(16)
    folder = _import_dir()
    (folder / f"{token}.xlsx").write_bytes(content)
    (folder / f"{token}.name").write_text(Path(form.file.data.filename or "import.xlsx").name[:200])
    result = imports.check(current_user, content)
    db.session.rollback()
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
    filename = name_file.read_text() if name_file.is_file() else "import.xlsx"
    result, outcome = imports.run(current_user, path.read_bytes(), filename, mode=form.mode.data)  # type: ignore[arg-type]
    if outcome.batch is None:
        db.session.rollback()
        flash(_("Nothing was imported: correct the errors and upload the file again."), "danger")
        return render_template("reports/import_preview.html", result=result, confirm=form), 422
    db.session.commit()
    path.unlink(missing_ok=True)
    name_file.unlink(missing_ok=True)
    flash(_("%(n)d activities imported (%(s)d skipped).", n=outcome.created, s=outcome.skipped), "success")
    return redirect(url_for("reports.imports_index"))


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@role_required(*IMPORTERS)
def import_undo(batch_id: int) -> Any:
    count = imports.undo_batch(current_user, batch_id)
    db.session.commit()
    flash(_("Import undone: %(n)d activities deleted.", n=count), "success")
    return redirect(url_for("reports.imports_index"))
