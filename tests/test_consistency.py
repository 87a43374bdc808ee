"""One set of numbers everywhere: dashboard, ``/api/v1/stats``, the programme report PDF and the XLSX exports.

For the same filters (programme, unit, period, statuses) every surface must show the same activities,
visits, distinct locations, parcels and beneficiaries: they all read ``services.stats`` (the exports list the
same activities row by row). Checked on a hand-built world with every status, a soft-deleted activity, an
activity recorded at the Polres itself, another Polres and another programme, and on the demo data.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, Person, Programme, User
from outreach.services import activities as svc
from outreach.services import tokens
from outreach.services.demo import DEMO_PROGRAMME, SEED_DATE
from tests import factories
from tests.conftest import login
from tests.reports.conftest import pdf_text
from tests.support.demo import demo_copy

FIGURES = ("activities", "visits", "locations", "parcels", "beneficiaries")
Figures = dict[str, int]


@dataclass(frozen=True)
class Filters:
    """The filters as a user sets them; ``status`` None leaves each surface at its own default."""

    unit: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    #: "verified", "submitted,verified" or "draft,returned,submitted,verified" (the report's "all")
    status: str | None = None


def _int(text: str) -> int:
    """A count as printed in Indonesian ("2.500") or English ("2,500")."""
    digits = re.sub(r"[.,\s\u202f\xa0]", "", text)
    assert digits.isdigit(), text
    return int(digits)


# --------------------------------------------------------------------------------------------- the surfaces


def _stats_args(programme_id: int, f: Filters) -> dict[str, Any]:
    args: dict[str, Any] = {"programme_id": programme_id}
    if f.unit:
        args["unit"] = f.unit
    if f.date_from:
        args["from"] = f.date_from.isoformat()
    if f.date_to:
        args["to"] = f.date_to.isoformat()
    if f.status:
        args["status"] = f.status
    return args


def _report_args(programme_id: int, f: Filters) -> dict[str, Any]:
    """The reports page takes the same filter parameters as the dashboard and the API (services.filters)."""
    return _stats_args(programme_id, f) | {"lang": "id"}


def dashboard_figures(client: FlaskClient, programme_id: int, f: Filters) -> Figures:
    response = client.get("/dashboard/", query_string=_stats_args(programme_id, f))
    assert response.status_code == 200, response.status_code
    page_html = response.get_data(as_text=True)
    found = dict(re.findall(r'data-testid="figure-(\w+)">([^<]*)<', page_html))
    return {k: _int(found[k]) for k in FIGURES}


def api_figures(client: FlaskClient, token: str, programme_id: int, f: Filters) -> Figures:
    response = client.get(
        "/api/v1/stats",
        query_string=_stats_args(programme_id, f),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    data = body.get("data", body)
    return {k: int(data[k]) for k in FIGURES}


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def report_figures(client: FlaskClient, programme_id: int, f: Filters) -> Figures:
    """The totals of the programme report: the target table (achieved column) and the JUMLAH rows."""
    response = client.get("/reports/programme.pdf", query_string=_report_args(programme_id, f))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF-")
    text = pdf_text(response.get_data())
    targets = _section(text, "Capaian terhadap Target", "Rekapitulasi per Satuan")
    labels = {
        "activities": "Jumlah kegiatan",
        "visits": "Jumlah kunjungan",
        "locations": "Jumlah lokasi",
        "parcels": "Paket sembako",
        "beneficiaries": "Penerima manfaat",
    }
    figures: Figures = {}
    for key, label in labels.items():
        match = re.search(rf"{label} (?:-|[\d.]+) ([\d.]+)", targets)
        assert match, (label, targets)
        figures[key] = _int(match.group(1))
    # The by-unit table's JUMLAH row repeats the totals, distinct locations included (a location visited
    # under two units is one location, as in III.1 and III.3).
    by_unit = _section(text, "Rekapitulasi per Satuan", "Rekapitulasi per Jenis Lokasi")
    match = re.search(r"JUMLAH ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", by_unit)
    if figures["activities"]:
        assert match, by_unit
        assert [_int(g) for g in match.groups()] == [figures[k] for k in FIGURES]
    by_kind = _section(text, "Rekapitulasi per Jenis Lokasi", "Pesan Kamtibmas yang Disampaikan")
    match = re.search(r"JUMLAH ([\d.]+) ([\d.]+) ([\d.]+)", by_kind)
    if figures["activities"]:
        assert match, by_kind
        assert [_int(g) for g in match.groups()] == [
            figures["visits"],
            figures["locations"],
            figures["parcels"],
        ]
    # So does the activity list's footer (parcels, beneficiaries): LAMPIRAN I, after the signature.
    listed = text[text.index("Lampiran I Laporan") :] if figures["activities"] else ""
    footer = re.findall(r"JUMLAH ([\d.]+) ([\d.]+)", listed)[-1] if figures["activities"] else ("0", "0")
    assert (_int(footer[0]), _int(footer[1])) == (figures["parcels"], figures["beneficiaries"])
    assert f"{_fmt_id(figures['activities'])} kegiatan" in text
    return figures


def _fmt_id(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _xlsx_rows(client: FlaskClient, dataset: str, programme_id: int, f: Filters) -> list[dict[str, Any]]:
    response = client.get(f"/reports/export/{dataset}.xlsx", query_string=_report_args(programme_id, f))
    assert response.status_code == 200
    assert response.get_data().startswith(b"PK")
    stem = {"activities": "kegiatan", "visits": "kunjungan"}[dataset]  # file names in Indonesian (issue 16)
    assert f'filename="{stem}-' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def export_figures(client: FlaskClient, programme_id: int, f: Filters) -> Figures:
    """Activities counted in the activity export; visits, locations and sums read from the visit export."""
    activities = _xlsx_rows(client, "activities", programme_id, f)
    visits = _xlsx_rows(client, "visits", programme_id, f)
    # Both exports agree with each other first.
    assert {int(r["ID kegiatan"]) for r in visits} == {int(r["ID kegiatan"]) for r in activities}
    assert sum(int(r["Jumlah lokasi"]) for r in activities) == len(visits)
    assert sum(int(r["Paket sembako"]) for r in activities) == sum(int(r["Paket sembako"]) for r in visits)
    places = {(r["Nama lokasi"], r["Kode jenis lokasi"], r["Desa/kelurahan"], r["Kecamatan"]) for r in visits}
    return {
        "activities": len(activities),
        "visits": len(visits),
        "locations": len(places),
        "parcels": sum(int(r["Paket sembako"]) for r in visits),
        "beneficiaries": sum(int(r["Penerima manfaat"]) for r in visits),
    }


def assert_consistent(
    client: FlaskClient, token: str, programme_id: int, f: Filters, expected: Figures | None = None
) -> Figures:
    dashboard = dashboard_figures(client, programme_id, f)
    assert api_figures(client, token, programme_id, f) == dashboard, f
    assert report_figures(client, programme_id, f) == dashboard, f
    assert export_figures(client, programme_id, f) == dashboard, f
    if expected is not None:
        assert dashboard == expected, f
    return dashboard


def _token(user: User) -> str:
    _row, raw = tokens.create_token(user, "consistency")
    db.session.commit()
    return raw


# ------------------------------------------------------------------------------------------ hand-built world


@pytest.fixture
def built(world: factories.World) -> factories.World:
    """Activities in every state around POLRES-A1, with large numbers and shared locations."""
    w = world
    staff, commander, admin = w.users["staff.a1"], w.users["commander.a1"], w.users["admin"]
    x, y = w.locations["POLSEK-A1X"], w.locations["POLSEK-A1Y"]
    x2 = factories.make_location("Panti Asuhan A1X", "panti_asuhan", unit=w.u("POLSEK-A1X"))
    hq = factories.make_location("Masjid Polres A1", "masjid", unit=w.u("POLRES-A1"))

    def make(
        unit: str, places: list[Any], parcels: list[int], people: list[int], on: date, **kw: Any
    ) -> Activity:
        programme = kw.pop("programme", w.programme)
        author = kw.pop("author", staff)
        return factories.make_activity(
            author, programme, w.u(unit), places, parcels=parcels, beneficiaries=people, occurred_on=on, **kw
        )

    def verify(a: Activity, by: User = commander) -> None:
        svc.submit_activity(staff if by is commander else w.users["staff.b1"], a)
        svc.verify_activity(by, a)

    big = make("POLSEK-A1X", [x, x2], [1200, 1300], [1500, 20], date(2023, 11, 30))
    verify(big)
    shared = make("POLSEK-A1Y", [y, x], [10, 5], [12, 8], date(2023, 12, 5))
    verify(shared)
    own = make("POLRES-A1", [hq], [0], [40], date(2024, 1, 10), kind="sambang")
    verify(own)
    submitted = make("POLSEK-A1X", [x], [20], [25], date(2024, 2, 1))
    svc.submit_activity(staff, submitted)
    make("POLSEK-A1Y", [y], [7], [7], date(2023, 12, 20))  # draft
    returned = make("POLSEK-A1X", [x2], [9], [9], date(2023, 12, 21))
    svc.submit_activity(staff, returned)
    svc.return_activity(commander, returned, "Lengkapi data.")
    deleted = make("POLSEK-A1X", [x], [333], [333], date(2023, 12, 22))
    verify(deleted)
    svc.delete_activity(admin, deleted)
    # Elsewhere: another Polres, another programme (never in POLRES-A1's figures for this programme).
    other = make(
        "POLSEK-B1X", [w.locations["POLSEK-B1X"]], [44], [44], date(2023, 12, 1), author=w.users["staff.b1"]
    )
    verify(other, w.users["commander.b1"])
    pilkada = factories.make_programme(
        "Cooling System Pilkada 2024", start_on=date(2024, 8, 1), end_on=date(2024, 12, 31)
    )
    later = make("POLSEK-A1X", [x], [55], [55], date(2024, 9, 1), programme=pilkada)
    verify(later)
    db.session.commit()
    return w


def _figures(activities: int, visits: int, locations: int, parcels: int, beneficiaries: int) -> Figures:
    return dict(zip(FIGURES, (activities, visits, locations, parcels, beneficiaries), strict=True))


VERIFIED = "verified"
WORLD_CASES = [
    # whole Polres (explicitly and as the user's own unit), verified only
    (Filters(unit="POLRES-A1", status="verified"), _figures(3, 5, 4, 2515, 1580)),
    (Filters(status="verified"), _figures(3, 5, 4, 2515, 1580)),
    # submitted and verified: the submitted one joins; draft, returned and deleted never count
    (Filters(status="submitted,verified"), _figures(4, 6, 4, 2535, 1605)),
    # every status (the report's "all"): the draft and the returned one too, never the deleted one
    (Filters(status="draft,returned,submitted,verified"), _figures(6, 8, 4, 2551, 1621)),
    # one Polsek
    (Filters(unit="POLSEK-A1X", status="verified"), _figures(1, 2, 2, 2500, 1520)),
    (Filters(unit="POLSEK-A1X", status="submitted,verified"), _figures(2, 3, 2, 2520, 1545)),
    # a date window, and one with nothing in it
    (
        Filters(date_from=date(2023, 12, 1), date_to=date(2024, 1, 31), status=VERIFIED),
        _figures(2, 3, 3, 15, 60),
    ),
    (
        Filters(date_from=date(2024, 5, 1), date_to=date(2024, 5, 31), status=VERIFIED),
        _figures(0, 0, 0, 0, 0),
    ),
]


def test_world_figures_agree_on_every_surface(built: factories.World, client: FlaskClient) -> None:
    w = built
    token = _token(w.users["commander.a1"])
    assert login(client, "commander.a1").status_code == 302
    for f, expected in WORLD_CASES:
        assert_consistent(client, token, w.programme.id, f, expected)


def test_world_pr_defaults_agree(built: factories.World, client: FlaskClient) -> None:
    """A PR officer only ever sees verified activities: each surface's default gives the same figures."""
    w = built
    token = _token(w.users["pr.a1"])
    assert login(client, "pr.a1").status_code == 302
    expected = WORLD_CASES[0][1]
    assert_consistent(client, token, w.programme.id, Filters(), expected)
    # Asking for submitted ones changes nothing for PR.
    assert_consistent(client, token, w.programme.id, Filters(status="submitted,verified"), expected)


