"""Fixtures for the export builders: seed data from the Polres Blora story, no app and no database."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from outreach.exports import pdf

KOP = ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAWA TENGAH", "RESOR BLORA")
SIGNATORY = pdf.Signatory(
    position="KASAT BINMAS POLRES BLORA", name="Lilik Widiastuti", degrees="S.H.", rank="AKP", nrp="12345678"
)
UNITS = ("Sat Binmas Polres Blora", "Polsek Cepu", "Polsek Randublatung", "Polsek Kunduran")
KINDS = ("Bakti sosial", "Sambang", "Penyuluhan", "Jumat Curhat")


def page_texts(data: bytes) -> list[str]:
    """Text of each page with whitespace normalised (pypdf)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def pdf_pages() -> Callable[[bytes], list[str]]:
    return page_texts


def activity_rows(n: int, start: date = date(2023, 11, 1)) -> Iterator[pdf.ActivityRow]:
    """A deterministic generator of ``n`` activity-list rows (parcels i % 5 * 10, beneficiaries i % 50)."""
    for i in range(n):
        yield pdf.ActivityRow(
            on=start + timedelta(days=i % 60),
            unit=UNITS[i % 4],
            kind=KINDS[i % 4],
            leader="AKP Lilik Widiastuti, S.H." if i % 2 == 0 else "Bripka Agus Santoso",
            locations="Ponpes Al Alif Tunjungan; Panti Asuhan Darul Hadlonah" if i % 3 == 0 else "Pasar Cepu",
            parcels=(i % 5) * 10,
            beneficiaries=i % 50,
        )


@pytest.fixture
def png_bytes() -> Callable[..., bytes]:
    def make(color: str = "navy", size: tuple[int, int] = (320, 240)) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", size, color).save(out, "PNG")
        return out.getvalue()

    return make


@pytest.fixture
def programme_report(png_bytes: Callable[..., bytes]) -> Callable[..., pdf.ProgrammeReport]:
    """Factory for a filled programme report; keyword arguments override fields (``rows=n`` sets the list)."""

    def make(rows: int = 20, **overrides: Any) -> pdf.ProgrammeReport:
        fields: dict[str, Any] = {
            "title": "Kegiatan Binmas",
            "programme_name": "Cooling System Pemilu 2024",
            "period_start": date(2023, 11, 1),
            "period_end": date(2023, 12, 31),
            "signing_place": "Blora",
            "signing_date": date(2023, 12, 31),
            "signatory": SIGNATORY,
            "kop": KOP,
            "report_number": "R/LAP/123/XII/2023/Binmas",
            "author": "Sat Binmas Polres Blora",
            "dasar": (
                "Surat Perintah Kapolres Blora Nomor Sprin/1234/XI/2023.\nRencana Operasi Mantap Brata 2023."
            ),
            "execution": pdf.ExecutionFacts(
                activity_count=rows, units=UNITS, personnel_count=42, leaders=("AKP Lilik Widiastuti, S.H.",)
            ),
            "targets": (
                pdf.TargetRow(label="Paket sembako", achieved=50, target=60),
                pdf.TargetRow(label="Lokasi dikunjungi", achieved=5),
            ),
            "by_unit": (
                pdf.UnitRow(
                    unit="Sat Binmas Polres Blora",
                    activities=12,
                    visits=30,
                    locations=5,
                    parcels=50,
                    beneficiaries=2500,
                ),
                pdf.UnitRow(
                    unit="Polsek Cepu", activities=8, visits=9, locations=4, parcels=0, beneficiaries=120
                ),
            ),
            "by_location_kind": (
                pdf.LocationKindRow(label="Pondok pesantren", visits=3, locations=3, parcels=30),
                pdf.LocationKindRow(label="Panti asuhan", visits=2, locations=2, parcels=20),
            ),
            "by_message": (
                pdf.MessageRow(text="Jaga persatuan dan kesatuan", times=12),
                pdf.MessageRow(text="Jangan mudah percaya hoaks", times=9),
            ),
            "monthly": (
                pdf.SeriesPoint(label="Nov 2023", value=12),
                pdf.SeriesPoint(label="Des 2023", value=8),
            ),
            "activities": activity_rows(rows),
            "photos": (
                pdf.Photo(image=png_bytes(), caption="Penyerahan paket sembako di Ponpes Al Alif Tunjungan"),
            ),
        }
        fields.update(overrides)
        return pdf.ProgrammeReport(**fields)

    return make


@pytest.fixture
def activity_report(png_bytes: Callable[..., bytes]) -> Callable[..., pdf.ActivityReport]:
    """Factory for the seed story's activity report (Polres Blora, 30 November 2023)."""

    def make(**overrides: Any) -> pdf.ActivityReport:
        fields: dict[str, Any] = {
            "kind": "Bakti sosial",
            "on": date(2023, 11, 30),
            "start_time": time(8, 30),
            "end_time": time(11, 0),
            "unit": "Sat Binmas Polres Blora",
            "leader": "AKP Lilik Widiastuti, S.H.",
            "leader_position": "Kasat Binmas Polres Blora",
            "officers": ("Bripka Agus Santoso", "Briptu Dewi Lestari"),
            "programme": "Cooling System Pemilu 2024",
            "visits": (
                pdf.VisitRow(
                    location="Ponpes Al Alif Tunjungan",
                    kind="Pondok pesantren",
                    partner="KH. Nasir (pengasuh)",
                    parcels=10,
                    beneficiaries=40,
                    beneficiary_group="santri",
                ),
                pdf.VisitRow(location="Panti Asuhan Darul Hadlonah", kind="Panti asuhan", parcels=10),
                pdf.VisitRow(location="Ponpes Khozinatul Ulum", kind="Pondok pesantren", parcels=10),
                pdf.VisitRow(location="Panti Asuhan Muhammadiyah", kind="Panti asuhan", parcels=10),
                pdf.VisitRow(
                    location="Ponpes Al Muttaqin",
                    kind="Pondok pesantren",
                    parcels=10,
                    other_items="brosur 50 lembar",
                ),
            ),
            "messages": ("Jaga persatuan dan kesatuan", "Jangan mudah percaya hoaks", "Jaga kerukunan"),
            "partners": (pdf.PartnerRow(name="KH. Nasir", role="pengasuh Ponpes Al Alif Tunjungan"),),
            "summary": "Bakti sosial dalam rangka cooling system menuju Pemilu Damai 2024.",
            "media": (
                pdf.MediaItem(
                    outlet="infodesanews", title="Bakti Sosial Polres Blora", published_on=date(2023, 11, 30)
                ),
            ),
            "photos": (pdf.Photo(image=png_bytes("green"), caption="Sowan ke KH. Nasir"),),
            "signing_place": "Blora",
            "signing_date": date(2023, 11, 30),
            "signatory": SIGNATORY,
            "kop": KOP,
        }
        fields.update(overrides)
        return pdf.ActivityReport(**fields)

    return make
