"""Rows for the CSV/XLSX exports: the filtered activity list and one row per visit.

Column keys are stable machine names (they are also the importer's keys); header labels come in the
requested language. Rows are generated from a server-side cursor (``yield_per``) and the per-activity lists
(locations, messages) are fetched once per batch, so an export of any size streams in linear time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from flask_babel import force_locale
from sqlalchemy import select

from outreach.exports import catalogue
from outreach.exports.tabular import Column
from outreach.extensions import db
from outreach.i18n import enum_label
from outreach.models import (
    ActivityKind,
    ActivityMessage,
    ActivityOfficer,
    ActivityPartner,
    ActivityStatus,
    Indicator,
    ItemKind,
    Location,
    LocationKind,
    PartnerKind,
    Programme,
    Unit,
    User,
    Visit,
    VisitItem,
)
from outreach.services.activity_list import ActivityFilter
from outreach.services.cells import format_cell
from outreach.services.reports import BATCH, _batches, _scoped, location_names, press_gettext, require_reader

Dataset = Literal["activities", "visits"]
DATASETS: tuple[Dataset, ...] = ("activities", "visits")
MESSAGE_SEPARATOR = " | "

#: key → the column's kind; its header is :func:`_column_labels`'s.
_COLUMNS: dict[str, str] = {
    "activity_id": "int",
    "date": "date",
    "start_time": "time",
    "end_time": "time",
    "programme": "text",
    "unit_code": "text",
    "unit_name": "text",
    "kind": "text",
    "kind_label": "text",
    "title": "text",
    "status": "text",
    "status_label": "text",
    "leader_rank": "text",
    "leader_name": "text",
    "leader_degrees": "text",
    "leader_nrp": "text",
    "leader_position": "text",
    "visit_count": "int",
    "parcel_count": "int",
    "beneficiary_count": "int",
    "message_count": "int",
    "locations": "text",
    "location_name": "text",
    "location_kind": "text",
    "location_kind_label": "text",
    "village": "text",
    "district": "text",
    "regency": "text",
    "province": "text",
    "parcels": "int",
    "beneficiaries": "int",
    "beneficiary_group": "text",
    "contact_name": "text",
    "contact_role": "text",
    "messages": "text",
    "summary": "text",
    "officers": "text",
    "partners": "text",
    "items": "text",
    "notes": "text",
}


def _column_labels(lang: str) -> dict[str, str]:
    """key → the column's header in ``lang``, from the gettext catalogues (the counts carry the indicators'
    one label, :data:`outreach.i18n.INDICATOR_LABELS`, as the dashboard and the laporan do)."""
    _, pgettext = catalogue.gettext(lang), catalogue.pgettext(lang)
    with force_locale(catalogue.language(lang)):
        indicator = {i: enum_label(i) for i in Indicator}
    return {
        "activity_id": _("Activity ID"),
        "date": _("Date"),
        "start_time": _("Start time"),
        "end_time": _("End time"),
        "programme": _("Programme"),
        "unit_code": _("Unit code"),
        "unit_name": _("Unit"),
        "kind": _("Activity kind code"),
        "kind_label": _("Activity kind"),
        "title": _("Title"),
        "status": _("Status code"),
        "status_label": _("Activity status"),
        "leader_rank": _("Leader rank"),
        "leader_name": _("Leader name"),
        "leader_degrees": _("Leader degrees"),
        "leader_nrp": _("Leader NRP"),
        "leader_position": _("Leader position"),
        "visit_count": indicator[Indicator.LOCATIONS],
        "parcel_count": indicator[Indicator.PARCELS],
        "beneficiary_count": indicator[Indicator.BENEFICIARIES],
        "message_count": pgettext("export", "Messages"),
        "locations": pgettext("export", "Locations visited"),
        "location_name": _("Location name"),
        "location_kind": _("Location kind code"),
        "location_kind_label": _("Location kind"),
        "village": _("Village"),
        "district": _("District"),
        "regency": _("Regency/city"),
        "province": _("Province"),
        "parcels": indicator[Indicator.PARCELS],
        "beneficiaries": indicator[Indicator.BENEFICIARIES],
        "beneficiary_group": pgettext("export", "Beneficiary group"),
        "contact_name": _("Person met"),
        "contact_role": _("Role of person met"),
        "messages": _("Kamtibmas messages"),
        "summary": pgettext("export", "Summary"),
        "officers": pgettext("export", "Officers"),
        "partners": _("Partners"),
        "items": _("Other items"),
        "notes": _("Notes"),
    }


ACTIVITY_KEYS = (
    "activity_id", "date", "start_time", "end_time", "programme", "unit_code", "unit_name", "kind",
    "kind_label", "title", "status", "status_label", "leader_rank", "leader_name", "leader_degrees",
    "leader_nrp", "leader_position",
    "visit_count", "parcel_count", "beneficiary_count", "message_count", "locations",
)  # fmt: skip
VISIT_KEYS = (
    "activity_id", "date", "start_time", "end_time", "programme", "unit_code", "unit_name", "kind",
    "kind_label", "title", "status", "status_label", "leader_rank", "leader_name", "leader_degrees",
    "leader_nrp", "leader_position",
    "location_name", "location_kind", "location_kind_label", "village", "district", "regency", "province",
    "parcels", "beneficiaries", "beneficiary_group", "contact_name", "contact_role", "messages", "summary",
    "officers", "partners", "items", "notes",
)  # fmt: skip


#: The status column's label, in the export's language (the code stays in the ``status`` column).
_STATUS_MSGIDS = {s.value: s.value.capitalize() for s in ActivityStatus}


def sheet_title(dataset: Dataset, lang: str = "id") -> str:
    """The worksheet's name: ``Kegiatan`` / ``Kunjungan`` (``Activities`` / ``Visits`` in English)."""
    _ = catalogue.gettext(lang)
    return _("Activities") if dataset == "activities" else _("Visits")


