"""Activity forms: WTForms renders the fields, converts their text (numbers, dates) and checks CSRF; the
activity's one schema (:mod:`outreach.services.schema.activity`) checks the shape and services.activities the
rules.

:func:`input_from_form` turns a posted :class:`ActivityForm` into the API's wire dict, validates it with the schema
(the same errors as the API) and remembers which form row each input row came from (blank rows are skipped),
so :func:`apply_errors` can put each wire error path (``visits.1.contact``) back at the form's field
(``visits-1-contact_name``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.form_messages import NoControlCharacters, SubForm
from outreach.models import ActivityStatus
from outreach.models.types import parse_id
from outreach.numerals import ascii_digits
from outreach.services import filters as shared
from outreach.services.activities import OTHER_ITEM
from outreach.services.activity_list import ActivityFilter
from outreach.services.schema import parse
from outreach.services.schema.activity import ActivityInput


def _options(pairs: list[tuple[Any, Any]]) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms choices (raw tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def _opt_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return parse_id(value)


class ItemForm(SubForm):
    #: Picked from the catalogue; a name typed with no kind is classified by ``services.activities.ItemCatalogue``.
    kind = SelectField(_l("Item"), validate_choice=False)
    name = StringField(_l("Description (needed for “Other”)"))
    quantity = IntegerField(_l("Quantity"), validators=[Optional()])
    #: Not "Satuan": on this form that word is the police unit (issue 14).
    measure = StringField(_l("Counted in (kg, sheets …)"))


class VisitForm(SubForm):
    location_id = SelectField(_l("Registered location"), coerce=_opt_int, validate_choice=False)
    new_name = StringField(_l("New location: name"))
    new_kind = SelectField(_l("Kind of place"), validate_choice=False)
    new_village = StringField(
        _l("Village (desa/kelurahan)"), render_kw={"data-region-level": "4", "autocomplete": "off"}
    )
    new_district = StringField(
        _l("District (kecamatan)"), render_kw={"data-region-level": "3", "autocomplete": "off"}
    )
    new_regency = StringField(_l("Regency/city"), render_kw={"data-region-level": "2", "autocomplete": "off"})
    #: Codes of the regions picked from the autocomplete (static/js/regions.js); without it the names are matched.
    new_village_code = HiddenField(render_kw={"data-region-code": "4"})
    new_district_code = HiddenField(render_kw={"data-region-code": "3"})
    new_regency_code = HiddenField(render_kw={"data-region-code": "2"})
    #: The new place's position: typed, or from "Use my location" (the Geolocation API, with its accuracy).
    new_latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    new_longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    new_accuracy = HiddenField(render_kw={"data-accuracy": ""})
    parcels = IntegerField(_l("Paket sembako"), default=0, validators=[Optional()])
    beneficiaries = IntegerField(_l("Beneficiaries"), default=0, validators=[Optional()])
    beneficiary_group = StringField(_l("Beneficiary group"))
    contact_name = StringField(_l("Contact met"))
    contact_role = StringField(_l("Contact's role"))
    notes = TextAreaField(_l("Notes"))
    items = FieldList(FormField(ItemForm), min_entries=1, max_entries=30)


class OfficerForm(SubForm):
    person_id = SelectField(_l("Pick from the unit's people"), coerce=_opt_int, validate_choice=False)
    rank = StringField(_l("Rank"))
    name = StringField(_l("Name"))
    degrees = StringField(_l("Degrees"))
    nrp = StringField(_l("NRP"))
    position = StringField(_l("Position"))


class PartnerForm(SubForm):
    name = StringField(_l("Partner's name"))
    role = StringField(_l("Partner's role"))
    kind = SelectField(_l("Kind of partner"), validate_choice=False)


class CoverageForm(SubForm):
    outlet = StringField(_l("Outlet"))
    url = StringField(_l("Web address"))
    published_on = DateField(_l("Published on"), validators=[Optional()])
    headline = StringField(_l("Headline"))


class ActivityForm(FlaskForm):
    programme_id = SelectField(_l("Programme"), coerce=_opt_int, validators=[InputRequired()])
    unit_code = SelectField(_l("Unit"), validators=[InputRequired()])
    kind = SelectField(_l("Kind of activity"), validators=[InputRequired()])
    occurred_on = DateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date of the activity."))]
    )
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    title = StringField(_l("Title"))
    leader_person_id = SelectField(_l("Pick from the unit's people"), coerce=_opt_int, validate_choice=False)
    leader_rank = StringField(_l("Leader's rank"))
    leader_name = StringField(_l("Leader's name"))
    leader_degrees = StringField(_l("Degrees"))
    leader_nrp = StringField(_l("NRP"))
    leader_position = StringField(_l("Position"))
    officers = FieldList(FormField(OfficerForm), min_entries=1, max_entries=50)
    visits = FieldList(FormField(VisitForm), min_entries=1, max_entries=60)
    message_ids = SelectMultipleField(
        _l("Kamtibmas messages"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    messages_text = TextAreaField(_l("Other messages (one per line)"))
    partners = FieldList(FormField(PartnerForm), min_entries=1, max_entries=50)
    coverage = FieldList(FormField(CoverageForm), min_entries=1, max_entries=20)
    summary = TextAreaField(_l("Summary"))
    quote_by = StringField(
        _l("Quoted person (press release)"),
        validators=[Optional(), Length(max=160)],
        description=_l("As the release names them, e.g. AKP Lilik"),
    )
    quote_text = TextAreaField(_l("Quote (press release)"), validators=[Optional(), Length(max=2000)])
    photos = MultipleFileField(_l("Photos (JPEG, PNG or WebP)"))
    version = HiddenField()
    nonce = HiddenField()
    plan_id = HiddenField()  # the approved plan this activity realises (issue 15)
    client_id = HiddenField()  # the phone's UUID for the activity (issue 14): a resend returns the first one

    def set_choices(
        self, user: Any, catalogue: Choices, programmes: Any, locations: Any, people: Any
    ) -> None:
        """Fill every select from the data the view loaded (the form itself never queries)."""
        self.programme_id.choices = _options([("", "—")] + [(p.id, p.name) for p in programmes])
        self.unit_code.choices = _options(
            [
                (u.code, ("· " * max(0, u.depth - user.unit.depth)) + u.name)
                for u in tree_order(catalogue.units)
            ]
        )
        self.kind.choices = _options(
            [("", "—")] + [(k.code, k.label(catalogue.lang)) for k in catalogue.kinds]
        )
        self.leader_person_id.choices = _options([("", "—")] + [(p.id, person_label(p)) for p in people])
        self.people = {p.id: p for p in people}
        for entry in self.officers:
            entry.form.person_id.choices = self.leader_person_id.choices
        self.message_ids.choices = _options([(m.id, m.label(catalogue.lang)) for m in catalogue.messages])
        location_choices = _options(
            [("", _l("— new location, described below —"))]
            + [(loc.id, f"{loc.name} ({loc.address})" if loc.address else loc.name) for loc in locations]
        )
        kind_choices = [("", "—")] + [(k.code, k.label(catalogue.lang)) for k in catalogue.location_kinds]
        item_kinds = [("", "—")] + [(k.code, k.label(catalogue.lang)) for k in catalogue.item_kinds]
        #: The measure each item kind counts in, for the form's script to suggest (data-measures).
        self.item_measures = {k.code: k.measure for k in catalogue.item_kinds}
        self.item_names = {k.code: k.label(catalogue.lang) for k in catalogue.item_kinds}
        for visit in self.visits:
            visit.location_id.choices = location_choices
            visit.new_kind.choices = _options(kind_choices)
            for item in visit["items"]:
                item.form.kind.choices = _options(item_kinds)
        partner_kinds = [("", "—")] + [(k.code, k.label(catalogue.lang)) for k in catalogue.partner_kinds]
        for partner in self.partners:
            partner.form.kind.choices = _options(partner_kinds)


def tree_order(units: list[Any]) -> list[Any]:
    """Units as a tree: each under its parent, siblings by name (the materialised path orders siblings by id).

    Sorts the few dozen units of a user's subtree already loaded for the select; no query."""
    names = {str(u.id): u.name.lower() for u in units}

    def key(unit: Any) -> tuple[str, ...]:
        return tuple(names[i] for i in unit.path.strip("/").split("/") if i in names)

    return sorted(units, key=key)


