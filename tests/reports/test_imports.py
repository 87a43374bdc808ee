"""XLSX import: template, dry run with row errors, duplicates, undo, round trip."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from outreach.exports.tabular import xlsx_bytes
from outreach.extensions import db
from outreach.models import Activity, ActivityStatus, AuditEntry, ImportBatch
from outreach.services import activities as svc
from outreach.services import exports, imports, reports, rollups
from tests.reports.conftest import Seeded
from tests.support.demo import demo_copy

KEYS = ["activity_id", "date", "programme", "unit_code", "kind", "leader_rank", "leader_name",
        "location_name", "location_kind", "regency", "parcels", "beneficiaries"]  # fmt: skip


def _book(rows: list[list[Any]], header: list[str] = KEYS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(ref: str, **kw: Any) -> list[Any]:
    base = {
        "activity_id": ref, "date": date(2023, 12, 1), "programme": "Cooling System Pemilu 2024",
        "unit_code": "POLSEK-A1X", "kind": "sambang", "leader_rank": "Bripka", "leader_name": "Agus Santoso",
        "location_name": "Masjid Al Amin", "location_kind": "masjid", "regency": "Kabupaten A1",
        "parcels": 0, "beneficiaries": 40,
    }  # fmt: skip
    base.update(kw)
    return [base[k] for k in KEYS]


def _count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Activity)) or 0)


def test_bad_workbook_gets_precise_row_errors_and_writes_nothing(seeded: Seeded) -> None:
    user = seeded.world.users["staff.a1"]
    content = _book(
        [
            _row("A"),
            _row("B", date="31/02/2023"),
            _row("C", parcels="sepuluh"),
            _row("D", unit_code="POLSEK-ZZZ"),
            _row("E", location_name=""),
            _row("F", kind="karaoke"),
            _row("G", unit_code="POLRES-B1"),  # outside the user's area
            _row("H", leader_rank="Jenderal Bintang"),  # a domain rule from create_activity
        ]
    )
    before = _count()
    result, outcome = imports.run(user, content, "bad.xlsx")
    db.session.commit()
    assert outcome.batch is None
    assert _count() == before
    found = {(e.row, e.column) for e in result.errors}
    expected = {(3, "date"), (4, "parcels"), (5, "unit_code"), (6, "location_name"), (7, "kind")}
    assert expected | {(8, "unit_code"), (9, "leader_rank")} <= found
    assert not any(e.row == 2 for e in result.errors)
    assert "sepuluh" in next(e.message for e in result.errors if e.column == "parcels")
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0

    # valid rows only: the one good activity is written, in one audited batch
    result, outcome = imports.run(user, content, "bad.xlsx", mode="valid")
    db.session.commit()
    assert outcome.created == 1
    assert _count() == before + 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import")) is not None


def test_duplicates_flagged_and_undo(seeded: Seeded) -> None:
    user = seeded.world.users["commander.a1"]
    content = _book(
        [
            _row(
                "A",
                location_name="Ponpes POLSEK-A1X",
                date=date(2023, 11, 30),
                location_kind="pondok_pesantren",
            ),
            _row("B"),
            _row("C"),
        ]
    )
    check = imports.check(user, content)
    db.session.rollback()
    assert check.ok
    rows = {w.row for w in check.warnings}
    assert rows == {2, 4}  # same as seeded activity / same as row 3
    _result, outcome = imports.run(user, content, "dup.xlsx")
    db.session.commit()
    assert outcome.created == 3
    assert outcome.batch is not None
    assert len(imports.undo_batch(user, outcome.batch.id).deleted) == 3
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).where(
                Activity.import_batch_id == outcome.batch.id, Activity.deleted_at.is_(None)
            )
        )
        == 0
    )
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "undo_import")) is not None


def test_export_import_round_trip_reproduces_totals(seeded: Seeded) -> None:
    w = seeded.world
    admin = w.users["admin"]
    filters = reports.report_filter(w.programme)
    original = reports.totals(admin, filters)
    cols = exports.columns("visits", "id")
    content = xlsx_bytes(cols, exports.rows("visits", admin, filters, "id"), "visits")
    # remove the originals so the totals afterwards come from the import only
    for a in (seeded.first, seeded.second):
        svc.delete_activity(admin, a)
    db.session.commit()
    result, outcome = imports.run(admin, content, "roundtrip.xlsx")
    db.session.commit()
    assert not result.errors, result.errors
    assert outcome.created == 2
    again = reports.totals(admin, filters)  # verified only: the import kept the status
    assert (again.activities, again.visits, again.parcels, again.beneficiaries) == (
        original.activities,
        original.visits,
        original.parcels,
        original.beneficiaries,
    )


def test_import_pages(seeded: Seeded, login_as: Any) -> None:
    client = login_as("staff.a1")
    template = client.get("/reports/imports/template.xlsx")
    assert template.status_code == 200
    assert template.get_data().startswith(b"PK")
    assert template.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="template-impor-kegiatan.xlsx"' in template.headers["Content-Disposition"]
    bad = _book([_row("A", parcels="banyak")])
    page = client.post(
        "/reports/imports/preview",
        data={"file": (io.BytesIO(bad), "bad.xlsx")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "banyak" in page.get_data(as_text=True)
    good = _book([_row("A"), _row("A", location_name="Pasar Kota", location_kind="pasar")])
    page = client.post(
        "/reports/imports/preview",
        data={"file": (io.BytesIO(good), "good.xlsx")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    token = html.split('name="token" type="hidden" value="')[1][:32]
    done = client.post("/reports/imports/confirm", data={"token": token, "mode": "all"})
    assert done.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert batch is not None
    assert batch.row_count == 2
    activity = db.session.scalar(select(Activity).where(Activity.import_batch_id == batch.id))
    assert activity is not None
    assert activity.visit_count == 2
    assert client.post(f"/reports/imports/{batch.id}/undo").status_code == 302
    db.session.refresh(batch)
    assert batch.undone_at is not None


def test_demo_data_export_import_round_trip(app) -> None:  # noqa: ANN001 - the app fixture
    """Issue 5: export → import of the demo data reproduces the same totals (verified activities of the
    Pemilu programme, exported as one row per visit, deleted, imported back)."""
    from sqlalchemy import select, update

    from outreach.models import Activity, Programme, User
    from outreach.services.demo import DEMO_PROGRAMME

    demo_copy("demo-outreach")
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    programme = db.session.scalar(select(Programme).where(Programme.name == DEMO_PROGRAMME))
    filters = reports.report_filter(programme, statuses=[ActivityStatus.VERIFIED])
    original = reports.totals(admin, filters)
    assert original.activities > 200
    content = xlsx_bytes(
        exports.columns("visits", "id"), exports.rows("visits", admin, filters, "id"), "visits"
    )
    db.session.execute(
        update(Activity)
        .where(Activity.programme_id == programme.id, Activity.status == "verified")
        .values(deleted_at=Activity.created_at)
    )
    rollups.rebuild(
        db.session.connection()
    )  # a bulk change outside the services: rebuild, as an operator would
    db.session.commit()
    assert reports.totals(admin, filters).activities == 0
    result, outcome = imports.run(admin, content, "demo-roundtrip.xlsx")
    db.session.commit()
    assert not result.errors, result.errors[:5]
    assert outcome.created == original.activities
    again = reports.totals(admin, filters)
    assert (again.activities, again.visits, again.locations, again.parcels, again.beneficiaries) == (
        original.activities,
        original.visits,
        original.locations,
        original.parcels,
        original.beneficiaries,
    )