def test_world_admin_sees_the_other_polres_too(built: factories.World, client: FlaskClient) -> None:
    w = built
    token = _token(w.users["admin"])
    assert login(client, "admin").status_code == 302
    figures = assert_consistent(client, token, w.programme.id, Filters(status="verified"))
    assert figures["activities"] == 4
    assert figures["parcels"] == 2515 + 44
    assert_consistent(client, token, w.programme.id, Filters(unit="POLDA-B", status="verified"))


# --------------------------------------------------------------------------------------------- demo data


def _demo(app: Flask) -> Programme:
    demo_copy(app.config["OUTREACH_DEMO_PASSWORD"])
    programme = db.session.scalar(select(Programme).where(Programme.name == DEMO_PROGRAMME))
    assert programme is not None
    return programme


def test_demo_figures_agree_on_every_surface_and_humas_journey(app: Flask, client: FlaskClient) -> None:
    """The commander's filter sets on the demo data, then the PR officer's journey."""
    programme = _demo(app)
    kasat = db.session.scalar(select(User).where(User.username == "kasat.blora"))
    assert kasat is not None
    token = _token(kasat)
    assert login(client, "kasat.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    cases = [
        Filters(unit="POLRES-BLORA", status="verified"),
        Filters(unit="POLRES-BLORA", status="submitted,verified"),
        Filters(unit="POLSEK-CEPU", status="verified"),
        Filters(date_from=date(2023, 11, 1), date_to=date(2023, 12, 31), status="verified"),
    ]
    seen = [assert_consistent(client, token, programme.id, f) for f in cases]
    whole, with_submitted, cepu, window = seen
    assert whole["activities"] > 100
    assert with_submitted["activities"] > whole["activities"]
    assert 0 < cepu["activities"] < whole["activities"]
    assert 0 < window["activities"] < whole["activities"]
    assert client.post("/logout").status_code == 302

    # (one demo load for both parts: it is the slow step)
    _humas_blora_journey(app, client, programme)


