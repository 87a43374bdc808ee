"""Reports: gather what the PDF builders print from the database (the builders never query it).

Every figure (totals, targets, the tables by unit, location kind and message, the monthly chart) comes from
:func:`outreach.services.stats.summarize` – the function behind the dashboard and ``/api/v1/stats`` – so a
report, the dashboard and the API show the same numbers for the same filters; :func:`stats_filter` translates
the report filters. Reports default to verified activities, the dashboard to submitted and verified.

The activity list is read with ``list_activities_query`` (scope, the PR "verified only" rule and soft
deletion apply once), streamed with ``yield_per``, fetching the location names of each batch of activities
in one query (linear time, flat memory).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from flask_babel import force_locale
from sqlalchemy import Select, String, func, literal, or_, select, union_all
from sqlalchemy.sql import Subquery

from outreach.exports import catalogue, docx, fmt, pdf
from outreach.exports.press import (
    PressFacts,
    PressLocation,
    PressMessage,
    PressPartner,
    PressPerson,
    PressRelease,
    draft_press_release,
)
from outreach.extensions import db
from outreach.i18n import enum_label
from outreach.models import (
    Activity,
    ActivityKind,
    ActivityMessage,
    ActivityOfficer,
    ActivityStatus,
    Indicator,
    Location,
    Person,
    Photo,
    Programme,
    ReportSection,
    ReportText,
    Role,
    Unit,
    UnitLevel,
    User,
    Visit,
)
from outreach.numerals import ascii_digits
from outreach.services import activities as activity_service
from outreach.services import audit, stats
from outreach.services import filters as shared
from outreach.services.activity_list import ActivityFilter, list_activities_query
from outreach.services.clock import local_today
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.scope import get_unit_in_scope

Lang = Literal["id", "en"]
READER_ROLES = frozenset({Role.PR, Role.COMMANDER, Role.ADMIN})
TEXT_EDITOR_ROLES = frozenset({Role.PR, Role.COMMANDER, Role.ADMIN})
BATCH = 500
AGENCY = "KEPOLISIAN NEGARA REPUBLIK INDONESIA"

_LEVEL_PREFIX = {
    UnitLevel.POLDA: ("Polda ", "DAERAH "),
    UnitLevel.POLRES: ("Polres ", "RESOR "),
    UnitLevel.POLSEK: ("Polsek ", "SEKTOR "),
}


def _lang(lang: str | None) -> Lang:
    return "en" if lang == "en" else "id"


# ------------------------------------------------------------------------------------------- scope


def require_reader(user: User) -> None:
    if user.role not in READER_ROLES:
        raise Forbidden("Your role cannot open reports.")


def report_filter(
    programme: Programme | None,
    *,
    unit_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    statuses: Sequence[ActivityStatus] = shared.DEFAULT_STATUSES,
) -> ActivityFilter:
    """The filter every report and export uses (by default the statuses the dashboard counts: submitted
    and verified)."""
    return ActivityFilter(
        programme_id=programme.id if programme is not None else None,
        unit_code=unit_code or None,
        date_from=date_from,
        date_to=date_to,
        statuses=list(statuses),
        sort="date",
    )


def root_unit(user: User, filters: ActivityFilter) -> Unit:
    """The unit the report speaks for: the filtered unit, or the user's own."""
    if filters.unit_code:
        unit = get_unit_in_scope(user, filters.unit_code)
        if unit is None:
            raise NotFound("Unknown unit, or a unit outside your area.")
        return unit
    return user.unit


def find_programme(name_or_id: str) -> Programme | None:
    """A programme by id or by (case-insensitive) name."""
    text = name_or_id.strip()
    if ascii_digits(text):
        found = db.session.get(Programme, int(text))
        if found is not None:
            return found
    return db.session.scalar(select(Programme).where(func.lower(Programme.name) == text.lower()))


def _scoped(user: User, filters: ActivityFilter) -> Subquery:
    """The filtered, visible activities as a subquery (one row per activity)."""
    return list_activities_query(user, filters).order_by(None).subquery("scoped")


# ------------------------------------------------------------------------------------------- aggregates


