"""The DOCX outputs as Word users see them (issue 16, item 7): the press release and the laporan of the demo's
seed story are rendered by LibreOffice Writer (``soffice --headless --convert-to pdf``, Debian's
libreoffice-writer-nogui, installed by ``make system-deps``), read back with pdftotext and drawn as PNGs with
pdftoppm into the test's tmp directory (the artefacts to look at).

Each conversion uses its own LibreOffice profile (``-env:UserInstallation``) in the test's tmp directory, so
parallel runs never share (or lock) one. Set ``OUTREACH_SCREENSHOTS=docs/screenshots`` to refresh the README's
DOCX pictures (``siaran-pers-docx.png``, ``laporan-docx.png``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Activity
from outreach.services.demo import SEED_DATE
from tests.support.demo import demo_copy

TOOLS = ("soffice", "pdftotext", "pdftoppm")
pytestmark = [
    pytest.mark.slow,  # LibreOffice starts in 2-10 s per document
    pytest.mark.skipif(
        not all(shutil.which(t) for t in TOOLS),
        reason="needs soffice, pdftotext and pdftoppm (make system-deps)",
    ),
]


@pytest.fixture
def seed(app: Any) -> Activity:
    demo_copy(app.config["OUTREACH_DEMO_PASSWORD"])
    activity = db.session.scalar(
        select(Activity).where(Activity.occurred_on == SEED_DATE).order_by(Activity.id)
    )
    assert activity is not None
    return activity


def _render(docx: Path, tmp_path: Path) -> Path:
    """``docx`` as a PDF made by LibreOffice Writer, with a private profile."""
    profile = tmp_path / f"lo-profile-{docx.stem}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{docx.stem}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"LibreOffice made no PDF of {docx.name}"
    return pdf


def _pages(pdf: Path) -> list[str]:
    """The PDF's text per page (pdftotext separates pages with a form feed), whitespace normalised."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def _pngs(pdf: Path, tmp_path: Path) -> list[Path]:
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True, timeout=120)
    pngs = sorted(tmp_path.glob(f"{pdf.stem}-*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    return pngs


def _keep(png: Path, name: str) -> None:
    target = os.environ.get("OUTREACH_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, Path(target) / name)


def test_press_release_docx_renders_in_libreoffice(seed: Activity, runner: Any, tmp_path: Path) -> None:
    docx = tmp_path / "siaran-pers.docx"
    result = runner.invoke(args=["report", "press", str(seed.id), "-o", str(docx)])
    assert result.exit_code == 0, result.output
    pdf = _render(docx, tmp_path)
    pages = _pages(pdf)
    text = " ".join(pages)
    assert "SIARAN PERS" in pages[0]
    assert "SEKSI HUMAS" in pages[0]
    assert "BLORA –" in text  # the dateline
    assert "50 paket sembako" in text
    assert "melalui Kasat Binmas" in text
    pngs = _pngs(pdf, tmp_path)
    assert len(pngs) == len(pages)
    _keep(pngs[0], "siaran-pers-docx.png")


def test_laporan_docx_renders_in_libreoffice(seed: Activity, runner: Any, tmp_path: Path) -> None:
    docx = tmp_path / "laporan.docx"
    result = runner.invoke(
        args=[
            "report", "programme", "--programme", seed.programme.name, "--unit", "POLRES-BLORA",
            "-o", str(docx),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pdf = _render(docx, tmp_path)
    pages = _pages(pdf)
    assert "LAPORAN" in pages[0]
    assert "POLRES BLORA" in pages[0].upper()
    closing = next(i for i, page in enumerate(pages) if "VI. PENUTUP" in page)
    appendix = next(i for i, page in enumerate(pages) if "LAMPIRAN I" in page)
    assert appendix > closing  # the activity list follows the closing section and the signature
    # the signature block is whole on the page that ends PENUTUP (never alone on a page of its own)
    signature = pages[closing].split("VI. PENUTUP", 1)[1]
    for line in ("Demikian laporan ini dibuat", "KASAT BINMAS POLRES BLORA", "LILIK WIDIASTUTI, S.H.", "NRP"):
        assert line in signature, (line, signature)
    assert "Ponpes Al Hidayah" in pages[appendix] + " ".join(pages[appendix + 1 :])  # LAMPIRAN I's table
    pngs = _pngs(pdf, tmp_path)
    assert len(pngs) == len(pages)
    _keep(pngs[closing], "laporan-docx.png")