def _humas_blora_journey(app: Flask, client: FlaskClient, programme: Programme) -> None:
    """humas.blora downloads the programme report, the seed activity's report and press release, and the
    XLSX export; every total matches the dashboard for the same filters."""
    humas = db.session.scalar(select(User).where(User.username == "humas.blora"))
    seed = db.session.scalar(select(Activity).where(Activity.occurred_on == SEED_DATE).order_by(Activity.id))
    assert humas is not None
    assert seed is not None
    token = _token(humas)
    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302

    # The dashboard (its default filters, submitted and verified, become verified for PR) and the report
    # downloads (verified by default) agree without any status chosen.
    figures = assert_consistent(client, token, programme.id, Filters())
    assert figures["activities"] > 100

    # The seed activity's page links to its report and its press release.
    page_html = client.get(f"/activities/{seed.id}").get_data(as_text=True)
    assert f'href="/reports/activities/{seed.id}/report.pdf"' in page_html
    assert f'href="/reports/activities/{seed.id}/press"' in page_html

    response = client.get(f"/reports/activities/{seed.id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="laporan-kegiatan-{seed.id}.pdf"' in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"%PDF-")
    text = pdf_text(response.get_data())
    assert "Kamis, 30 November 2023" in text
    assert "Ponpes Al Alif Tunjungan" in text

    page = client.get(f"/reports/activities/{seed.id}/press")
    assert page.status_code == 200
    assert "50 paket sembako" in page.get_data(as_text=True)
    text_match = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.get_data(as_text=True), re.S)
    assert text_match
    release = html.unescape(text_match.group(1)).strip()
    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": release, "action": "pdf"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="siaran-pers-{seed.id}.pdf"' in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"%PDF-")
    assert "50 paket sembako" in pdf_text(response.get_data())

    # The Sat Binmas on the seed day: the story's 50 parcels at five places, everywhere.
    day = Filters(unit="SATBINMAS-BLORA", date_from=SEED_DATE, date_to=SEED_DATE)
    assert assert_consistent(client, token, programme.id, day) == _figures(1, 5, 5, 50, 50)


