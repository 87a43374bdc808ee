"""The PDF builders' data contract: what the services layer fills from the database and the builders print.

The frozen dataclasses below are the only input of :mod:`outreach.exports.pdf`: the builders never touch the
database or the request. Fixed wording is not here: it comes from the gettext catalogues, in the document's
``locale`` (see :mod:`outreach.exports.catalogue`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

ReportLocale = Literal["id", "en"]
PageSizeName = Literal["A4", "F4"]
PageNumbering = Literal["of_total", "naskah_dinas"]
"""``of_total``: "Halaman X dari Y" centred at the bottom of every page (the default).
``naskah_dinas``: formal style, the number centred at the top ("- 2 -", from page 2) and the first word of the
next page (*kata penyambung*) at the bottom right of every page but the last."""


@dataclass(frozen=True, kw_only=True)
class Signatory:
    """Who signs the report, printed right-aligned under the place and date.

    ``position`` is printed as given (normally capitals, e.g. ``KASAT BINMAS POLRES BLORA``); ``name`` is
    printed in capitals with ``degrees`` as written (``LILIK WIDIASTUTI, S.H.``); the line below reads
    ``<rank> NRP <nrp>`` (``NIP`` for an 18-digit civil-service number). Empty parts are left out.
    """

    position: str
    name: str
    degrees: str = ""
    rank: str = ""
    nrp: str = ""


@dataclass(frozen=True, kw_only=True)
class Photo:
    """One documentation photo for the appendix: encoded image bytes (JPEG or PNG) and its caption.

    Bytes that cannot be decoded are replaced by a one-line note; the report still builds.
    """

    image: bytes
    caption: str = ""


@dataclass(frozen=True, kw_only=True)
class TargetRow:
    """An indicator with what was achieved and, optionally, the programme's target for it."""

    label: str
    achieved: int | float
    target: int | float | None = None


@dataclass(frozen=True, kw_only=True)
class UnitRow:
    """Totals for one unit (Polsek, Polres, ...) over the report period."""

    unit: str
    activities: int
    visits: int
    locations: int
    parcels: int
    beneficiaries: int


@dataclass(frozen=True, kw_only=True)
class LocationKindRow:
    """Totals for one kind of location (pondok pesantren, panti asuhan, ...)."""

    label: str
    visits: int
    locations: int
    parcels: int


@dataclass(frozen=True, kw_only=True)
class MessageRow:
    """A kamtibmas message and how many times it was delivered."""

    text: str
    times: int


@dataclass(frozen=True, kw_only=True)
class SeriesPoint:
    """One bar of the monthly chart: a short label (``Nov 2023``) and its value."""

    label: str
    value: int | float


@dataclass(frozen=True, kw_only=True)
class ActivityRow:
    """One line of the activity list. ``leader`` and ``locations`` are display text prepared by the caller
    (e.g. ``AKP Lilik Widiastuti, S.H.`` and ``Ponpes Al Alif Tunjungan; Panti Asuhan ...``)."""

    on: date
    unit: str
    kind: str
    leader: str
    locations: str
    parcels: int
    beneficiaries: int


@dataclass(frozen=True, kw_only=True)
class ExecutionFacts:
    """Facts for section II (PELAKSANAAN) of the programme report.

    ``units`` and ``leaders`` are display names (leaders already formatted, e.g. ``AKP Lilik Widiastuti,
    S.H.``); ``narrative`` is optional free text describing what was done.
    """

    activity_count: int = 0
    units: tuple[str, ...] = ()
    personnel_count: int = 0
    leaders: tuple[str, ...] = ()
    narrative: str = ""