def person_label(person: Any) -> str:
    """A picker's label that tells two officers of the same name apart: "Bripka Agus · NRP 8… · Polsek Jati"."""
    parts = [person.display_name]
    if person.nrp:
        parts.append(f"NRP {person.nrp}")
    unit = getattr(person, "unit", None)
    if unit is not None:
        parts.append(unit.name)
    return " · ".join(parts)


@dataclass
class Choices:
    units: list[Any]
    kinds: list[Any]
    messages: list[Any]
    location_kinds: list[Any]
    item_kinds: list[Any] = field(default_factory=list)
    partner_kinds: list[Any] = field(default_factory=list)
    lang: str = "id"


@dataclass
class RowMap:
    """Input row index → form row index, for each repeated section."""

    officers: list[int] = field(default_factory=list)
    visits: list[int] = field(default_factory=list)
    items: dict[int, list[int]] = field(default_factory=dict)
    partners: list[int] = field(default_factory=list)
    coverage: list[int] = field(default_factory=list)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _visit_is_blank(v: VisitForm) -> bool:
    return not (
        v.location_id.data
        or (v.new_name.data or "").strip()
        or v.parcels.data
        or v.beneficiaries.data
        or (v.beneficiary_group.data or "").strip()
        or (v.contact_name.data or "").strip()
        or any((i.form.name.data or "").strip() for i in v["items"])
    )


