"""ANEV: scores against the unit's own target (pro-rated) or its plans, bands, ranks, change, exports."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from outreach.exports import anev as export
from outreach.exports.pdf import Signatory
from outreach.extensions import db
from outreach.services import anev
from outreach.services.errors import Invalid
from tests import factories
from tests.support.anev import DEC_FROM, DEC_TO, TODAY, seed


@pytest.fixture
def report(world: factories.World) -> anev.Anev:
    return seed(world)


def test_scores_bands_ranks_and_change(report: anev.Anev) -> None:
    rows = {r.unit: r for r in report.rows}
    a1x, a1y = rows["POLSEK-A1X"], rows["POLSEK-A1Y"]
    assert a1x.basis == "target"
    assert a1x.realisation == {"parcels": (31, 62.0, 50.0)}
    assert a1x.score == 50.0 and a1x.band == "cukup"
    assert a1x.previous_score == 100.0 and a1x.change == -50.0
    assert (a1y.basis, a1y.planned, a1y.realised, a1y.overdue) == ("plan", 2, 1, 1)
    assert a1y.score == 50.0 and a1y.band == "cukup" and a1y.previous_score is None
    assert a1x.rank == a1y.rank == 1  # equal scores share the rank
    assert report.previous_from == date(2023, 10, 31) and report.previous_to == date(2023, 11, 30)  # 31 days


def test_bands_are_configurable_per_programme(world: factories.World, report: anev.Anev) -> None:
    assert world.programme is not None
    world.programme.anev_good_min, world.programme.anev_fair_min = 50, 40
    db.session.commit()
    again = anev.build(world.users["commander.a1"], world.programme.id, None, DEC_FROM, DEC_TO, today=TODAY)
    assert {r.band for r in again.rows} == {"baik"}
    assert anev.band_of(49.9, 90, 50) == "kurang" and anev.band_of(89.9, 90, 50) == "cukup"
    assert anev.band_of(90, 90, 50) == "baik" and anev.band_of(None, 90, 50) is None


def test_no_target_no_plan_no_score(world: factories.World) -> None:
    assert world.programme is not None
    report = anev.build(world.users["commander.a1"], world.programme.id, None, DEC_FROM, DEC_TO, today=TODAY)
    assert [(r.unit, r.score, r.band, r.rank) for r in report.rows] == [
        ("POLSEK-A1X", None, None, None),
        ("POLSEK-A1Y", None, None, None),
    ]
    with pytest.raises(Invalid):
        anev.build(world.users["commander.a1"], world.programme.id, None, DEC_TO, DEC_FROM)


def test_directives_default_edit_and_audit(world: factories.World, report: anev.Anev) -> None:
    assert world.programme is not None
    assert all(report.directives[b] for b in anev.BANDS)
    anev.save_directives(
        world.users["commander.a1"], world.programme.id, None, {"kurang": "Evaluasi mingguan"}
    )
    db.session.commit()
    again = anev.build(world.users["commander.a1"], world.programme.id, None, DEC_FROM, DEC_TO, today=TODAY)
    assert again.directives["kurang"] == "Evaluasi mingguan"
    assert again.directives["baik"] == report.directives["baik"]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[("" if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)]
    start = rows.index(list(export.HEADERS)) + 1
    out = []
    for row in rows[start:]:
        if not row or not row[0]:
            break
        out.append(row[: len(export.HEADERS)])
    return out


def test_pdf_and_xlsx_come_from_the_same_figures(report: anev.Anev) -> None:
    xlsx = _xlsx_rows(export.build_xlsx(report))
    assert xlsx == export.table_rows(report) and len(xlsx) == 2
    pdf = export.build_pdf(
        report,
        ["KEPOLISIAN NEGARA REPUBLIK INDONESIA"],
        Signatory(position="KAPOLRES", name="Budi"),
        "Blora",
        TODAY,
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    for row in xlsx:  # every XLSX row's cells appear in the PDF, in the same order
        pattern = r"\s*".join(re.escape(cell) for cell in row)
        assert re.search(pattern, text), (row, text[:2000])
    assert export.formula(report)[:40] in text