def file_stem(dataset: Dataset, lang: str = "id") -> str:
    """The start of the download's file name: ``kegiatan`` / ``kunjungan``."""
    return sheet_title(dataset, lang).lower()


def status_labels(lang: str = "id") -> dict[str, str]:
    """Status code → its label in ``lang`` (``verified`` → ``Terverifikasi``), from the UI's gettext catalogue."""
    t = press_gettext(lang)
    return {code: t(msgid) for code, msgid in _STATUS_MSGIDS.items()}


def column(key: str, lang: str = "id") -> Column:
    return Column(key, _column_labels(lang)[key], _COLUMNS[key])  # type: ignore[arg-type]


def columns(dataset: Dataset, lang: str = "id") -> list[Column]:
    keys = ACTIVITY_KEYS if dataset == "activities" else VISIT_KEYS
    labels = _column_labels(lang)
    return [Column(k, labels[k], _COLUMNS[k]) for k in keys]  # type: ignore[arg-type]


def header_aliases() -> dict[str, str]:
    """Every accepted header text (key, Indonesian or English label, lower case) → key, for the importer:
    the headers of both languages, rendered from the same msgids as the export's.

    Labels shared by two keys (``Paket sembako``) resolve to the per-visit key, which the importer reads.
    """
    aliases: dict[str, str] = {}
    for lang in catalogue.LANGUAGES:
        for key, text in _column_labels(lang).items():
            if text.lower() not in aliases or key in VISIT_KEYS:
                aliases[text.lower()] = key
    aliases.update({k: k for k in _COLUMNS})
    return aliases