@dataclass(frozen=True, kw_only=True)
class ProgrammeReport:
    """Everything the programme report (laporan pelaksanaan) prints.

    Identity and layout:
        ``locale`` ``"id"``/``"en"`` for all fixed wording and date/number formats; ``page_size`` ``"A4"`` or
        ``"F4"``; ``page_numbering`` (see :data:`PageNumbering`); ``kop`` the letterhead lines, top first
        (``KEPOLISIAN NEGARA REPUBLIK INDONESIA``, ``DAERAH JAWA TENGAH``, ``RESOR BLORA``); ``report_number``
        free text (``B/123/XI/2023/Binmas``), omitted when empty; ``author`` goes into the PDF metadata.
    Subject line:
        ``TENTANG PELAKSANAAN <title> DALAM RANGKA <programme_name>`` (printed in capitals); ``title`` is what
        was carried out (e.g. ``Kegiatan Binmas``); the period is ``period_start`` .. ``period_end``.
    Free texts (empty -> a neutral default sentence; blank lines separate paragraphs):
        ``umum``, ``dasar`` (each non-empty line becomes a lettered item a., b., ...), ``maksud_tujuan``,
        ``ruang_lingkup``, ``kendala``, ``kesimpulan``, ``saran``.
    Figures:
        ``execution`` (section II); ``targets``, ``by_unit``, ``by_location_kind``, ``by_message`` (tables of
        section III; an empty table prints "Tidak ada data."); ``monthly`` the bar chart series with
        ``monthly_title`` as its heading; ``activities`` the activity list as any iterable (a generator is
        consumed exactly once, streamed page by page, so 10,000+ rows are fine).
    Signature and appendix:
        ``signing_place``, ``signing_date``, ``signatory``; ``photos`` for the LAMPIRAN (omitted when empty).
    """

    title: str
    programme_name: str
    period_start: date
    period_end: date
    signing_place: str
    signing_date: date
    signatory: Signatory
    kop: tuple[str, ...] = ()
    locale: ReportLocale = "id"
    page_size: PageSizeName = "A4"
    page_numbering: PageNumbering = "of_total"
    report_number: str = ""
    author: str = ""
    umum: str = ""
    dasar: str = ""
    maksud_tujuan: str = ""
    ruang_lingkup: str = ""
    kendala: str = ""
    kesimpulan: str = ""
    saran: str = ""
    execution: ExecutionFacts = field(default_factory=ExecutionFacts)
    targets: Sequence[TargetRow] = ()
    by_unit: Sequence[UnitRow] = ()
    #: The JUMLAH row of ``by_unit``: the area's totals (a location visited under two units is one
    #: location); None sums the rows.
    by_unit_total: UnitRow | None = None
    #: What the figures count, e.g. "Dihitung: kegiatan diajukan dan terverifikasi" (under III's heading).
    counted: str = ""
    by_location_kind: Sequence[LocationKindRow] = ()
    by_message: Sequence[MessageRow] = ()
    monthly: Sequence[SeriesPoint] = ()
    monthly_title: str = ""
    activities: Iterable[ActivityRow] = ()
    photos: Sequence[Photo] = ()


@dataclass(frozen=True, kw_only=True)
class VisitRow:
    """One visited location of an activity.

    ``partner`` is the contact met there as display text (``KH. Nasir (pengasuh)``); ``beneficiaries`` is a
    count of recipients, ``beneficiary_group`` who they were (``santri``, ``warga pesisir``); ``other_items``
    lists anything handed out besides parcels (``brosur 100 lembar``).
    """

    location: str
    kind: str = ""
    partner: str = ""
    parcels: int = 0
    beneficiaries: int = 0
    beneficiary_group: str = ""
    other_items: str = ""


@dataclass(frozen=True, kw_only=True)
class PartnerRow:
    """A partner present at the activity: name and role (``pengasuh Ponpes Al Alif Tunjungan``)."""

    name: str
    role: str = ""


@dataclass(frozen=True, kw_only=True)
class MediaItem:
    """Media coverage of the activity."""

    outlet: str
    title: str = ""
    url: str = ""
    published_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ActivityReport:
    """Everything the single-activity report prints.

    ``kind`` is the activity kind label (``Bakti sosial``); the subject line reads ``TENTANG PELAKSANAAN
    <kind> DALAM RANGKA <programme>`` unless ``title`` is given, which then replaces it. ``leader`` is the
    formatted leader (``AKP Lilik Widiastuti, S.H.``) and ``leader_position`` the position
    (``Kasat Binmas Polres Blora``); ``officers`` the other officers taking part; ``start_time``/``end_time``
    with ``tz_label`` (WIB/WITA/WIT). The other fields mirror :class:`ProgrammeReport`.
    """

    kind: str
    on: date
    unit: str
    leader: str
    signing_place: str
    signing_date: date
    signatory: Signatory
    title: str = ""
    leader_position: str = ""
    start_time: time | None = None
    end_time: time | None = None
    tz_label: str = "WIB"
    officers: tuple[str, ...] = ()
    programme: str = ""
    visits: Sequence[VisitRow] = ()
    messages: Sequence[str] = ()
    partners: Sequence[PartnerRow] = ()
    summary: str = ""
    media: Sequence[MediaItem] = ()
    photos: Sequence[Photo] = ()
    kop: tuple[str, ...] = ()
    locale: ReportLocale = "id"
    page_size: PageSizeName = "A4"
    page_numbering: PageNumbering = "of_total"
    report_number: str = ""
    author: str = ""
