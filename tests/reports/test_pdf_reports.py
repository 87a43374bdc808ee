"""Programme report, activity report and press release built from the database."""

from __future__ import annotations

from datetime import date

from outreach.models import ReportSection
from outreach.services import reports
from tests.reports.conftest import Seeded, pdf_text


def test_programme_report_sections_totals_and_dates(seeded: Seeded) -> None:
    w = seeded.world
    w.programme.unit = w.u("POLRES-A1")  # the programme's targets are POLRES-A1's (it runs it)
    user = w.users["commander.a1"]
    filters = reports.report_filter(w.programme, date_from=date(2023, 11, 1), date_to=date(2023, 12, 31))
    text = pdf_text(reports.programme_report_pdf(user, w.programme, filters, "id", today=date(2023, 12, 31)))
    for heading in (
        "I. PENDAHULUAN",
        "II. PELAKSANAAN",
        "III. HASIL YANG DICAPAI",
        "IV. HAMBATAN / KENDALA",
        "V. KESIMPULAN DAN SARAN",
        "VI. PENUTUP",
    ):
        assert heading in text
    assert "KEPOLISIAN NEGARA REPUBLIK INDONESIA DAERAH A RESOR A1" in text
    assert "Rabu, 1 November 2023" in text  # long Indonesian date of the period start
    assert "Halaman 1 dari" in text
    assert "2 kegiatan" in text  # submitted and verified: the draft is left out
    assert "Dihitung: kegiatan diajukan dan terverifikasi" in text
    # parcels 25 + 15 = 40 against the target 100; the draft's 99 parcels are not counted
    assert "Paket sembako 100 40 40" in text
    # By unit: activities, visits, locations, parcels, beneficiaries. Ponpes A1X is visited under both
    # Polsek: it is one of 2 distinct locations (as in III.1), not 1 + 2 = 3 (the sum of the rows).
    assert "JUMLAH 2 3 2 40 50" in text
    assert "Jaga persatuan dan kesatuan 1" in text
    assert "Bakti sosial" in text
    assert "30/11/2023" in text
    assert "05/12/2023" in text


def test_programme_report_english_and_report_texts(seeded: Seeded) -> None:
    w = seeded.world
    user = w.users["commander.a1"]
    reports.save_report_texts(
        user, w.programme, user.unit, {ReportSection.KENDALA: "Hujan deras di wilayah Polsek A1X."}
    )
    filters = reports.report_filter(w.programme)
    text = pdf_text(reports.programme_report_pdf(user, w.programme, filters, "en"))
    assert "Hujan deras di wilayah Polsek A1X." in text
    assert "Thursday, 19 October 2023" in text
    assert "Page 1 of" in text
    assert "Halaman" not in text


def test_pr_sees_only_verified_even_when_asking_for_all(seeded: Seeded) -> None:
    w = seeded.world
    filters = reports.report_filter(w.programme, statuses=[])
    totals = reports.totals(w.users["pr.a1"], filters)
    assert (totals.activities, totals.parcels) == (2, 40)
    assert reports.totals(w.users["commander.a1"], filters).activities == 3


def test_activity_report(seeded: Seeded) -> None:
    w = seeded.world
    text = pdf_text(reports.activity_report_pdf(w.users["pr.a1"], seeded.first.id, "id"))
    assert "Kamis, 30 November 2023" in text
    assert "Ponpes POLSEK-A1X" in text
    assert "KH. Nasir" in text
    assert "Jaga persatuan dan kesatuan" in text
    assert "LILIK WIDIASTUTI, S.H." in text
    assert "Halaman 1 dari" in text


def test_press_release_states_only_recorded_facts(seeded: Seeded) -> None:
    w = seeded.world
    release = reports.draft_press(w.users["pr.a1"], seeded.first.id)
    text = release.text
    assert "Kamis (30/11/2023)" in text
    assert "Cooling System Pemilu 2024" in text
    assert "Ponpes POLSEK-A1X" in text
    assert "25 paket sembako" in text
    assert "jaga persatuan dan kesatuan" in text.lower()
    assert "KH. Nasir" in text
    # nothing invented: no quote marks, no figures other than those recorded
    assert "“" not in text
    assert '"' not in text
    numbers = {int(n) for n in __import__("re").findall(r"\b\d+\b", text)}
    assert numbers <= {25, 30, 11, 2023, 2024}


def test_programme_report_options_numbering_and_photo_appendix(app, client, seeded, login_as, tmp_path):
    """The official-letter page numbering and a photo lampiran, chosen on the reports page."""
    import io

    from PIL import Image
    from sqlalchemy import select

    from outreach.extensions import db
    from outreach.models import Activity, ActivityStatus, Photo

    activity = db.session.scalars(select(Activity).where(Activity.status == ActivityStatus.VERIFIED)).first()
    upload_dir = tmp_path / "uploads"
    upload_dir.mkdir(exist_ok=True)
    app.config["OUTREACH_UPLOAD_DIR"] = str(upload_dir)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    (upload_dir / "appendix-test.jpg").write_bytes(buffer.getvalue())
    db.session.add(
        Photo(
            activity_id=activity.id,
            stored_name="appendix-test.jpg",
            content_type="image/jpeg",
            width=64,
            height=48,
            size_bytes=len(buffer.getvalue()),
            caption="Penyerahan paket",
            created_by_id=activity.created_by_id,
        )
    )
    db.session.commit()
    login_as("commander.a1")
    base = f"/reports/programme.pdf?programme_id={activity.programme_id}&status=verified&lang=id"
    plain = client.get(base)
    with_photos = client.get(base + "&photos=12&numbering=naskah_dinas")
    assert plain.status_code == with_photos.status_code == 200
    assert with_photos.data.startswith(b"%PDF-")
    text = " ".join(pdf_text(with_photos.data).split())
    assert "LAMPIRAN" in text and "Penyerahan paket" in text
    assert "Halaman 1 dari" not in text  # the naskah dinas style numbers pages at the top instead
    assert "Penyerahan paket" not in " ".join(pdf_text(plain.data).split())
