"""T9: HTML, template, formula and SQL injection in every text field: stored inertly, shown escaped."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from outreach.extensions import db
from outreach.services import activities as svc
from outreach.services.errors import Invalid
from outreach.services.schema.activity import (
    ActivityInput,
    CoverageInput,
    LocationInput,
    PartnerInput,
    PersonInput,
    VisitInput,
)
from tests import factories
from tests.security.conftest import OWN_UNIT, SecWorld, populate
from tests.support.app import build_app

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">klik</a>',
    "javascript:alert(1)",
    "{{7*7}}",
    "{{ config.SECRET_KEY }}",
    "{% print 7*7 %}",
    "${7*7}",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>body{display:none}</style>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<object data="data:text/html,alert(1)"></object>',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=//evil.example">',
    '=HYPERLINK("http://evil.example","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
]
#: Elements the application itself never puts in a page body the payloads could reach.
FOREIGN_TAGS = {"iframe", "svg", "object", "embed", "base", "math", "style"}
SQL_META = ["' OR 1=1 --", "%", "_", "\\", '"; DROP TABLE activities; --', "%' OR '1'='1"]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str, where: str) -> str:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in FOREIGN_TAGS, (where, tag, attrs)
        if tag == "script":  # only files, or a JSON data island (tojson escapes "<", so it cannot end early)
            assert attrs.get("src") or attrs.get("type") == "application/json", (
                where,
                "inline script",
                attrs,
            )
        if tag == "meta":
            assert "http-equiv" not in attrs or attrs["http-equiv"].lower() != "refresh", where
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name, value)
            if name in ("href", "src", "action", "formaction", "data"):
                assert not (value or "").strip().lower().startswith("javascript:"), (where, tag, name, value)
        if tag == "img":
            assert attrs.get("src") != "x", (where, attrs)
        if tag == "input":
            assert "autofocus" not in attrs or attrs.get("name"), (where, attrs)
    text = "".join(parser.text)
    assert "test-secret" not in html, where  # {{ config.SECRET_KEY }}
    return text


def _input(sec: SecWorld, payload: str, loc_name: str) -> ActivityInput:
    world = sec.world
    base = factories.activity_input(world.programme, world.u(OWN_UNIT), [world.locations[OWN_UNIT]])
    visits = [
        base.visits[0].model_copy(
            update={
                "notes": payload,
                "contact_name": payload,
                "contact_role": payload,
                "beneficiary_group": payload,
            }
        ),
        VisitInput(
            location=LocationInput(
                name=loc_name, kind="pondok_pesantren", regency="Kabupaten A1", village=payload
            ),
            parcels=1,
            beneficiaries=2,
        ),
    ]
    return base.model_copy(
        update={
            "title": payload,
            "summary": payload,
            "leader": PersonInput(rank="AKP", name=payload, position=payload),
            "visits": visits,
            "messages": [payload],
            "partners": [PartnerInput(name=payload, role=payload)],
            "coverage": [CoverageInput(outlet=payload, url="https://news.example/a", headline=payload)],
            "occurred_on": date(2024, 1, 15),
        }
    )


@pytest.fixture(scope="module")
def isec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SecWorld, dict[str, int]]]:
    app = build_app(tmp_path_factory.mktemp("injection"))
    with app.app_context():
        sec = populate(app)
        staff, commander = sec.world.users["staff.a1x"], sec.world.users["commander.a1x"]
        stored: dict[str, int] = {}
        for i, payload in enumerate(PAYLOADS):
            data = _input(sec, payload, f"{payload} #{i}")
            activity = svc.create_activity(staff, data)
            svc.submit_activity(staff, activity)
            if i % 2:
                svc.verify_activity(commander, activity)
            db.session.commit()
            stored[payload] = activity.id
        yield sec, stored
        db.session.remove()
        db.engine.dispose()


def test_payloads_are_stored_verbatim(isec: Any) -> None:
    from outreach.models import Activity

    sec, stored = isec
    for payload, activity_id in stored.items():
        activity = db.session.get(Activity, activity_id)
        assert activity.title == payload
        assert activity.leader_name == payload
        assert activity.visits[0].notes == payload


def test_javascript_url_is_refused_as_coverage_link(isec: Any) -> None:
    sec, _stored = isec
    data = _input(sec, "x", "Tempat aman")
    for url in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "//evil",
    ):
        bad = data.model_copy(update={"coverage": [CoverageInput(outlet="Koran", url=url)]})
        with pytest.raises(Invalid) as exc:
            svc.create_activity(sec.world.users["staff.a1x"], bad)
        assert "coverage.0.url" in exc.value.fields
        db.session.rollback()


def test_html_pages_render_payloads_escaped(isec: Any) -> None:
    sec, stored = isec
    commander = sec.clients["commander"]
    pages = ["/activities/?status=", "/activities/mine", "/activities/waiting", "/dashboard/", "/reports/"]
    pages += ["/dashboard/deferred"]  # the dashboard's map and gaps (places' names), loaded after its figures
    pages += [f"/activities/{i}" for i in stored.values()]
    pages += [f"/activities/{i}/edit" for i in list(stored.values())[:4]]
    for url in pages:
        response = commander.get(url, follow_redirects=True)
        assert response.status_code in (200, 409), url
        text = assert_inert(response.get_data(as_text=True), url)
        if url.startswith("/activities/") and url.rstrip("/").split("/")[-1].isdigit():
            payload = next(p for p, i in stored.items() if url.endswith(f"/{i}"))
            assert payload in text, (url, payload)  # shown literally, as text
            if payload == "{{7*7}}":
                # Never evaluated: no standalone 49 anywhere (a time such as 08.49.09 may contain the digits).
                assert re.search(r"(?<![\d.:,])49(?![\d.:,])", text) is None


def test_location_search_and_admin_lists_escaped(isec: Any) -> None:
    sec, _stored = isec
    admin = sec.clients["admin"]
    for url in ("/admin/audit", "/admin/users", "/admin/people"):
        assert_inert(admin.get(url).get_data(as_text=True), url)
    found = sec.clients["staff"].get("/activities/locations?q=script")
    assert found.status_code == 200
    assert found.mimetype == "application/json"


def _bad_formula(value: str) -> bool:
    return bool(value) and value[0] in "=+-@\t\r"


def test_csv_and_xlsx_exports_neutralise_formulas(isec: Any) -> None:
    sec, stored = isec
    commander = sec.clients["commander"]
    payload_cells = 0
    for dataset in ("activities", "visits"):
        response = commander.get(f"/reports/export/{dataset}.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        for row in rows:
            for cell in row:
                if any(p.lstrip("=+-@") in cell for p in PAYLOADS[-4:]):
                    payload_cells += 1
                    assert not _bad_formula(cell), (dataset, cell)
        response = commander.get(f"/reports/export/{dataset}.xlsx")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (dataset, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and any(
                        p.lstrip("=+-@") in cell.value for p in PAYLOADS[-4:]
                    ):
                        payload_cells += 1
    assert payload_cells > 8  # the payloads were really exported


def test_activity_pdf_shows_the_literal_text(isec: Any) -> None:
    sec, stored = isec
    commander = sec.clients["commander"]
    for payload in ("<script>alert(1)</script>", "{{7*7}}", '=HYPERLINK("http://evil.example","klik")'):
        response = commander.get(f"/reports/activities/{stored[payload]}/report.pdf")
        assert response.status_code == 200
        text = " ".join(
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(response.data)).pages
        )
        assert payload.replace(" ", "") in text.replace(" ", ""), (payload, text[:500])


def _api_total(client: Any, token: str, url: str, q: str | None = None) -> int:
    query = {"q": q} if q is not None else None
    response = client.get(url, query_string=query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, url
    return response.get_json().get("total", -1) if response.status_code == 200 else -1


def test_sql_meta_in_every_filter(isec: Any) -> None:
    sec, stored = isec
    commander, token = sec.clients["commander"], sec.tokens["commander"]
    params = [
        "q",
        "unit",
        "kind",
        "status",
        "programme_id",
        "from",
        "to",
        "location_kind",
        "sort",
        "page",
    ]
    for meta in SQL_META:
        for name in params:
            for url in (
                "/activities/",
                "/activities/mine",
                "/activities/waiting",
                "/dashboard/",
                "/dashboard/deferred",
                "/reports/",
            ):
                response = commander.get(url, query_string={name: meta})
                assert response.status_code < 500, (url, name, meta)
            for url in ("/reports/export/activities.csv", "/api/v1/stats"):
                response = commander.get(
                    url, query_string={name: meta}, headers={"Authorization": f"Bearer {token}"}
                )
                assert response.status_code < 500, (url, name, meta)
                response.close()
        literal = sum(meta in p for p in PAYLOADS)  # rows that really contain the text
        for url in ("/api/v1/activities", "/api/v1/locations"):
            assert _api_total(sec.app.test_client(), token, url, meta) in (literal, -1), (url, meta)
        found = commander.get("/activities/locations", query_string={"q": meta}).get_json()
        assert len(found) == sum(meta in f"{p} #{i}" for i, p in enumerate(PAYLOADS)), meta


def test_like_wildcards_match_only_themselves(isec: Any) -> None:
    sec, stored = isec
    token = sec.tokens["commander"]
    everything = _api_total(sec.app.test_client(), token, "/api/v1/activities?per_page=1")
    assert everything > 20
    for meta in ("%", "_", "%%", "' OR 1=1 --", "\\"):
        literal = sum(meta in p for p in PAYLOADS)  # "%" is in "{% print 7*7 %}", nothing has "_"
        assert _api_total(sec.app.test_client(), token, "/api/v1/activities", meta) == literal, meta
    assert _api_total(sec.app.test_client(), token, "/api/v1/activities", "${7*7}") == 1
