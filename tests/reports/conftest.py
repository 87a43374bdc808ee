"""Fixtures for the reports tests: a world with a few verified activities."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from outreach.extensions import db
from outreach.models import Activity
from outreach.services import activities as svc
from outreach.services.schema.activity import PartnerInput
from tests import factories


def pdf_text(data: bytes) -> str:
    """All text of a PDF with whitespace normalised."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@dataclass
class Seeded:
    world: factories.World
    first: Activity
    second: Activity
    draft: Activity


@pytest.fixture
def seeded(world: factories.World) -> Seeded:
    w = world
    staff, commander = w.users["staff.a1"], w.users["commander.a1"]
    first = factories.make_activity(
        staff,
        w.programme,
        w.u("POLSEK-A1X"),
        [w.locations["POLSEK-A1X"]],
        parcels=[25],
        beneficiaries=[30],
        title="Bakti sosial di pondok pesantren",
        messages=["Jaga persatuan dan kesatuan"],
        partners=[PartnerInput(name="KH. Nasir", role="Pengasuh Ponpes")],
    )
    second = factories.make_activity(
        staff,
        w.programme,
        w.u("POLSEK-A1Y"),
        [w.locations["POLSEK-A1Y"], w.locations["POLSEK-A1X"]],
        parcels=[10, 5],
        beneficiaries=[12, 8],
        occurred_on=__import__("datetime").date(2023, 12, 5),
    )
    draft = factories.make_activity(
        staff, w.programme, w.u("POLSEK-A1X"), [w.locations["POLSEK-A1X"]], parcels=[99]
    )
    for a in (first, second):
        svc.submit_activity(staff, a)
        svc.verify_activity(commander, a)
    db.session.commit()
    return Seeded(w, first, second, draft)