def stats_filter(filters: ActivityFilter) -> stats.StatsFilter:
    """The :class:`~outreach.services.stats.StatsFilter` that selects the same activities as ``filters``.

    Report filters carry programme, unit, period and statuses only (:func:`report_filter`); an empty status
    list means every status here (as in the activity list and the exports), so it is spelled out for stats.
    """
    return stats.StatsFilter(
        programme_id=filters.programme_id,
        unit_code=filters.unit_code or None,
        date_from=filters.date_from,
        date_to=filters.date_to,
        statuses=list(filters.statuses) or list(ActivityStatus),
    )


def summarize(user: User, filters: ActivityFilter, *, today: date | None = None) -> stats.Summary:
    """The figures of a report: exactly what the dashboard and ``/api/v1/stats`` show for these filters."""
    return stats.summarize(user, stats_filter(filters), today=today)


def totals(user: User, filters: ActivityFilter) -> stats.Totals:
    """Headline totals of the filtered activities (from :func:`outreach.services.stats.summarize`)."""
    return summarize(user, filters).totals


def _targets(summary: stats.Summary, lang: Lang) -> list[pdf.TargetRow]:
    """Every indicator with its achievement and target (``stats`` picks the unit's, else the programme's),
    labelled as the dashboard labels it (:data:`outreach.i18n.INDICATOR_LABELS`)."""
    with force_locale(lang):
        labels = {indicator: enum_label(indicator) for indicator in Indicator}
    rows = []
    for indicator in Indicator:
        progress = summary.target(indicator.value)
        rows.append(
            pdf.TargetRow(
                label=labels[indicator],
                achieved=summary.totals.get(indicator),
                target=progress.target if progress is not None else None,
            )
        )
    return rows


def _by_unit(summary: stats.Summary, lang: Lang) -> list[pdf.UnitRow]:
    """The dashboard's rows: the unit's own activities, then each unit below it (subtree rolled up)."""
    _ = catalogue.gettext(lang)
    return [
        pdf.UnitRow(
            unit=_("%(unit)s (own activities)") % {"unit": r.name} if r.is_self else r.name,
            activities=r.activities,
            visits=r.visits,
            locations=r.locations,
            parcels=r.parcels,
            beneficiaries=r.beneficiaries,
        )
        for r in summary.by_unit
    ]


def _by_unit_total(summary: stats.Summary) -> pdf.UnitRow:
    """The JUMLAH row of the per-unit table: the area's totals, the same as III.1 and ``/api/v1/stats``
    (summing the rows would count a location visited under two units twice)."""
    t = summary.totals
    return pdf.UnitRow(
        unit="",
        activities=t.activities,
        visits=t.visits,
        locations=t.locations,
        parcels=t.parcels,
        beneficiaries=t.beneficiaries,
    )


def _counted(summary: stats.Summary, lang: Lang) -> str:
    """ "Dihitung: kegiatan diajukan dan terverifikasi", in the report's language."""
    with force_locale(lang):
        return shared.describe_statuses(summary.statuses)


def _by_location_kind(summary: stats.Summary, lang: Lang) -> list[pdf.LocationKindRow]:
    return [
        pdf.LocationKindRow(
            label=r.label_en if lang == "en" else r.label_id,
            visits=r.visits,
            locations=r.locations,
            parcels=r.parcels,
        )
        for r in summary.by_location_kind
    ]


def _by_message(summary: stats.Summary, lang: Lang) -> list[pdf.MessageRow]:
    return [
        pdf.MessageRow(text=r.label_en if lang == "en" else r.label_id, times=r.deliveries)
        for r in summary.by_message
    ]


def _monthly(summary: stats.Summary, lang: Lang) -> list[pdf.SeriesPoint]:
    return [
        pdf.SeriesPoint(label=fmt.month_label(r.period_start, lang), value=r.activities)
        for r in summary.by_month
    ]


def _personnel_count(s: Subquery) -> int:
    """Distinct officers (leaders and members) of the filtered activities: by NRP when written, else by rank
    and name (two officers who share a rank and name but not an NRP are two people)."""

    def person(nrp: Any, rank: Any, name: Any) -> Any:
        by_nrp = literal("nrp:", String).concat(func.nullif(nrp, ""))
        by_name = literal("name:", String).concat(rank).concat(":").concat(name)
        return func.coalesce(by_nrp, by_name).label("person")

    people = union_all(
        select(person(s.c.leader_nrp, s.c.leader_rank, s.c.leader_name)),
        select(person(ActivityOfficer.nrp, ActivityOfficer.rank, ActivityOfficer.name)).join(
            s, s.c.id == ActivityOfficer.activity_id
        ),
    ).subquery()
    return int(
        db.session.scalar(select(func.count()).select_from(select(people.c.person).distinct().subquery()))
        or 0
    )