def test_staff_see_the_import_link(world: factories.World, client: FlaskClient) -> None:
    assert login(client, "staff.a1").status_code == 302
    page_html = client.get("/activities/").get_data(as_text=True)
    assert 'data-testid="nav-import"' in page_html
    assert client.get("/reports/imports/").status_code == 200


def test_report_links_only_for_readers(built: factories.World, client: FlaskClient) -> None:
    activity = db.session.scalar(select(Activity).where(Activity.parcel_count == 2500))
    assert activity is not None
    assert login(client, "staff.a1x").status_code == 302
    page_html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert 'data-testid="activity-report"' not in page_html
    assert 'data-testid="nav-import"' in page_html
    client.post("/logout")
    assert login(client, "commander.a1").status_code == 302
    page_html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert 'data-testid="activity-report"' in page_html
    assert 'data-testid="press-release"' in page_html
    assert 'data-testid="nav-import"' not in page_html


# --------------------------------------------------------------------------------------------- laporan = stats


INDICATOR_LABELS = {
    "activities": "Jumlah kegiatan",
    "visits": "Jumlah kunjungan",
    "locations": "Jumlah lokasi",
    "parcels": "Paket sembako",
    "beneficiaries": "Penerima manfaat",
    "messages": "Pesan kamtibmas disampaikan",
}


