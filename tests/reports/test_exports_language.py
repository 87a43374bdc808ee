"""Exports in the users' language (issue 16): status labels, Indonesian sheet and file names, ';' CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.conftest import login
from tests.reports.conftest import Seeded


def test_cli_xlsx_has_indonesian_labels_and_sheet(seeded: Seeded, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "kegiatan.xlsx"
    name = seeded.world.programme.name  # type: ignore[union-attr]
    result = runner.invoke(
        args=[
            "export",
            "activities",
            "--programme",
            name,
            "--format",
            "xlsx",
            "--user",
            "commander.a1",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Kegiatan", "Personel", "Mitra", "Barang"]  # the lists follow the main sheet
    rows = list(wb["Kegiatan"].iter_rows(values_only=True))
    header = list(rows[0])
    assert "Kode status" in header
    assert "Status kegiatan" in header
    labels = {r[header.index("Status kegiatan")] for r in rows[1:]}
    codes = {r[header.index("Kode status")] for r in rows[1:]}
    assert labels == {"Terverifikasi"}
    assert codes == {"verified"}


def test_cli_csv_with_semicolon_delimiter(seeded: Seeded, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "kunjungan.csv"
    name = seeded.world.programme.name  # type: ignore[union-attr]
    result = runner.invoke(
        args=[
            "export", "visits", "--programme", name, "--format", "csv", "--delimiter", ";",
            "--user", "commander.a1", "-o", str(out),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "ID kegiatan"
    assert "Status kegiatan" in rows[0]
    assert len(rows) > 1

    english = runner.invoke(
        args=[
            "export", "activities", "--programme", name, "--lang", "en", "--user", "commander.a1",
            "-o", str(tmp_path / "a.csv"),
        ]
    )  # fmt: skip
    assert english.exit_code == 0, english.output
    assert "Verified" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")


def test_web_csv_excel_indonesia_button(seeded: Seeded, client: Any) -> None:
    assert login(client, "commander.a1").status_code == 302
    programme_id = seeded.world.programme.id  # type: ignore[union-attr]
    page = client.get(f"/reports/?programme={programme_id}").get_data(as_text=True)
    assert 'name="sep" value="semicolon"' in page
    response = client.get(
        f"/reports/export/activities.csv?programme={programme_id}&status=verified&sep=semicolon"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kegiatan-')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfID kegiatan;")
    response = client.get(f"/reports/export/visits.xlsx?programme={programme_id}&status=verified")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kunjungan-')
    assert response.get_data().startswith(b"PK")
