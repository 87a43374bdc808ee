"""The activity XLSX export's own sheets for officers, partners and items (issue 16, item 4): Personel, Mitra
and Barang after the main Kegiatan sheet, one row per entry with the activity's ID; the importer reads the
main sheet only."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from outreach.exports.tabular import xlsx_bytes
from outreach.extensions import db
from outreach.models import Activity
from outreach.services import activities as svc
from outreach.services import exports, imports
from outreach.services.activity_list import ActivityFilter
from outreach.services.schema.activity import ItemInput, PartnerInput, PersonInput
from tests import factories
from tests.reports.conftest import Seeded


def _with_lists(seeded: Seeded, *, verify: bool = True) -> Activity:
    """A (verified) activity with two officers, two partners and items on both of its visits."""
    w = seeded.world
    staff, commander = w.users["staff.a1"], w.users["commander.a1"]
    data = factories.activity_input(
        w.programme,  # type: ignore[arg-type]
        w.u("POLSEK-A1X"),
        [w.locations["POLSEK-A1X"], w.locations["POLSEK-A1Y"]],
        occurred_on=date(2023, 12, 10),
        officers=[
            PersonInput(
                rank="Bripka", name="Agus Santoso", degrees="S.H.", nrp="78010123", position="Bhabinkamtibmas"
            ),
            PersonInput(rank="Briptu", name="Dewi Lestari", position="Banit Binmas"),
        ],
        partners=[
            PartnerInput(name="Camat Jepon", role="Camat", kind="camat"),
            PartnerInput(name='=HYPERLINK("x")', role="Tokoh pemuda"),
        ],
    )
    first, second = data.visits
    data = data.model_copy(
        update={
            "visits": [
                first.model_copy(
                    update={
                        "items": [
                            ItemInput(
                                name="Brosur pemilu damai", quantity=150, kind="brosur", measure="lembar"
                            ),
                            ItemInput(name="Beras", quantity=50, kind="beras", measure="kg"),
                        ]
                    }
                ),
                second.model_copy(update={"items": [ItemInput(name="Masker", quantity=20, measure="buah")]}),
            ]
        }
    )
    activity = svc.create_activity(staff, data)
    if verify:
        svc.submit_activity(staff, activity)
        svc.verify_activity(commander, activity)
    db.session.commit()
    return activity


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}
    finally:
        wb.close()


def _export(runner: Any, seeded: Seeded, out: Path, dataset: str = "activities", lang: str = "id") -> bytes:
    result = runner.invoke(
        args=[
            "export", dataset, "--programme", seeded.world.programme.name,  # type: ignore[union-attr]
            "--format", "xlsx", "--lang", lang, "--user", "commander.a1", "-o", str(out),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_activity_export_has_officer_partner_and_item_sheets(
    seeded: Seeded, runner: Any, tmp_path: Path
) -> None:
    activity = _with_lists(seeded)
    sheets = _sheets(_export(runner, seeded, tmp_path / "kegiatan.xlsx"))
    assert list(sheets) == ["Kegiatan", "Personel", "Mitra", "Barang"]

    assert sheets["Personel"][0] == ("ID kegiatan", "Pangkat", "Nama", "Gelar", "NRP", "Jabatan")
    assert sheets["Personel"][1:] == [
        (activity.id, "Bripka", "Agus Santoso", "S.H.", "78010123", "Bhabinkamtibmas"),
        (activity.id, "Briptu", "Dewi Lestari", None, None, "Banit Binmas"),
    ]

    assert sheets["Mitra"][0] == ("ID kegiatan", "Nama", "Peran", "Jenis mitra", "Kode jenis mitra")
    # the seeded first activity's partner (no kind) comes first: the sheets follow the main sheet's order
    assert sheets["Mitra"][1:] == [
        (seeded.first.id, "KH. Nasir", "Pengasuh Ponpes", None, None),
        (activity.id, "Camat Jepon", "Camat", "Camat", "camat"),
        (activity.id, '=HYPERLINK("x")', "Tokoh pemuda", None, None),
    ]

    assert sheets["Barang"][0] == (
        "ID kegiatan", "Kunjungan ke-", "Lokasi", "Jenis barang", "Kode jenis barang", "Nama barang",
        "Jumlah", "Satuan ukuran",
    )  # fmt: skip
    x, y = seeded.world.locations["POLSEK-A1X"].name, seeded.world.locations["POLSEK-A1Y"].name
    assert sheets["Barang"][1:] == [
        (activity.id, 1, x, "Brosur / selebaran", "brosur", "Brosur pemilu damai", 150, "lembar"),
        (activity.id, 1, x, "Beras", "beras", "Beras", 50, "kg"),
        (activity.id, 2, y, "Lainnya", "lainnya", "Masker", 20, "buah"),  # a bare name counts as other
    ]
    # every activity of the main sheet, and only those, may have rows in the further sheets
    main_ids = {r[0] for r in sheets["Kegiatan"][1:]}
    assert activity.id in main_ids
    assert seeded.draft.id not in main_ids
    assert {r[0] for name in ("Personel", "Mitra", "Barang") for r in sheets[name][1:]} <= main_ids


def test_extra_sheets_guard_formulas_and_speak_english(seeded: Seeded, runner: Any, tmp_path: Path) -> None:
    _with_lists(seeded)
    content = _export(runner, seeded, tmp_path / "activities.xlsx", lang="en")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Activities", "Officers", "Partners", "Items"]
    assert [c.value for c in wb["Items"][1]][:4] == ["Activity ID", "Visit no.", "Location", "Item kind"]
    assert wb["Items"]["D2"].value == "Leaflets"
    cell = next(c for row in wb["Partners"].iter_rows() for c in row if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s"  # text, never a formula
    assert cell.quotePrefix


def test_visit_export_stays_one_sheet(seeded: Seeded, runner: Any, tmp_path: Path) -> None:
    _with_lists(seeded)
    assert list(_sheets(_export(runner, seeded, tmp_path / "kunjungan.xlsx", "visits"))) == ["Kunjungan"]


def test_web_download_has_the_sheets(seeded: Seeded, login_as: Any) -> None:
    activity = _with_lists(seeded)
    client = login_as("pr.a1")
    pid = seeded.world.programme.id  # type: ignore[union-attr]
    response = client.get(f"/reports/export/activities.xlsx?programme_id={pid}&status=verified")
    assert response.status_code == 200, response.data[:300]
    sheets = _sheets(response.data)
    assert list(sheets) == ["Kegiatan", "Personel", "Mitra", "Barang"]
    assert [r[2] for r in sheets["Personel"][1:] if r[0] == activity.id] == ["Agus Santoso", "Dewi Lestari"]


def test_import_reads_only_the_main_sheet(seeded: Seeded) -> None:
    """A workbook whose main sheet is the visit export, followed by the three further sheets, imports as the
    main sheet alone would (extra sheets are ignored)."""
    activity = _with_lists(seeded, verify=False)  # a draft, which its author may delete before re-importing
    commander = seeded.world.users["commander.a1"]
    filters = ActivityFilter()
    rows = [r for r in exports.rows("visits", commander, filters, "id") if r["activity_id"] == activity.id]
    extra = [
        (title, cols, list(it)) for title, cols, it in exports.extra_sheets("activities", commander, filters)
    ]
    assert [t for t, _c, r in extra if r] == ["Personel", "Mitra", "Barang"]
    columns = exports.columns("visits", "id")
    plain = xlsx_bytes(columns, rows, "Kunjungan")
    with_sheets = xlsx_bytes(columns, rows, "Kunjungan", extra_sheets=extra)
    staff = seeded.world.users["staff.a1"]
    assert imports.check(staff, with_sheets) == imports.check(staff, plain)
    svc.delete_activity(staff, activity)
    db.session.commit()
    result, outcome = imports.run(staff, with_sheets, "kegiatan.xlsx")
    db.session.commit()
    assert not result.errors, result.errors
    assert outcome.created == 1
    assert outcome.batch is not None
    copy = db.session.scalar(select(Activity).where(Activity.import_batch_id == outcome.batch.id))
    assert copy is not None
    assert [(o.rank, o.name) for o in copy.officers] == [
        ("Bripka", "Agus Santoso"),
        ("Briptu", "Dewi Lestari"),
    ]
    assert sorted(i.name for v in copy.visits for i in v.items) == ["Beras", "Brosur pemilu damai", "Masker"]