def test_every_laporan_figure_equals_the_stats(app: Flask, client: FlaskClient) -> None:
    """The demo's laporan for the Kasat Binmas, with each surface at its default statuses: every indicator
    of III.1 (achieved column) equals ``/api/v1/stats``; the JUMLAH rows of III.2 and III.3 give the same
    distinct locations; the leaders are people (the two "Aipda Budi Rahayu" are two, told apart by NRP);
    the dashboard and the laporan say which statuses they count, the same ones."""
    programme = _demo(app)
    kasat = db.session.scalar(select(User).where(User.username == "kasat.blora"))
    assert kasat is not None
    token = _token(kasat)
    assert login(client, "kasat.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    args = {"programme_id": programme.id}
    stats = client.get("/api/v1/stats", query_string=args, headers={"Authorization": f"Bearer {token}"})
    assert stats.status_code == 200
    data = stats.get_json()
    assert data["filters"]["status"] == ["submitted", "verified"]
    response = client.get("/reports/programme.pdf", query_string=args | {"lang": "id"})
    assert response.status_code == 200
    text = pdf_text(response.get_data())
    targets = _section(text, "Capaian terhadap Target", "Rekapitulasi per Satuan")
    for key, label in INDICATOR_LABELS.items():
        match = re.search(rf"{label} (?:-|[\d.]+) ([\d.]+)", targets)
        assert match, (label, targets)
        assert _int(match.group(1)) == data[key], key
    by_unit = _section(text, "Rekapitulasi per Satuan", "Rekapitulasi per Jenis Lokasi")
    by_kind = _section(text, "Rekapitulasi per Jenis Lokasi", "Pesan Kamtibmas yang Disampaikan")
    unit_total = re.search(r"JUMLAH ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", by_unit)
    kind_total = re.search(r"JUMLAH ([\d.]+) ([\d.]+) ([\d.]+)", by_kind)
    assert unit_total and kind_total
    assert _int(unit_total.group(3)) == _int(kind_total.group(2)) == data["locations"]
    # Summing the units' own distinct locations would count the shared ones twice (the old JUMLAH).
    assert sum(r["locations"] for r in data["by_unit"]) >= data["locations"]
    # Leaders are people: each of the two "Aipda Budi Rahayu" is his own leader in his Polsek's stats and
    # laporan, counted alone and printed with his NRP.
    budis = db.session.scalars(
        select(Person).where(Person.rank == "Aipda", Person.name == "Budi Rahayu")
    ).all()
    assert len({b.nrp for b in budis}) == len(budis) == 2
    for budi in budis:
        own = db.session.scalar(
            select(func.count()).where(
                Activity.leader_nrp == budi.nrp,
                Activity.programme_id == programme.id,
                Activity.deleted_at.is_(None),
                Activity.status.in_([ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED]),
            )
        )
        unit_args = args | {"unit": budi.unit.code}
        unit_stats = client.get(
            "/api/v1/stats", query_string=unit_args, headers={"Authorization": f"Bearer {token}"}
        ).get_json()
        rows = [r for r in unit_stats["leaders"] if r["name"] == "Budi Rahayu"]
        assert [(r["nrp"], r["activities"]) for r in rows] == [(budi.nrp, own)]
        laporan = client.get("/reports/programme.pdf", query_string=unit_args | {"lang": "id"})
        assert f"Aipda Budi Rahayu (NRP {budi.nrp})" in pdf_text(laporan.get_data())
    # The same statuses counted, and said, on the dashboard and in the laporan.
    assert "Dihitung: kegiatan diajukan dan terverifikasi" in text
    page = client.get("/dashboard/", query_string=args).get_data(as_text=True)
    assert "Dihitung: kegiatan diajukan dan terverifikasi" in html.unescape(page)
    assert dashboard_figures(client, programme.id, Filters()) == {k: data[k] for k in FIGURES}


def test_a_polsek_laporan_is_not_scored_against_the_programme(app: Flask, client: FlaskClient) -> None:
    """The demo programme's targets are the Polres's: a Polsek's laporan prints no target ("-") for every
    indicator, its dashboard "no target", while the Polres's laporan has them."""
    programme = _demo(app)
    assert login(client, "kasat.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302

    def target_cells(unit: str) -> list[str]:
        response = client.get(
            "/reports/programme.pdf", query_string={"programme_id": programme.id, "unit": unit, "lang": "id"}
        )
        assert response.status_code == 200
        targets = _section(
            pdf_text(response.get_data()), "Capaian terhadap Target", "Rekapitulasi per Satuan"
        )
        cells = []
        for label in INDICATOR_LABELS.values():
            match = re.search(rf"{label} (-|[\d.]+) [\d.]+", targets)
            assert match, (label, targets)
            cells.append(match.group(1))
        return cells

    assert any(cell != "-" for cell in target_cells("POLRES-BLORA"))
    assert target_cells("POLSEK-CEPU") == ["-"] * len(INDICATOR_LABELS)
    page = client.get("/dashboard/", query_string={"programme_id": programme.id, "unit": "POLSEK-CEPU"})
    body = page.get_data(as_text=True)
    assert 'data-testid="no-target-parcels"' in body
    assert 'data-testid="behind-parcels"' not in body