def _given(value: Any) -> Any:
    """A field's value for the wire dict: dates and times as ISO text, None left out by the caller."""
    iso = getattr(value, "isoformat", None)
    return iso() if iso is not None else value


def _text(field_: Any) -> str:
    return str(field_.data or "")


def _leader(form: ActivityForm, people: dict[int, Any]) -> dict[str, Any]:
    """The leader as typed; a person picked from the list fills whatever was left empty (works without JS)."""
    person = people.get(form.leader_person_id.data) if form.leader_person_id.data else None
    typed = {key: _text(form[f"leader_{key}"]) for key in ("rank", "name", "degrees", "nrp", "position")}
    if person is not None:
        typed = {key: value or (getattr(person, key) or "") for key, value in typed.items()}
    return {**typed, "person_id": form.leader_person_id.data or None}


def _accuracy(value: str | None) -> float | None:
    """The Geolocation API's accuracy in metres from the hidden field; anything unreadable is no accuracy."""
    try:
        number = float(value or "")
    except ValueError:
        return None
    return round(number, 1) if 0 <= number <= 100_000 else None


def input_from_form(form: ActivityForm, rows: RowMap) -> ActivityInput:
    """The posted form as the activity's wire dict, validated by the activity's schema (:class:`Invalid` with
    wire paths, which :func:`apply_errors` puts back on the form's fields). ``rows`` is filled as rows are read.
    """
    officers = []
    people = getattr(form, "people", {})
    for i, entry in enumerate(form.officers):
        o = entry.form
        person = people.get(o.person_id.data) if o.person_id.data else None
        if person is None and not ((o.name.data or "").strip() or (o.rank.data or "").strip()):
            continue
        rows.officers.append(i)
        # A person picked from the list fills whatever the user left empty (works without JavaScript).
        officers.append(
            {
                "rank": _text(o.rank) or (person.rank if person else ""),
                "name": _text(o.name) or (person.name if person else ""),
                "degrees": _text(o.degrees) or (person.degrees or "" if person else ""),
                "nrp": _text(o.nrp) or (person.nrp or "" if person else ""),
                "position": _text(o.position) or (person.position or "" if person else ""),
                "person_id": person.id if person else None,
            }
        )
    visits = []
    for i, entry in enumerate(form.visits):
        v = entry.form
        if _visit_is_blank(v):
            continue
        items = []
        item_rows: list[int] = []
        for j, item_entry in enumerate(v["items"]):
            it = item_entry.form
            if not (it.name.data or "").strip() and not it.quantity.data and not it.kind.data:
                continue
            item_rows.append(j)
            kind = it.kind.data or None
            names: dict[str, str] = getattr(form, "item_names", {})
            items.append(
                {
                    # A catalogue pick needs no typed name: the kind's label stands for it ("other" excepted).
                    # A typed name with no pick and an empty measure are classified by the service, the same
                    # rule for every way in (services.activities.ItemCatalogue).
                    "name": _text(it.name) or (names.get(kind or "", "") if kind != OTHER_ITEM else ""),
                    "quantity": it.quantity.data or 0,
                    "kind": kind,
                    "measure": _text(it.measure),
                }
            )
        rows.items[len(visits)] = item_rows
        rows.visits.append(i)
        visit: dict[str, Any] = {
            "location_id": v.location_id.data or None,
            "parcels": v.parcels.data or 0,
            "beneficiaries": v.beneficiaries.data or 0,
            "beneficiary_group": _text(v.beneficiary_group),
            "contact": _text(v.contact_name),
            "contact_role": _text(v.contact_role),
            "notes": _text(v.notes),
            "items": items,
        }
        if not v.location_id.data:
            visit["location"] = {
                "name": _text(v.new_name),
                "kind": _text(v.new_kind),
                "village": _text(v.new_village),
                "district": _text(v.new_district),
                "regency": _text(v.new_regency),
                "village_code": _text(v.new_village_code),
                "district_code": _text(v.new_district_code),
                "regency_code": _text(v.new_regency_code),
                "latitude": v.new_latitude.data,
                "longitude": v.new_longitude.data,
                "accuracy_m": _accuracy(v.new_accuracy.data)
                if v.new_latitude.data is not None and v.new_longitude.data is not None
                else None,
            }
        visits.append(visit)
    partners = []
    for i, entry in enumerate(form.partners):
        pf = entry.form
        if not ((pf.name.data or "").strip() or (pf.role.data or "").strip() or pf.kind.data):
            continue
        rows.partners.append(i)
        partners.append({"name": _text(pf.name), "role": _text(pf.role), "kind": pf.kind.data or None})
    coverage = []
    for i, entry in enumerate(form.coverage):
        c = entry.form
        if not (
            (c.outlet.data or "").strip() or (c.url.data or "").strip() or (c.headline.data or "").strip()
        ):
            continue
        rows.coverage.append(i)
        coverage.append(
            {
                "outlet": _text(c.outlet),
                "url": _text(c.url),
                "published_on": _given(c.published_on.data),
                "headline": _text(c.headline),
            }
        )
    wire: dict[str, Any] = {
        "programme_id": form.programme_id.data,
        "unit_code": _text(form.unit_code),
        "kind": _text(form.kind),
        "date": _given(form.occurred_on.data),
        "start_time": _given(form.start_time.data),
        "end_time": _given(form.end_time.data),
        "title": _text(form.title),
        "summary": _text(form.summary),
        "quote_by": _text(form.quote_by),
        "quote_text": _text(form.quote_text),
        "leader": _leader(form, people),
        "officers": officers,
        "visits": visits,
        "message_ids": list(form.message_ids.data or []),
        "messages": _lines(form.messages_text.data),
        "partners": partners,
        "coverage": coverage,
        "plan_id": int(form.plan_id.data) if ascii_digits(form.plan_id.data or "") else None,
        "client_id": _text(form.client_id).strip() or None,
    }
    return parse(ActivityInput, {k: v for k, v in wire.items() if v is not None})


