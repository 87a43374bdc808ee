"""The press release of the seed story: Humas text, edited and audited, as text, PDF and DOCX (issue 16)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy import select

from outreach.exports.press import and_count
from outreach.extensions import db
from outreach.models import Activity, AuditEntry
from outreach.services.demo import SEED_DATE
from tests.conftest import login
from tests.reports.conftest import pdf_text
from tests.support.demo import demo_copy


@pytest.fixture
def seed(app: Any) -> Activity:
    demo_copy(app.config["OUTREACH_DEMO_PASSWORD"])
    activity = db.session.scalar(
        select(Activity).where(Activity.occurred_on == SEED_DATE).order_by(Activity.id)
    )
    assert activity is not None
    return activity


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?”])\s+", text) if s.strip()]


def test_cli_press_release_reads_like_humas_text(seed: Activity, runner: Any) -> None:
    result = runner.invoke(args=["report", "press", str(seed.id)])
    assert result.exit_code == 0, result.output
    text = result.output
    print(text)
    assert text.startswith("SIARAN PERS\n")
    assert (
        "BLORA – Kapolres Blora AKBP Wawan Andi Susanto, S.I.K., M.H. melalui Kasat Binmas Polres Blora"
        in text
    )
    assert "50 paket sembako" in text
    assert "lima lokasi" in text
    assert "Ponpes Al Alif Tunjungan" in text
    assert "mengimbau warga agar" in text
    assert "tidak mudah percaya hoaks atau berita bohong" in text
    assert "“Harapannya bantuan" in text
    assert "ujar AKP Lilik." in text
    assert " / " not in text  # no slash-joined catalogue label
    assert seed.summary[:40] not in text  # the summary is not pasted in
    for sentence in _sentences(text):
        assert and_count(sentence) <= 2, sentence


def test_cli_press_release_english_pdf_and_docx(seed: Activity, runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["report", "press", str(seed.id), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PRESS RELEASE\n")
    assert "through Kasat Binmas Polres Blora" in result.output

    pdf_out = tmp_path / "siaran.pdf"
    result = runner.invoke(args=["report", "press", str(seed.id), "-o", str(pdf_out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(pdf_out.read_bytes())
    assert "SIARAN PERS" in text
    assert "SEKSI HUMAS" in text
    assert "RESOR BLORA" in text

    docx_out = tmp_path / "siaran.docx"
    result = runner.invoke(args=["report", "press", str(seed.id), "-o", str(docx_out)])
    assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(docx_out.read_bytes()))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "SIARAN PERS" in paragraphs
    assert "SEKSI HUMAS" in paragraphs
    assert any("50 paket sembako" in p for p in paragraphs)

    result = runner.invoke(args=["report", "press", str(seed.id), "-o", str(tmp_path / "x.odt")])
    assert result.exit_code != 0
    assert ".txt, .pdf or .docx" in result.output


def test_web_edit_is_kept_audited_and_exported(app: Any, client: Any, seed: Activity) -> None:
    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    page = client.get(f"/reports/activities/{seed.id}/press")
    assert page.status_code == 200
    assert "melalui" in page.get_data(as_text=True)

    edited = "Judul Baru Siaran Pers\n\nBLORA – Paragraf yang diubah Humas."
    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": edited, "action": "save"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, seed.id).press_text == edited  # type: ignore[union-attr]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "press_edit"))
    assert entry is not None
    assert entry.entity_id == seed.id

    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": edited, "action": "docx"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == f'attachment; filename="siaran-pers-{seed.id}.docx"'
    assert response.get_data().startswith(b"PK")
    doc = Document(io.BytesIO(response.get_data()))
    assert "Judul Baru Siaran Pers" in [p.text for p in doc.paragraphs]

    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": edited, "action": "pdf"})
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF-")
    assert "Paragraf yang diubah Humas" in pdf_text(response.get_data())

    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": "x", "action": "reset"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, seed.id).press_text is None  # type: ignore[union-attr]

    response = client.post(f"/reports/activities/{seed.id}/press", data={"text": "  \n ", "action": "save"})
    assert response.status_code in (200, 422)


def test_laporan_signature_keeps_the_end_of_penutup_and_the_list_is_lampiran_i(
    app: Any, seed: Activity, runner: Any, tmp_path: Path
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    out = tmp_path / "laporan.pdf"
    result = runner.invoke(
        args=[
            "report",
            "programme",
            "--programme",
            seed.programme.name,
            "--unit",
            "POLRES-BLORA",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(out.read_bytes())).pages]
    signature_page = next(i for i, text in enumerate(pages) if "NRP" in text and "PENUTUP" in text)
    lampiran = next(i for i, text in enumerate(pages) if "LAMPIRAN I " in text + " ")
    assert lampiran > signature_page
    assert "Lampiran I Laporan" in pages[lampiran]
    assert "Ponpes Al Alif Tunjungan" in " ".join(pages[lampiran:])
    assert "DAFTAR KEGIATAN" in pages[lampiran]


def test_reports_page_downloads_submit_the_filter_form(app: Any, client: Any, seed: Activity) -> None:
    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    page = client.get(f"/reports/?programme={seed.programme_id}").get_data(as_text=True)
    downloads = page[page.index('data-testid="downloads"') :]
    downloads = downloads[: downloads.index("</div>")]
    assert "href=" not in downloads  # no link frozen on the applied filters
    assert downloads.count('form="report-filters"') == downloads.count("<button")
    assert 'formaction="/reports/programme.pdf"' in downloads
    assert 'id="report-filters"' in page


def test_activity_pdf_counts_the_parcels_once(seed: Activity, runner: Any, tmp_path: Path) -> None:
    out = tmp_path / "kegiatan.pdf"
    result = runner.invoke(args=["report", "activity", str(seed.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Ponpes Al Alif Tunjungan" in text
    assert "10 paket Paket sembako" not in text  # the parcels column already counts them


def test_laporan_as_docx_from_cli_and_web(
    app: Any, seed: Activity, runner: Any, client: Any, tmp_path: Path
) -> None:
    out = tmp_path / "laporan.docx"
    result = runner.invoke(
        args=[
            "report",
            "programme",
            "--programme",
            seed.programme.name,
            "--unit",
            "POLRES-BLORA",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert "VI. PENUTUP" in texts
    assert "LAMPIRAN I" in texts
    assert texts.index("LAMPIRAN I") > texts.index("VI. PENUTUP")
    cells = " ".join(c.text for table in doc.tables for row in table.rows for c in row.cells)
    assert "Ponpes Al Alif Tunjungan" in cells
    assert "LILIK WIDIASTUTI, S.H." in cells

    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    response = client.get(f"/reports/programme.pdf?programme={seed.programme_id}&format=docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].endswith('.docx"')
    assert response.get_data().startswith(b"PK")