def _leader_label(row: stats.LeaderRow) -> str:
    """The leader's name as an officer's, then what tells them from a namesake (NRP or unit)."""
    name = fmt.officer_name(row.rank, row.name, row.degrees or "")
    return f"{name} ({row.distinction})" if row.distinction else name


def _execution(summary: stats.Summary, s: Subquery) -> pdf.ExecutionFacts:
    return pdf.ExecutionFacts(
        activity_count=summary.totals.activities,
        units=tuple(r.name for r in summary.by_unit if r.activities)[:30],
        personnel_count=_personnel_count(s),
        leaders=tuple(_leader_label(r) for r in summary.leaders),
    )


# ------------------------------------------------------------------------------------------- activity list


def _batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def location_names(activity_ids: Sequence[int]) -> dict[int, list[str]]:
    """Location names per activity, in visit order, for one batch of activities (one query)."""
    names: dict[int, list[str]] = defaultdict(list)
    if not activity_ids:
        return names
    rows = db.session.execute(
        select(Visit.activity_id, Location.name)
        .join(Location, Location.id == Visit.location_id)
        .where(Visit.activity_id.in_(list(activity_ids)))
        .order_by(Visit.activity_id, Visit.position)
    )
    for activity_id, name in rows:
        names[activity_id].append(name)
    return names


def activity_rows_query(user: User, filters: ActivityFilter, lang: str = "id") -> Select[Any]:
    """The columns of the activity list, joined in one statement, sorted by date (unexecuted)."""
    s = _scoped(user, filters)
    kind_label = ActivityKind.label_en if lang == "en" else ActivityKind.label_id
    return (
        select(
            s.c.id,
            s.c.occurred_on,
            Unit.name.label("unit_name"),
            kind_label.label("kind_label"),
            s.c.leader_rank,
            s.c.leader_name,
            s.c.leader_degrees,
            s.c.parcel_count,
            s.c.beneficiary_count,
        )
        .select_from(s)
        .join(Unit, Unit.id == s.c.unit_id)
        .join(ActivityKind, ActivityKind.id == s.c.kind_id)
        .order_by(s.c.occurred_on, s.c.id)
    )


def iter_activity_rows(user: User, filters: ActivityFilter, lang: str = "id") -> Iterator[pdf.ActivityRow]:
    """The programme report's activity list, streamed (server-side cursor, batches of ``BATCH``)."""
    result = db.session.execute(activity_rows_query(user, filters, lang).execution_options(yield_per=BATCH))
    for batch in _batches(result):
        names = location_names([r.id for r in batch])
        for r in batch:
            yield pdf.ActivityRow(
                on=r.occurred_on,
                unit=r.unit_name,
                kind=r.kind_label,
                leader=fmt.officer_name(r.leader_rank, r.leader_name, r.leader_degrees or ""),
                locations="; ".join(names.get(r.id, [])),
                parcels=int(r.parcel_count),
                beneficiaries=int(r.beneficiary_count),
            )


# ------------------------------------------------------------------------------------------- kop & signature


_MONTH_NAMES = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip


def _locked(programme: Programme, language: str, today: date) -> str:
    """Issue 15: the months closed by the reporting lock, appended to the "counted" line ("" when none)."""
    from outreach.services import locks

    months = locks.locked_months(programme, today)
    if not months:
        return ""
    names = ", ".join(f"{_MONTH_NAMES[language][m.month - 1]} {m.year}" for m in months)
    label = "Bulan terkunci (laporan final)" if language == "id" else "Locked months (final figures)"
    return f". {label}: {names}."


def kop_lines(unit: Unit, agency: str = AGENCY) -> tuple[str, ...]:
    """The letterhead: the agency, then each level from the Polda down to the unit (``RESOR BLORA``)."""
    chain: list[Unit] = []
    node: Unit | None = unit
    while node is not None:
        chain.append(node)
        node = node.parent
    lines = [agency]
    for u in reversed(chain):
        if u.level is UnitLevel.MABES:
            continue
        prefix = _LEVEL_PREFIX.get(u.level)
        if prefix and u.name.startswith(prefix[0]):
            lines.append(prefix[1] + u.name[len(prefix[0]) :].upper())
        elif u.level is UnitLevel.SATKER:
            lines.append(u.name.split(" Polres ")[0].split(" Polda ")[0].upper())
        else:
            lines.append(u.name.upper())
    return tuple(lines)