def fill_from_input(form: ActivityForm, data: ActivityInput) -> None:
    """Pre-fill a fresh form (GET on edit) from an existing activity's input: every field the API carries."""
    form.programme_id.data = data.programme_id
    form.unit_code.data = data.unit_code
    form.kind.data = data.kind
    form.occurred_on.data = data.occurred_on
    form.start_time.data = data.start_time
    form.end_time.data = data.end_time
    form.title.data = data.title
    form.summary.data = data.summary
    form.quote_by.data = data.quote_by
    form.quote_text.data = data.quote_text
    form.plan_id.data = str(data.plan_id) if data.plan_id is not None else ""
    form.leader_person_id.data = data.leader.person_id
    form.leader_rank.data = data.leader.rank
    form.leader_name.data = data.leader.name
    form.leader_degrees.data = data.leader.degrees
    form.leader_nrp.data = data.leader.nrp
    form.leader_position.data = data.leader.position
    _refill(
        form.officers,
        [
            {
                "person_id": o.person_id,
                "rank": o.rank,
                "name": o.name,
                "degrees": o.degrees,
                "nrp": o.nrp,
                "position": o.position,
            }
            for o in data.officers
        ],
    )
    _refill(
        form.visits,
        [
            {
                "location_id": v.location_id,
                "parcels": v.parcels,
                "beneficiaries": v.beneficiaries,
                "beneficiary_group": v.beneficiary_group,
                "contact_name": v.contact_name,
                "contact_role": v.contact_role,
                "notes": v.notes,
                "items": [
                    {"kind": i.kind or "", "name": i.name, "quantity": i.quantity, "measure": i.measure}
                    for i in v.items
                ]
                or [{}],
            }
            for v in data.visits
        ],
    )
    form.message_ids.data = list(data.message_ids)
    form.messages_text.data = "\n".join(data.messages)
    _refill(form.partners, [{"name": p.name, "role": p.role, "kind": p.kind or ""} for p in data.partners])
    _refill(
        form.coverage,
        [
            {"outlet": c.outlet, "url": c.url, "published_on": c.published_on, "headline": c.headline}
            for c in data.coverage
        ],
    )