def _activity_select(user: User, filters: ActivityFilter, lang: str, *, counts: bool = True) -> Any:
    """The activity columns of both exports (``counts``: with the per-activity totals, which only the
    activity export shows)."""
    s = _scoped(user, filters)
    kind_label = ActivityKind.label_en if lang == "en" else ActivityKind.label_id
    totals = (s.c.visit_count, s.c.parcel_count, s.c.beneficiary_count, s.c.message_count) if counts else ()
    return s, (
        select(
            s.c.id.label("activity_id"),
            s.c.occurred_on.label("date"),
            s.c.start_time,
            s.c.end_time,
            Programme.name.label("programme"),
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            ActivityKind.code.label("kind"),
            kind_label.label("kind_label"),
            s.c.title,
            s.c.status,
            s.c.leader_rank,
            s.c.leader_name,
            s.c.leader_degrees,
            s.c.leader_nrp,
            s.c.leader_position,
            *totals,
            s.c.summary,
        )
        .select_from(s)
        .join(Unit, Unit.id == s.c.unit_id)
        .join(ActivityKind, ActivityKind.id == s.c.kind_id)
        .join(Programme, Programme.id == s.c.programme_id)
    )


def _activity_dict(
    r: Any, keys: Sequence[str] | None = None, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """The row as a dict (``keys``: the result's column names, read once per result rather than per row;
    ``labels``: status code → label for the ``status_label`` column)."""
    d = dict(zip(keys, r, strict=True)) if keys is not None else dict(r._mapping)
    status = d["status"]
    d["status"] = getattr(status, "value", status)
    d["status_label"] = (labels or {}).get(d["status"], d["status"])
    return d


def _messages(activity_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(ActivityMessage.activity_id, ActivityMessage.text)
        .where(ActivityMessage.activity_id.in_(list(activity_ids)))
        .order_by(ActivityMessage.activity_id, ActivityMessage.id)
    )
    for activity_id, text in rows:
        out[activity_id].append(text)
    return out


def _officers(activity_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = db.session.execute(
        select(ActivityOfficer)
        .where(ActivityOfficer.activity_id.in_(list(activity_ids)))
        .order_by(ActivityOfficer.activity_id, ActivityOfficer.id)
    ).scalars()
    for o in rows:
        out[o.activity_id].append(
            {"rank": o.rank, "name": o.name, "degrees": o.degrees, "nrp": o.nrp, "position": o.position}
        )
    return out


def _partners(activity_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = db.session.execute(
        select(ActivityPartner.activity_id, ActivityPartner.name, ActivityPartner.role, PartnerKind.code)
        .outerjoin(PartnerKind, PartnerKind.id == ActivityPartner.kind_id)
        .where(ActivityPartner.activity_id.in_(list(activity_ids)))
        .order_by(ActivityPartner.activity_id, ActivityPartner.id)
    )
    for activity_id, name, role, kind in rows:
        out[activity_id].append({"name": name, "role": role, "kind": kind})
    return out


def _items(visit_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = db.session.execute(
        select(VisitItem.visit_id, VisitItem.name, VisitItem.quantity, VisitItem.measure, ItemKind.code)
        .outerjoin(ItemKind, ItemKind.id == VisitItem.item_kind_id)
        .where(VisitItem.visit_id.in_(list(visit_ids)))
        .order_by(VisitItem.visit_id, VisitItem.id)
    )
    for visit_id, name, quantity, measure, kind in rows:
        out[visit_id].append({"name": name, "quantity": quantity, "measure": measure, "kind": kind})
    return out


def activity_rows(user: User, filters: ActivityFilter, lang: str = "id") -> Iterator[dict[str, Any]]:
    """One row per activity (keys: :data:`ACTIVITY_KEYS`), streamed."""
    require_reader(user)
    s, query = _activity_select(user, filters, lang)
    result = db.session.execute(query.order_by(s.c.occurred_on, s.c.id).execution_options(yield_per=BATCH))
    keys = tuple(result.keys())
    labels = status_labels(lang)
    for batch in _batches(result):
        names = location_names([r.activity_id for r in batch])
        for r in batch:
            d = _activity_dict(r, keys, labels)
            d["locations"] = "; ".join(names.get(d["activity_id"], []))
            yield d


def visit_rows(user: User, filters: ActivityFilter, lang: str = "id") -> Iterator[dict[str, Any]]:
    """One row per visit (keys: :data:`VISIT_KEYS`), streamed; the activity's fields repeat on each row."""
    require_reader(user)
    s, query = _activity_select(user, filters, lang, counts=False)
    kind_label = LocationKind.label_en if lang == "en" else LocationKind.label_id
    query = (
        query.add_columns(
            Location.name.label("location_name"),
            LocationKind.code.label("location_kind"),
            kind_label.label("location_kind_label"),
            Location.village,
            Location.district,
            Location.regency,
            Location.province,
            Visit.parcel_count.label("parcels"),
            Visit.beneficiary_count.label("beneficiaries"),
            Visit.beneficiary_group,
            Visit.contact_name,
            Visit.contact_role,
            Visit.notes,
            Visit.id.label("visit_id"),
        )
        .join(Visit, Visit.activity_id == s.c.id)
        .join(Location, Location.id == Visit.location_id)
        .join(LocationKind, LocationKind.id == Location.kind_id)
        .order_by(s.c.occurred_on, s.c.id, Visit.position)
    )
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    keys = tuple(result.keys())
    labels = status_labels(lang)
    for batch in _batches(result):
        activity_ids = list({r.activity_id for r in batch})
        messages = _messages(activity_ids)
        officers, partners = _officers(activity_ids), _partners(activity_ids)
        items = _items([r.visit_id for r in batch])
        for r in batch:
            d = _activity_dict(r, keys, labels)
            d["messages"] = MESSAGE_SEPARATOR.join(messages.get(d["activity_id"], []))
            d["officers"] = format_cell("officers", officers.get(d["activity_id"], []))
            d["partners"] = format_cell("partners", partners.get(d["activity_id"], []))
            d["items"] = format_cell("items", items.get(d.pop("visit_id"), []))
            yield d


#: The activity export's further sheets (issue 16): one row per officer, partner and item, each carrying the
#: activity's ID. Their columns are not import columns (the importer reads the first sheet only), so they
#: stay out of :data:`_COLUMNS` and :func:`header_aliases`. key → (kind, Indonesian label, English label)
_SHEET_COLUMNS: dict[str, str] = {
    "activity_id": "int",
    "rank": "text",
    "name": "text",
    "degrees": "text",
    "nrp": "text",
    "position": "text",
    "role": "text",
    "partner_kind_label": "text",
    "partner_kind": "text",
    "visit_number": "int",
    "location_name": "text",
    "item_kind_label": "text",
    "item_kind": "text",
    "item_name": "text",
    "quantity": "int",
    "measure": "text",
    "officers": "Personel",
    "partners": "Mitra",
}
#: sheet → its column keys
EXTRA_SHEETS: dict[str, tuple[str, ...]] = {
    "officers": ("activity_id", "rank", "name", "degrees", "nrp", "position"),
    "partners": ("activity_id", "name", "role", "partner_kind_label", "partner_kind"),
    "items": (
        "activity_id", "visit_number", "location_name", "item_kind_label", "item_kind", "item_name", "quantity",
        "measure",
    ),
}  # fmt: skip


def _sheet_labels(lang: str) -> dict[str, str]:
    """The further sheets' titles (``sheet:<name>``) and column headers in ``lang``."""
    _, pgettext = catalogue.gettext(lang), catalogue.pgettext(lang)
    return {
        "activity_id": _("Activity ID"),
        "rank": _("Rank"),
        "name": _("Name"),
        "degrees": _("Degrees"),
        "nrp": _("NRP"),
        "position": _("Position"),
        "role": _("Role"),
        "partner_kind_label": _("Partner kind"),
        "partner_kind": _("Partner kind code"),
        "visit_number": _("Visit no."),
        "location_name": _("Location"),
        "item_kind_label": _("Item kind"),
        "item_kind": _("Item kind code"),
        "item_name": pgettext("export", "Item"),
        "quantity": _("Quantity"),
        "measure": pgettext("export", "Measure"),
        "sheet:officers": _("Officers"),
        "sheet:partners": _("Partners"),
        "sheet:items": _("Items"),
    }


def extra_sheet_columns(sheet: str, lang: str = "id") -> list[Column]:
    labels = _sheet_labels(lang)
    return [Column(key, labels[key], _SHEET_COLUMNS[key]) for key in EXTRA_SHEETS[sheet]]  # type: ignore[arg-type]


def _extra_sheet_query(sheet: str, user: User, filters: ActivityFilter, lang: str) -> Any:
    """One row per officer / partner / item of the filtered activities, in the main sheet's order."""
    s = _scoped(user, filters)
    en = lang == "en"
    if sheet == "officers":
        o = ActivityOfficer
        return (
            select(s.c.id.label("activity_id"), o.rank, o.name, o.degrees, o.nrp, o.position)
            .join(o, o.activity_id == s.c.id)
            .order_by(s.c.occurred_on, s.c.id, o.id)
        )
    if sheet == "partners":
        p = ActivityPartner
        return (
            select(
                s.c.id.label("activity_id"),
                p.name,
                p.role,
                (PartnerKind.label_en if en else PartnerKind.label_id).label("partner_kind_label"),
                PartnerKind.code.label("partner_kind"),
            )
            .join(p, p.activity_id == s.c.id)
            .outerjoin(PartnerKind, PartnerKind.id == p.kind_id)
            .order_by(s.c.occurred_on, s.c.id, p.id)
        )
    return (
        select(
            s.c.id.label("activity_id"),
            (Visit.position + 1).label("visit_number"),
            Location.name.label("location_name"),
            (ItemKind.label_en if en else ItemKind.label_id).label("item_kind_label"),
            ItemKind.code.label("item_kind"),
            VisitItem.name.label("item_name"),
            VisitItem.quantity,
            VisitItem.measure,
        )
        .join(Visit, Visit.activity_id == s.c.id)
        .join(Location, Location.id == Visit.location_id)
        .join(VisitItem, VisitItem.visit_id == Visit.id)
        .outerjoin(ItemKind, ItemKind.id == VisitItem.item_kind_id)
        .order_by(s.c.occurred_on, s.c.id, Visit.position, VisitItem.id)
    )


def extra_sheet_rows(
    sheet: str, user: User, filters: ActivityFilter, lang: str = "id"
) -> Iterator[dict[str, Any]]:
    """The rows of one further sheet, streamed from a server-side cursor in batches of :data:`BATCH`."""
    require_reader(user)
    result = db.session.execute(
        _extra_sheet_query(sheet, user, filters, lang).execution_options(yield_per=BATCH)
    )
    keys = tuple(result.keys())
    for batch in _batches(result):
        for r in batch:
            yield dict(zip(keys, r, strict=True))


def extra_sheets(
    dataset: Dataset, user: User, filters: ActivityFilter, lang: str = "id"
) -> list[tuple[str, list[Column], Iterator[dict[str, Any]]]]:
    """The XLSX export's sheets after the main one: Personel, Mitra and Barang for the activity export (none
    for the visit export, whose rows already carry each visit's lists). The rows are lazy: each query runs
    when the writer reaches its sheet."""
    if dataset != "activities":
        return []
    return [
        (
            _sheet_labels(lang)[f"sheet:{sheet}"],
            extra_sheet_columns(sheet, lang),
            extra_sheet_rows(sheet, user, filters, lang),
        )
        for sheet in EXTRA_SHEETS
    ]


def rows(dataset: Dataset, user: User, filters: ActivityFilter, lang: str = "id") -> Iterator[dict[str, Any]]:
    return activity_rows(user, filters, lang) if dataset == "activities" else visit_rows(user, filters, lang)
