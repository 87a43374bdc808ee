"""CLI commands (report, export, import) and the demo story through the browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Activity, Programme
from outreach.services.demo import DEMO_PROGRAMME, SEED_DATE
from tests.conftest import login
from tests.reports.conftest import Seeded, pdf_text
from tests.support.demo import demo_copy


def test_cli_report_export_import(seeded: Seeded, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "laporan.pdf"
    result = runner.invoke(
        args=[
            "report",
            "programme",
            "--programme",
            "Cooling System Pemilu 2024",
            "--unit",
            "POLRES-A1",
            "--from",
            "2023-11-01",
            "--lang",
            "en",
            "-o",
            str(out),
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Page 1 of" in text
    assert "Wednesday, 1 November 2023" in text

    out = tmp_path / "a.pdf"
    result = runner.invoke(
        args=["report", "activity", str(seeded.first.id), "--user", "pr.a1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    result = runner.invoke(
        args=["report", "activity", str(seeded.draft.id), "--user", "pr.a1", "-o", str(out)]
    )
    assert result.exit_code == 1  # PR cannot see drafts

    csv_out = tmp_path / "v.csv"
    result = runner.invoke(
        args=[
            "export",
            "activities",
            "--programme",
            str(seeded.world.programme.id),
            "--format",
            "csv",
            "-o",
            str(csv_out),
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "ID kegiatan"
    assert len(rows) == 3

    xlsx_out = tmp_path / "v.xlsx"
    result = runner.invoke(
        args=[
            "export",
            "visits",
            "--programme",
            "Cooling System Pemilu 2024",
            "--status",
            "all",
            "--format",
            "xlsx",
            "-o",
            str(xlsx_out),
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert xlsx_out.read_bytes().startswith(b"PK")
    assert load_workbook(xlsx_out).active.max_row == 1 + 4  # header + 4 visits (draft included)

    result = runner.invoke(args=["import", str(xlsx_out), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "3 activities, 3 valid (dry run)" in result.output
    before = db.session.scalar(select(db.func.count()).select_from(Activity))
    result = runner.invoke(args=["import", str(xlsx_out), "--user", "staff.a1"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 activities" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Activity)) == before + 3


def test_demo_humas_downloads_programme_and_seed_reports(app: Any, client: Any) -> None:
    demo_copy(app.config["OUTREACH_DEMO_PASSWORD"])
    programme = db.session.scalar(select(Programme).where(Programme.name == DEMO_PROGRAMME))
    seed = db.session.scalar(select(Activity).where(Activity.occurred_on == SEED_DATE).order_by(Activity.id))
    assert programme is not None
    assert seed is not None
    assert "Bakti sosial" in seed.title
    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302

    response = client.get(f"/reports/programme.pdf?programme_id={programme.id}")
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF-")
    text = pdf_text(response.get_data())
    assert "RESOR BLORA" in text
    assert "LILIK WIDIASTUTI, S.H." in text
    assert "Halaman 1 dari" in text

    response = client.get(f"/reports/activities/{seed.id}/report.pdf")
    assert response.status_code == 200
    text = pdf_text(response.get_data())
    assert "Kamis, 30 November 2023" in text
    assert "Ponpes Al Alif Tunjungan" in text

    press = client.get(f"/reports/activities/{seed.id}/press").get_data(as_text=True)
    assert "BLORA – Kapolres Blora AKBP Wawan Andi Susanto, S.I.K., M.H. melalui Kasat Binmas" in press
    assert "lima lokasi" in press
