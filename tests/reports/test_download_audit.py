"""Issue 18: every download (web, API, CLI) is in the audit log with who, when, filter and row count."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry
from outreach.services import downloads, tokens
from outreach.services.clock import local_today
from tests.reports.conftest import Seeded
from tests.support.photos import add_photo


def _downloads() -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "download").order_by(AuditEntry.id))
    )


def test_a_csv_export_by_humas_is_audited_with_its_filter_and_rows(seeded: Seeded, login_as: Any) -> None:
    client = login_as("pr.a1")
    pid = seeded.world.programme.id
    response = client.get(f"/reports/export/visits.csv?programme_id={pid}&status=all&unit=POLRES-A1&lang=id")
    assert response.status_code == 200
    body = response.get_data()
    response.close()
    visit_lines = body.decode("utf-8-sig").strip().splitlines()[1:]
    (entry,) = _downloads()
    pr = seeded.world.users["pr.a1"]
    assert (entry.actor_id, entry.actor_username, entry.actor_role) == (pr.id, "pr.a1", "pr")
    assert entry.entity_type == "export"
    assert entry.entity_id == pid
    assert entry.request_id == response.headers["X-Request-ID"]
    assert entry.changes["what"] == "visits.csv"
    assert entry.changes["channel"] == "web"
    assert entry.changes["filter"] == {
        "programme_id": pid,
        "unit": "POLRES-A1",
        "statuses": ["draft", "submitted", "verified", "returned"],  # status=all
    }
    assert entry.changes["rows"] == len(visit_lines) == 3
    assert entry.changes["bytes"] == len(body)
    assert entry.changes["personal_data"] is True  # the visits export names the people met
    assert "complete" not in entry.changes


def test_xlsx_pdf_press_and_photo_downloads_are_audited(seeded: Seeded, login_as: Any, app: Flask) -> None:
    client = login_as("pr.a1")
    pid, first = seeded.world.programme.id, seeded.first.id
    assert (
        client.get(f"/reports/export/activities.xlsx?programme_id={pid}&status=verified").status_code == 200
    )
    assert (
        client.get(f"/reports/programme.pdf?programme_id={pid}&status=verified&from=2023-12-01").status_code
        == 200
    )
    assert client.get(f"/reports/activities/{first}/report.pdf").status_code == 200
    assert (
        client.post(
            f"/reports/activities/{first}/press",
            data={"text": "Judul siaran pers\n\nIsi siaran pers.", "action": "txt"},
        ).status_code
        == 200
    )
    entries = _downloads()
    got = [
        (e.entity_type, e.changes["what"], e.changes.get("rows"), e.changes["personal_data"]) for e in entries
    ]
    assert got == [
        ("export", "activities.xlsx", 2, False),
        ("report", "programme.pdf", 1, False),
        ("report", "activity.pdf", 1, True),
        ("press_release", "press.txt", 1, False),
    ]
    assert entries[1].changes["filter"]["date_from"] == "2023-12-01"
    assert all(e.changes["bytes"] > 0 for e in entries)


def test_photo_download_is_audited_but_not_its_thumbnail(seeded: Seeded, login_as: Any, app: Flask) -> None:
    photo_id = add_photo(seeded.first, seeded.world.users["staff.a1"], app.config["OUTREACH_UPLOAD_DIR"])
    client = login_as("commander.a1")
    base = f"/activities/{seeded.first.id}/photos/{photo_id}"
    thumb = client.get(base + "/thumb")
    assert thumb.status_code == 200
    thumb.close()
    assert _downloads() == []
    response = client.get(base)
    assert response.status_code == 200
    response.close()
    (entry,) = _downloads()
    assert (entry.entity_type, entry.entity_id, entry.changes["filter"]) == (
        "photo",
        seeded.first.id,
        {"photo_id": photo_id},
    )
    assert entry.changes["personal_data"] is True


def test_api_and_cli_downloads_are_audited(seeded: Seeded, app: Flask, tmp_path: Path) -> None:
    pr = seeded.world.users["pr.a1"]
    _token, raw = tokens.create_token(pr)
    db.session.commit()
    client = app.test_client()
    pid = seeded.world.programme.id
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/programmes/{pid}/report.pdf", headers=auth).status_code == 200
    assert client.get(f"/api/v1/activities/{seeded.first.id}/report.pdf", headers=auth).status_code == 200
    runner = app.test_cli_runner()
    out = tmp_path / "v.csv"
    result = runner.invoke(
        args=["export", "visits", "--programme", str(pid), "--user", "pr.a1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["report", "activity", str(seeded.first.id), "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 0, result.output
    entries = _downloads()
    got = [
        (e.actor_username, e.changes["channel"], e.changes["what"], e.changes.get("rows")) for e in entries
    ]
    assert got == [
        ("pr.a1", "api", "programme.pdf", 2),
        ("pr.a1", "api", "activity.pdf", 1),
        ("pr.a1", "cli", "visits.csv", 3),
        ("admin", "cli", "activity.pdf", 1),
    ]
    assert entries[2].changes["bytes"] == out.stat().st_size
    assert entries[2].changes["filter"] == {"programme_id": pid, "statuses": ["submitted", "verified"]}


def test_a_refused_download_is_not_audited(seeded: Seeded, login_as: Any) -> None:
    client = login_as("staff.a1")
    assert client.get(f"/reports/export/visits.csv?programme={seeded.world.programme.id}").status_code == 403
    assert _downloads() == []


def test_admin_filters_the_audit_log_by_kind_and_sees_who_exported_personal_data(
    seeded: Seeded, client: Any, login_as: Any
) -> None:
    pid = seeded.world.programme.id
    pr = login_as("pr.a1")
    pr.get(f"/reports/export/visits.csv?programme_id={pid}").close()
    pr.get(f"/reports/export/activities.csv?programme_id={pid}").close()
    pr.post("/logout")
    admin = login_as("admin")
    today = local_today()
    page = admin.get(f"/admin/audit?kind=personal&from={today - timedelta(days=1)}&to={today}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    table = html[html.index('data-testid="personal-data-exporters"') :]
    assert re.search(r"pr\.a1.*?\(pr\).*?>\s*1\s*<.*?>\s*3\s*<", table, re.S), table[:800]
    listing = html[html.index('data-testid="audit-table"') :]
    assert "visits.csv" in listing and "activities.csv" not in listing
    # the period excludes today: nobody
    yesterday = today - timedelta(days=1)
    html = admin.get(f"/admin/audit?kind=personal&from={yesterday}&to={yesterday}").get_data(as_text=True)
    assert 'data-testid="personal-data-exporters"' not in html
    # every export, personal or not
    html = admin.get("/admin/audit?kind=download:export").get_data(as_text=True)
    assert "visits.csv" in html and "activities.csv" in html
    listing = admin.get("/admin/audit?kind=change").get_data(as_text=True)
    listing = listing[listing.index('data-testid="audit-table"') :]
    assert "visits.csv" not in listing and "<code>verify</code>" in listing
    # a bad date is a field error, not a 500
    bad = admin.get("/admin/audit?kind=personal&from=31-12-2024")
    assert bad.status_code == 200
    assert "is-invalid" in bad.get_data(as_text=True)


def test_personal_data_exporters_service(seeded: Seeded) -> None:
    pr = seeded.world.users["pr.a1"]
    for rows in (3, 4):
        downloads.record_download(
            pr, downloads.Download("export", "visits.csv", "cli", rows=rows, personal=True)
        )
    downloads.record_download(pr, downloads.Download("export", "activities.csv", "cli", rows=9))
    db.session.flush()
    (found,) = downloads.personal_data_exporters(downloads.default_period())
    assert (found.username, found.downloads, found.rows) == ("pr.a1", 2, 7)


def test_recaps_are_audited_on_every_channel(seeded: Seeded, login_as: Any, app: Flask) -> None:
    """The WhatsApp recap is data taken out too: the page, the API and the CLI each leave one entry."""
    pr = seeded.world.users["pr.a1"]
    query = "unit=POLRES-A1&from=2023-12-01&to=2023-12-07"
    assert login_as("pr.a1").get(f"/reports/recap?{query}").status_code == 200
    _token, raw = tokens.create_token(pr)
    db.session.commit()
    api = app.test_client().get(f"/api/v1/recap?{query}", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    result = app.test_cli_runner().invoke(
        args=["report", "recap", "--unit", "POLRES-A1", "--from", "2023-12-01", "--user", "pr.a1"]
    )
    assert result.exit_code == 0, result.output
    got = [(e.entity_type, e.actor_username, e.changes["channel"], e.changes["filter"]) for e in _downloads()]
    week = {"unit": "POLRES-A1", "date_from": "2023-12-01", "date_to": "2023-12-07"}
    assert got == [
        ("recap", "pr.a1", "web", week),
        ("recap", "pr.a1", "api", week),
        ("recap", "pr.a1", "cli", week | {"date_to": "2023-12-01"}),
    ]
    assert all(
        e.changes["bytes"] == len(api.get_data()) - 1 for e in _downloads()[1:2]
    )  # the API adds a newline