def _refill(field_list: FieldList, rows: list[dict[str, Any]]) -> None:
    while len(field_list.entries):
        field_list.pop_entry()
    for row in rows or [{}]:
        field_list.append_entry(row or None)


# --------------------------------------------------------------------------------------------- error mapping

_TOP = {
    "programme_id": "programme_id",
    "unit_code": "unit_code",
    "kind": "kind",
    "date": "occurred_on",
    "occurred_on": "occurred_on",
    "start_time": "start_time",
    "end_time": "end_time",
    "title": "title",
    "summary": "summary",
    "quote_by": "quote_by",
    "quote_text": "quote_text",
    "photos": "photos",
}
_VISIT = {
    "location_id": "location_id",
    "location.name": "new_name",
    "location.kind": "new_kind",
    "location.village": "new_village",
    "location.district": "new_district",
    "location.regency": "new_regency",
    "location.village_code": "new_village",
    "location.district_code": "new_district",
    "location.regency_code": "new_regency",
    "location.latitude": "new_latitude",
    "location.longitude": "new_longitude",
    "location.accuracy_m": "new_latitude",
    "parcels": "parcels",
    "beneficiaries": "beneficiaries",
    "beneficiary_group": "beneficiary_group",
    "contact": "contact_name",
    "contact_name": "contact_name",
    "contact_role": "contact_role",
    "notes": "notes",
}


def _add(target: Any, message: str) -> None:
    target.errors = [*list(target.errors or []), message]


def apply_errors(form: ActivityForm, fields: dict[str, str], rows: RowMap) -> list[str]:
    """Attach each service error to its form field; returns the messages no field could take."""
    leftovers: list[str] = []
    for path, message in fields.items():
        target = _field_for(form, path.split("."), rows)
        if target is None:
            leftovers.append(message)
        else:
            _add(target, message)
    return leftovers


def _field_for(form: ActivityForm, parts: list[str], rows: RowMap) -> Any:  # noqa: PLR0911 - a dispatch table
    head = parts[0]
    if len(parts) == 1 and head in _TOP:
        return form[_TOP[head]]
    if head == "leader" and len(parts) == 2:
        return form._fields.get(f"leader_{parts[1]}")
    if head in ("message_ids",):
        return form.message_ids
    if head == "messages":
        return form.messages_text
    if (
        head == "partners"
        and len(parts) == 2
        and ascii_digits(parts[1])
        and int(parts[1]) < len(rows.partners)
    ):
        return form.partners[rows.partners[int(parts[1])]].form.name
    if len(parts) < 3 or not ascii_digits(parts[1]):
        return None
    index = int(parts[1])
    if head == "officers" and index < len(rows.officers):
        return form.officers[rows.officers[index]].form._fields.get(parts[2])
    if head == "partners" and index < len(rows.partners):
        return form.partners[rows.partners[index]].form._fields.get(parts[2])
    if head == "coverage" and index < len(rows.coverage):
        return form.coverage[rows.coverage[index]].form._fields.get(parts[2])
    if head == "visits" and index < len(rows.visits):
        visit = form.visits[rows.visits[index]].form
        rest = ".".join(parts[2:])
        if rest in _VISIT:
            return visit[_VISIT[rest]]
        if parts[2] == "items" and len(parts) == 5 and ascii_digits(parts[3]):
            item_rows = rows.items.get(index, [])
            j = int(parts[3])
            if j < len(item_rows):
                return visit["items"][item_rows[j]].form._fields.get(parts[4])
        if parts[2] == "location":
            return visit.new_name
    return None


