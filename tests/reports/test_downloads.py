"""The reports blueprint: role checks and every download down to its magic bytes."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from outreach.extensions import db
from tests.reports.conftest import Seeded, pdf_text


def _assert_download(response: Any, mimetype: str, filename_start: str, magic: bytes) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{filename_start}' in disposition
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data()
    assert body.startswith(magic), body[:20]
    return body


def test_index_and_all_downloads_for_pr(seeded: Seeded, login_as: Any) -> None:
    client = login_as("pr.a1")
    pid = seeded.world.programme.id
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "programme.pdf" in page.get_data(as_text=True)
    query = f"?programme_id={pid}&status=all&lang=id"

    body = _assert_download(
        client.get("/reports/programme.pdf" + query), "application/pdf", "laporan-", b"%PDF-"
    )
    assert "2 kegiatan" in pdf_text(body)  # PR: verified only, whatever the status filter says

    body = _assert_download(
        client.get("/reports/export/activities.csv" + query), "text/csv", "kegiatan-", "\ufeff".encode()
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID kegiatan", "Tanggal", "Jam mulai"]
    assert len(rows) == 3
    assert sum(int(r[rows[0].index("Paket sembako")]) for r in rows[1:]) == 40

    body = _assert_download(
        client.get("/reports/export/visits.xlsx" + query),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "kunjungan-",
        b"PK",
    )
    ws = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in ws[1]]
    data = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(data) == 3  # one row per visit
    assert sum(r[header.index("Paket sembako")] for r in data) == 40
    assert data[0][header.index("Tanggal")].year == 2023  # typed date cell

    _assert_download(
        client.get("/reports/export/activities.xlsx" + query),
        ws and "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "kegiatan-",
        b"PK",
    )
    body = _assert_download(
        client.get("/reports/export/visits.csv" + query), "text/csv", "kunjungan-", b"\xef\xbb\xbf"
    )
    assert body.decode("utf-8-sig").startswith("ID kegiatan,")

    aid = seeded.first.id
    body = _assert_download(
        client.get(f"/reports/activities/{aid}/report.pdf"),
        "application/pdf",
        f"laporan-kegiatan-{aid}",
        b"%PDF-",
    )
    assert "Kamis, 30 November 2023" in pdf_text(body)
    press = client.get(f"/reports/activities/{aid}/press")
    assert press.status_code == 200
    assert "Kamis (30/11/2023)" in press.get_data(as_text=True)
    txt = client.post(
        f"/reports/activities/{aid}/press", data={"text": "JUDUL\n\nBLORA – Isi.", "action": "txt"}
    )
    assert (
        _assert_download(txt, "text/plain", f"siaran-pers-{aid}", b"SIARAN PERS")
        == "SIARAN PERS\n\nJUDUL\n\nBLORA – Isi.\n".encode()
    )
    pdf = client.post(
        f"/reports/activities/{aid}/press", data={"text": "JUDUL\n\nBLORA – Isi.", "action": "pdf"}
    )
    assert "BLORA – Isi." in pdf_text(
        _assert_download(pdf, "application/pdf", f"siaran-pers-{aid}", b"%PDF-")
    )

    # a draft is not visible to PR; an activity of another Polres is not found either
    assert client.get(f"/reports/activities/{seeded.draft.id}/report.pdf").status_code == 404


def test_english_headers_follow_the_user_language(seeded: Seeded, login_as: Any) -> None:
    client = login_as("commander.a1")
    response = client.get(f"/reports/export/activities.csv?programme_id={seeded.world.programme.id}&lang=en")
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith("Activity ID,Date,")
    body = client.get(f"/reports/programme.pdf?programme_id={seeded.world.programme.id}&lang=en").get_data()
    assert "Page 1 of" in pdf_text(body)


def test_roles(seeded: Seeded, login_as: Any, client: Any) -> None:
    pid = seeded.world.programme.id
    assert client.get("/reports/").status_code == 302  # anonymous: to the login page
    login_as("staff.a1")
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/programme.pdf?programme_id={pid}").status_code == 403
    assert client.get(f"/reports/export/visits.csv?programme_id={pid}").status_code == 403
    assert client.get("/reports/imports/").status_code == 200
    client.post("/logout")
    login_as("pr.b1")
    assert client.get(f"/reports/activities/{seeded.first.id}/report.pdf").status_code == 404
    assert client.get("/reports/imports/").status_code == 403
    assert (
        client.get(f"/reports/programme.pdf?programme_id={pid}&unit=POLRES-A1").status_code == 400
    )  # not a choice


def test_formula_injection_is_inert(seeded: Seeded, login_as: Any) -> None:
    seeded.first.title = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    client = login_as("commander.a1")
    query = f"?programme_id={seeded.world.programme.id}"
    text = client.get("/reports/export/activities.csv" + query).get_data(as_text=True)
    assert "'=HYPERLINK(" in text
    body = client.get("/reports/export/activities.xlsx" + query).get_data()
    ws = load_workbook(io.BytesIO(body)).active
    titles = [c.value for c in ws["J"]]
    cell = next(c for c in ws["J"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    assert titles


def test_report_texts_edit(seeded: Seeded, login_as: Any) -> None:
    client = login_as("commander.a1")
    pid = seeded.world.programme.id
    assert client.get(f"/reports/texts?programme_id={pid}").status_code == 200
    response = client.post(
        f"/reports/texts?programme_id={pid}", data={"kendala": "Cuaca buruk.", "saran": ""}
    )
    assert response.status_code == 302
    body = client.get(f"/reports/programme.pdf?programme_id={pid}").get_data()
    assert "Cuaca buruk." in pdf_text(body)