def signatory(unit: Unit) -> pdf.Signatory:
    """Who signs for ``unit``: a commander account's person in the unit, else the unit's first person."""
    person = db.session.scalar(
        select(Person)
        .join(User, User.person_id == Person.id)
        .where(User.unit_id == unit.id, User.role == Role.COMMANDER, User.is_active_account.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if person is None:
        person = db.session.scalar(
            select(Person)
            .where(Person.unit_id == unit.id, Person.is_active.is_(True))
            .order_by(Person.id)
            .limit(1)
        )
    if person is None:
        return pdf.Signatory(position=f"KEPALA {unit.name.upper()}", name="")
    return pdf.Signatory(
        position=(person.position or f"KEPALA {unit.name}").upper(),
        name=person.name,
        degrees=person.degrees or "",
        rank=person.rank,
        nrp=person.nrp or "",
    )


def _place(unit: Unit) -> str:
    node: Unit | None = unit
    while node is not None:
        if node.city:
            return node.city
        node = node.parent
    return ""


# ------------------------------------------------------------------------------------------- report texts


def get_report_texts(programme: Programme, unit: Unit) -> dict[ReportSection, str]:
    rows = db.session.scalars(
        select(ReportText).where(ReportText.programme_id == programme.id, ReportText.unit_id == unit.id)
    ).all()
    texts = {section: "" for section in ReportSection}
    texts.update({r.section: r.body for r in rows})
    return texts


def save_report_texts(user: User, programme: Programme, unit: Unit, texts: dict[ReportSection, str]) -> None:
    """Store the editable sections for ``programme`` and ``unit`` (flushes; audited)."""
    if user.role not in TEXT_EDITOR_ROLES:
        raise Forbidden("Your role cannot edit report texts.")
    if get_unit_in_scope(user, unit.code) is None:
        raise NotFound("Unknown unit, or a unit outside your area.")
    rows = {
        r.section: r
        for r in db.session.scalars(
            select(ReportText).where(ReportText.programme_id == programme.id, ReportText.unit_id == unit.id)
        )
    }
    changes: dict[str, Any] = {}
    for section, body in texts.items():
        body = body.strip()[:20_000]
        row = rows.get(section)
        before = row.body if row is not None else ""
        if before == body:
            continue
        if row is None:
            row = ReportText(programme_id=programme.id, unit_id=unit.id, section=section, body=body)
            db.session.add(row)
        else:
            row.body = body
        changes[section.value] = [before, body]
    db.session.flush()
    if changes:
        audit.record(user, "update", "report_text", programme.id, unit_id=unit.id, changes=changes)


# ------------------------------------------------------------------------------------------- programme report


def programme_report_facts(
    user: User,
    programme: Programme,
    filters: ActivityFilter,
    lang: str = "id",
    *,
    page_size: str = "A4",
    agency: str = AGENCY,
    today: date | None = None,
    numbering: str = "of_total",
    photo_dir: str | Path | None = None,
    max_photos: int = 0,
) -> pdf.ProgrammeReport:
    """Fill :class:`~outreach.exports.pdf.ProgrammeReport` (the activity list stays a lazy generator).

    ``numbering`` is "of_total" ("Halaman X dari Y") or "naskah_dinas" (number on top, the next page's first
    word bottom right). With ``max_photos`` > 0 the lampiran carries up to that many photos of the reported
    activities, newest first, captioned with date, place and caption.
    """
    require_reader(user)
    language = _lang(lang)
    filters = replace(filters, programme_id=programme.id)
    unit = root_unit(user, filters)
    summary = summarize(user, filters, today=today)
    texts = get_report_texts(programme, unit)
    _ = catalogue.gettext(language)
    return pdf.ProgrammeReport(
        title=_("Community Outreach Activities"),
        programme_name=programme.name,
        period_start=filters.date_from or programme.start_on,
        period_end=filters.date_to or programme.end_on,
        signing_place=_place(unit),
        signing_date=today or local_today(),
        signatory=signatory(unit),
        kop=kop_lines(unit, agency),
        locale=language,
        page_size="F4" if page_size == "F4" else "A4",
        page_numbering="naskah_dinas" if numbering == "naskah_dinas" else "of_total",
        author=user.full_name or user.username,
        photos=_appendix_photos(user, filters, photo_dir, max_photos, language) if max_photos > 0 else (),
        dasar=texts[ReportSection.DASAR],
        maksud_tujuan=texts[ReportSection.TUJUAN],
        ruang_lingkup=texts[ReportSection.RUANG_LINGKUP],
        kendala=texts[ReportSection.KENDALA],
        kesimpulan=texts[ReportSection.KESIMPULAN],
        saran=texts[ReportSection.SARAN],
        execution=_execution(summary, _scoped(user, filters)),
        targets=_targets(summary, language),
        by_unit=_by_unit(summary, language),
        by_unit_total=_by_unit_total(summary),
        counted=_counted(summary, language) + _locked(programme, language, today or local_today()),
        by_location_kind=_by_location_kind(summary, language),
        by_message=_by_message(summary, language),
        monthly=_monthly(summary, language),
        monthly_title=_("Number of activities per month"),
        activities=iter_activity_rows(user, filters, language),
    )


def programme_report_pdf(
    user: User, programme: Programme, filters: ActivityFilter, lang: str = "id", **kwargs: Any
) -> bytes:
    """The programme report (laporan pelaksanaan) as PDF bytes."""
    return pdf.render_programme_report(programme_report_facts(user, programme, filters, lang, **kwargs))


def programme_report_docx(
    user: User, programme: Programme, filters: ActivityFilter, lang: str = "id", **kwargs: Any
) -> bytes:
    """The programme report as DOCX bytes, for units that adjust the wording in Word (no photos)."""
    kwargs.pop("photo_dir", None)
    kwargs.pop("max_photos", None)
    return docx.build_laporan_docx(programme_report_facts(user, programme, filters, lang, **kwargs))


def _appendix_photos(
    user: User, filters: ActivityFilter, photo_dir: str | Path | None, limit: int, language: str
) -> list[pdf.Photo]:
    """Photos of the reported activities for the lampiran (one bounded query; files read from disk)."""
    if photo_dir is None:
        return []
    scoped = _scoped(user, filters)
    rows = db.session.execute(
        select(Photo.stored_name, Photo.caption, Activity.occurred_on, Activity.title, Unit.name)
        .join(Activity, Activity.id == Photo.activity_id)
        .join(Unit, Unit.id == Activity.unit_id)
        .where(Photo.activity_id.in_(select(scoped.c.id)))
        .order_by(Activity.occurred_on.desc(), Photo.id)
        .limit(limit)
    ).all()
    photos = []
    for stored_name, caption, occurred_on, title, unit_name in rows:
        path = Path(photo_dir) / stored_name
        if path.is_file():
            label = " – ".join(
                p for p in (fmt.plain_date(occurred_on, language), unit_name, title, caption) if p
            )
            photos.append(pdf.Photo(image=path.read_bytes(), caption=label))
    return photos


# ------------------------------------------------------------------------------------------- activity report


def _get_readable_activity(user: User, activity: Activity | int) -> Activity:
    require_reader(user)
    activity_id = activity if isinstance(activity, int) else activity.id
    return activity_service.get_activity(user, activity_id)


def _photos(activity: Activity, photo_dir: str | Path | None) -> list[pdf.Photo]:
    if photo_dir is None:
        return []
    out = []
    for photo in activity.photos:
        path = Path(photo_dir) / photo.stored_name
        if path.is_file():
            out.append(pdf.Photo(image=path.read_bytes(), caption=photo.caption))
    return out


def activity_report_facts(
    user: User,
    activity: Activity | int,
    lang: str = "id",
    *,
    photo_dir: str | Path | None = None,
    page_size: str = "A4",
    agency: str = AGENCY,
) -> pdf.ActivityReport:
    a = _get_readable_activity(user, activity)
    language = _lang(lang)
    return pdf.ActivityReport(
        kind=a.kind.label(language),
        on=a.occurred_on,
        unit=a.unit.name,
        leader=fmt.officer_name(a.leader_rank, a.leader_name, a.leader_degrees or ""),
        leader_position=a.leader_position,
        signing_place=_place(a.unit),
        signing_date=a.occurred_on,
        signatory=pdf.Signatory(
            position=a.leader_position.upper(),
            name=a.leader_name,
            degrees=a.leader_degrees or "",
            rank=a.leader_rank,
            nrp=a.leader_nrp or "",
        ),
        title=a.title,
        start_time=a.start_time,
        end_time=a.end_time,
        tz_label=a.unit.timezone,
        officers=tuple(fmt.officer_name(o.rank, o.name) for o in a.officers),
        programme=a.programme.name,
        visits=[
            pdf.VisitRow(
                location=v.location.name,
                kind=v.location.kind.label(language),
                partner=f"{v.contact_name} ({v.contact_role})" if v.contact_role else v.contact_name,
                parcels=v.parcel_count,
                beneficiaries=v.beneficiary_count,
                beneficiary_group=v.beneficiary_group,
                # The paket sembako items are the parcels column already: counted once (issue 16).
                other_items="; ".join(
                    " ".join(x for x in (fmt.number(i.quantity, language), i.measure, i.name) if x)
                    for i in v.items
                    if i.item_kind is None or i.item_kind.code != "paket_sembako"
                ),
            )
            for v in a.visits
        ],
        messages=[_message_text(m, language) for m in a.messages],
        partners=[pdf.PartnerRow(name=p.name, role=p.role) for p in a.partners],
        summary=a.summary,
        media=[
            pdf.MediaItem(outlet=c.outlet, title=c.headline, url=c.url, published_on=c.published_on)
            for c in a.coverage
        ],
        photos=_photos(a, photo_dir),
        kop=kop_lines(a.unit, agency),
        locale=language,
        page_size="F4" if page_size == "F4" else "A4",
        author=user.full_name or user.username,
    )


def _message_text(message: ActivityMessage, lang: Lang) -> str:
    if message.message is not None:
        return message.message.label(lang)
    return message.text


def activity_report_pdf(user: User, activity: Activity | int, lang: str = "id", **kwargs: Any) -> bytes:
    """The report of one activity as PDF bytes (NotFound outside the user's scope)."""
    return pdf.render_activity_report(activity_report_facts(user, activity, lang, **kwargs))


# ------------------------------------------------------------------------------------------- press release

_HUMAS = {UnitLevel.POLDA: "BIDANG HUMAS", UnitLevel.POLRES: "SEKSI HUMAS"}
#: Positions of a unit's head, as Polri writes them ("Kapolres Blora", "Kapolresta Solo", "Kapolsek Jepon").
_HEAD_PREFIXES = ("Kapolda", "Kapolres", "Kapolsek")


def press_gettext(lang: str) -> Callable[[str], str]:
    """The project's gettext for ``lang`` outside a request (the CLI prints releases in either language)."""
    return catalogue.gettext(lang)


def _press_unit(unit: Unit) -> Unit:
    """The unit a release speaks for: a functional unit (Sat Binmas) speaks as its Polres."""
    return unit.parent if unit.level is UnitLevel.SATKER and unit.parent is not None else unit


def _press_parent_name(speaker: Unit) -> str:
    parent = speaker.parent
    while parent is not None and parent.level not in (UnitLevel.POLDA, UnitLevel.MABES):
        parent = parent.parent
    return parent.name if parent is not None and parent.level is UnitLevel.POLDA else ""


def press_kop(unit: Unit, agency: str = AGENCY) -> tuple[str, ...]:
    """The Humas letterhead: the Polres (or Polda) kop, then ``SEKSI HUMAS`` / ``BIDANG HUMAS``.

    A Polsek or a functional unit has no Humas of its own: the Polres above it publishes the release.
    """
    node: Unit | None = unit
    while node is not None and node.level not in _HUMAS:
        node = node.parent
    if node is None:
        return kop_lines(unit, agency)
    return (*kop_lines(node, agency), _HUMAS[node.level])


def unit_head(unit: Unit) -> Person | None:
    """The unit's head as recorded among its people: the active person whose position is its Kapolres/Kapolsek."""
    conditions = [Person.position.like(f"{prefix} %") for prefix in _HEAD_PREFIXES]
    return db.session.scalar(
        select(Person)
        .where(Person.unit_id == unit.id, Person.is_active.is_(True), or_(*conditions))
        .order_by(Person.id)
        .limit(1)
    )


def _press_person(person: Person | None) -> PressPerson | None:
    if person is None:
        return None
    return PressPerson(
        rank=person.rank, name=person.name, degrees=person.degrees or "", position=person.position or ""
    )


def press_facts(user: User, activity: Activity | int, lang: str = "id") -> PressFacts:
    """The facts a press release may state, read from the activity and its unit's head (nothing else)."""
    a = _get_readable_activity(user, activity)
    speaker = _press_unit(a.unit)
    loc: Lang = "en" if lang == "en" else "id"
    groups = [v.beneficiary_group for v in a.visits if v.beneficiary_group.strip()]
    return PressFacts(
        unit_name=speaker.name,
        parent_unit_name=_press_parent_name(speaker),
        city=_place(a.unit),
        on=a.occurred_on,
        locale=loc,
        kind_label=a.kind.label(loc),
        commander=_press_person(unit_head(speaker)),
        leader=PressPerson(
            rank=a.leader_rank,
            name=a.leader_name,
            degrees=a.leader_degrees or "",
            position=a.leader_position,
        ),
        programme_name=a.programme.name,
        locations=[
            PressLocation(name=v.location.name, kind_label=v.location.kind.label(loc)) for v in a.visits
        ],
        parcels_total=a.parcel_count,
        parcel_label=press_gettext(loc)("food parcels"),
        beneficiaries_total=a.beneficiary_count,
        beneficiary_groups=groups,
        messages=[
            PressMessage(appeal=m.message.appeal(loc), label=m.message.label(loc))
            if m.message is not None
            else PressMessage(label=m.text)
            for m in a.messages
        ],
        partners=[PressPartner(name=p.name, role=p.role) for p in a.partners],
        quote_by=a.quote_by,
        quote_text=a.quote_text,
    )


def draft_press(user: User, activity: Activity | int, lang: str = "id") -> PressRelease:
    """The release drafted from the facts (the Humas edit, if any, is :func:`press_release`)."""
    return draft_press_release(press_facts(user, activity, lang), press_gettext(lang))


def press_release(user: User, activity: Activity | int, lang: str = "id") -> PressRelease:
    """The release to publish: the Indonesian text as Humas last edited it, else the draft."""
    a = _get_readable_activity(user, activity)
    draft = draft_press(user, a, lang)
    if lang != "en" and a.press_text:
        headline, paragraphs = split_press_text(a.press_text)
        return PressRelease(headline=headline, body="\n\n".join(paragraphs), kicker=draft.kicker)
    return draft


def save_press_text(user: User, activity: Activity | int, text: str) -> Activity:
    """Keep Humas' edit of the release (audited); an empty text or the draft itself goes back to the draft."""
    a = _get_readable_activity(user, activity)
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    headline, paragraphs = split_press_text(text)
    if not headline:
        raise Invalid({"text": "The press release needs a headline and at least one paragraph."})
    new = None if text == draft_press(user, a).text else text
    if new != a.press_text:
        audit.record(
            user,
            "press_edit",
            "activity",
            a.id,
            unit_id=a.unit_id,
            changes={"press_text": [a.press_text, new]},
        )
        a.press_text = new
        db.session.flush()
    return a


def split_press_text(text: str) -> tuple[str, list[str]]:
    """An edited release (headline, blank line, paragraphs) → (headline, paragraphs)."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        return "", []
    return blocks[0], blocks[1:]


def press_pdf(user: User, activity: Activity | int, lang: str = "id", *, agency: str = AGENCY) -> bytes:
    """The release on the Humas kop, as PDF bytes."""
    a = _get_readable_activity(user, activity)
    release = press_release(user, a, lang)
    return pdf.render_text_pdf(
        release.headline,
        release.paragraphs,
        locale="en" if lang == "en" else "id",
        kop=press_kop(a.unit, agency),
        kicker=release.kicker,
        author=user.username,
    )


def press_docx(user: User, activity: Activity | int, lang: str = "id", *, agency: str = AGENCY) -> bytes:
    """The release on the Humas kop, as DOCX bytes (Humas edit it in Word and paste it on their website)."""
    a = _get_readable_activity(user, activity)
    release = press_release(user, a, lang)
    return docx.build_text_docx(
        release.headline, release.paragraphs, kop=press_kop(a.unit, agency), kicker=release.kicker
    )


def count_activities(user: User, filters: ActivityFilter) -> int:
    """How many activities a report over ``filters`` covers (the row count of its audited download)."""
    s = _scoped(user, filters)
    return int(db.session.scalar(select(func.count()).select_from(s)) or 0)