# ------------------------------------------------------------------------------------ workflow + filters


class CommentForm(NoControlCharacters, FlaskForm):
    comment = TextAreaField(_l("What needs fixing"), validators=[InputRequired(), Length(max=2000)])


class ReasonForm(NoControlCharacters, FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[InputRequired(), Length(max=2000)])


class PhotoForm(FlaskForm):
    photos = MultipleFileField(_l("Add photos (JPEG, PNG or WebP)"))


SORT_CHOICES = [
    ("-date", _l("Newest first")),
    ("date", _l("Oldest first")),
    ("-parcels", _l("Most paket sembako")),
    ("-visits", _l("Most locations")),
    ("-beneficiaries", _l("Most beneficiaries")),
    ("-updated", _l("Recently changed")),
]


class ActivityFilterForm(FlaskForm):
    """Renders the list's filters under the shared vocabulary (:mod:`outreach.services.filters` parses
    them); ``location_kind``, ``sort`` and ``deleted`` are the list's own."""

    class Meta:
        csrf = False

    programme_id = SelectField(_l("Programme"), validate_choice=False)
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])
    unit = SelectField(_l("Unit"), validate_choice=False)
    kind = SelectField(_l("Kind of activity"), validate_choice=False)
    status = SelectMultipleField(_l("Status"), validate_choice=False)
    location_kind = SelectField(_l("Kind of place"), validate_choice=False)
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    sort = SelectField(_l("Sort"), choices=_options(SORT_CHOICES), default="-date", validate_choice=False)
    deleted = BooleanField(_l("Deleted activities"))

    def set_choices(self, user: Any, catalogue: Choices, programmes: Any) -> None:
        self.programme_id.choices = _options(
            [("", _l("All programmes"))] + [(str(p.id), p.name) for p in programmes]
        )
        self.unit.choices = _options(
            [("", _l("All units"))]
            + [
                (u.code, ("· " * max(0, u.depth - user.unit.depth)) + u.name)
                for u in tree_order(catalogue.units)
            ]
        )
        self.kind.choices = _options(
            [("", _l("All kinds"))] + [(k.code, k.label(catalogue.lang)) for k in catalogue.kinds]
        )
        from outreach.i18n import enum_label

        self.status.choices = _options([(s.value, enum_label(s)) for s in ActivityStatus])
        self.location_kind.choices = _options(
            [("", _l("Any place"))] + [(k.code, k.label(catalogue.lang)) for k in catalogue.location_kinds]
        )

    def show(self, found: shared.Filters, errors: dict[str, str]) -> None:
        """Show the filters as applied, each bad parameter's message on its field."""
        self.programme_id.data = "" if found.programme_id is None else str(found.programme_id)
        self.unit.data = found.unit or ""
        self.date_from.data = found.date_from
        self.date_to.data = found.date_to
        self.status.data = [s.value for s in found.statuses]
        self.kind.data = found.kind or ""
        self.q.data = found.q
        targets = {"programme_id": self.programme_id, "unit": self.unit, "from": self.date_from,
                   "to": self.date_to, "status": self.status, "kind": self.kind, "q": self.q}  # fmt: skip
        for name, message in errors.items():
            field = targets[name]
            field.errors = [*(e for e in field.errors if e != message), message]

    def to_filter(self, found: shared.Filters) -> ActivityFilter:
        """The list's filter: the shared filters plus the list's own fields."""
        location_kind = (self.location_kind.data or "").strip()
        return ActivityFilter(
            **found.activity_fields(),
            location_kind=location_kind if location_kind.isidentifier() else None,
            deleted=bool(self.deleted.data),
            sort=self.sort.data if self.sort.data in dict(SORT_CHOICES) else "-date",
        )
