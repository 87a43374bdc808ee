"""The reference catalogues every deployment starts with (admins extend them), and lookups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ActivityKind, ItemKind, KamtibmasMessage, LocationKind, PartnerKind

ACTIVITY_KINDS = [
    ("bakti_sosial", "Bakti sosial", "Social aid (bakti sosial)"),
    ("sambang", "Sambang", "Visit to residents and leaders (sambang)"),
    ("penyuluhan", "Penyuluhan / binluh", "Guidance talk (penyuluhan)"),
    ("sosialisasi", "Sosialisasi", "Information campaign (sosialisasi)"),
    ("patroli_dialogis", "Patroli dialogis", "Dialogue patrol"),
    ("jumat_curhat", "Jumat Curhat", "Friday listening session (Jumat Curhat)"),
    ("minggu_kasih", "Minggu Kasih", "Sunday church visit (Minggu Kasih)"),
    ("dds", "DDS (sambang dari rumah ke rumah)", "Door-to-door visits (DDS)"),
    ("problem_solving", "Problem solving", "Problem solving"),
    ("lainnya", "Lainnya", "Other"),
]
LOCATION_KINDS = [
    ("pondok_pesantren", "Pondok pesantren", "Islamic boarding school (pondok pesantren)", True),
    ("panti_asuhan", "Panti asuhan", "Orphanage (panti asuhan)", True),
    ("masjid", "Masjid / musala", "Mosque", True),
    ("gereja", "Gereja", "Church", True),
    ("pura", "Pura", "Hindu temple (pura)", True),
    ("vihara", "Vihara", "Buddhist temple (vihara)", True),
    ("klenteng", "Klenteng", "Chinese temple (klenteng)", True),
    ("sekolah", "Sekolah", "School", True),
    ("kampus", "Kampus", "University campus", False),
    ("pasar", "Pasar", "Market", False),
    ("tempat_usaha", "Warung / tempat usaha", "Shop or stall", False),
    ("kantor", "Balai desa / kantor", "Village hall or office", False),
    ("pos_kamling", "Pos kamling", "Neighbourhood watch post", False),
    ("permukiman", "Permukiman / kampung", "Residential area", False),
    ("desa", "Desa / kelurahan", "Whole village", False),
    ("ruang_publik", "Ruang publik", "Public space", False),
    ("rutan", "Rutan / lapas", "Detention centre or prison", False),
    ("lainnya", "Lainnya", "Other", False),
]
ITEM_KINDS = [
    ("paket_sembako", "Paket sembako", "Food parcel (paket sembako)", "paket"),
    ("beras", "Beras", "Rice", "kg"),
    ("minyak_goreng", "Minyak goreng", "Cooking oil", "liter"),
    ("brosur", "Brosur / selebaran", "Leaflets", "lembar"),
    ("bantuan_uang", "Bantuan uang", "Cash aid", "Rp"),
    ("lainnya", "Lainnya", "Other", ""),
]
PARTNER_KINDS = [
    ("pengasuh_ponpes", "Pengasuh / pimpinan ponpes", "Head of a boarding school"),
    ("pengurus_panti", "Pengurus panti", "Orphanage staff"),
    ("rohaniwan", "Pendeta / pastor", "Pastor or priest"),
    ("tokoh_agama", "Tokoh agama", "Religious leader"),
    ("tokoh_adat", "Tokoh adat", "Customary leader"),
    ("tokoh_masyarakat", "Tokoh masyarakat", "Community leader"),
    ("tokoh_pemuda", "Tokoh pemuda", "Youth leader"),
    ("kepala_desa", "Kepala desa / lurah", "Village head"),
    ("ketua_rt_rw", "Ketua RT / RW", "Neighbourhood head"),
    ("tni", "Babinsa / Danramil (TNI)", "Army (Babinsa / Danramil)"),
    ("camat", "Camat", "District head (camat)"),
    ("forkopimcam", "Forkopimcam", "District leadership forum"),
    ("satpol_pp", "Satpol PP", "Civil service police"),
    ("penyelenggara_pemilu", "KPU / Bawaslu", "Election bodies (KPU / Bawaslu)"),
    ("media", "Media", "Media"),
]
MESSAGES = [
    ("jaga_persatuan", "Jaga persatuan dan kesatuan", "Keep unity"),
    ("tolak_hoaks", "Jangan mudah percaya hoaks / berita bohong", "Do not believe hoaxes or false news"),
    ("jangan_terprovokasi", "Jangan terprovokasi", "Do not be provoked"),
    ("kerukunan", "Jaga kerukunan dan toleransi antarumat beragama", "Keep harmony and religious tolerance"),
    ("tolak_politik_uang", "Tolak politik uang", "Reject vote buying"),
    ("tolak_sara", "Tolak isu SARA dan kampanye hitam", "Reject sectarian issues and smear campaigns"),
    ("beda_pilihan", "Beda pilihan jangan terpecah belah", "Different choices, still united"),
    ("gunakan_hak_pilih", "Gunakan hak pilih", "Use your right to vote"),
    ("terima_hasil", "Terima hasil dengan lapang dada", "Accept the result graciously"),
    ("pemilu_damai", "Pemilu aman, damai, dan sejuk", "A safe, peaceful and calm election"),
    ("lapor_110", "Laporkan gangguan kamtibmas ke 110", "Report disturbances to 110"),
]
#: Each standard message as prose for a press release: the clause after "mengimbau warga agar …" / "urged
#: residents to …". Written without "dan" where Indonesian allows, so a list of them reads as one sentence.
#: Migration 0015 fills the same texts by code (keep them in step).
MESSAGE_APPEALS = {
    "jaga_persatuan": ("tetap menjaga persatuan dan kesatuan", "stay united"),
    "tolak_hoaks": ("tidak mudah percaya hoaks atau berita bohong", "not believe hoaxes or false news"),
    "jangan_terprovokasi": ("tidak mudah terprovokasi", "not let themselves be provoked"),
    "kerukunan": (
        "menjaga kerukunan dan toleransi antarumat beragama",
        "keep harmony and tolerance between religious communities",
    ),
    "tolak_politik_uang": ("menolak politik uang", "reject vote buying"),
    "tolak_sara": ("menolak isu SARA maupun kampanye hitam", "reject sectarian issues and smear campaigns"),
    "beda_pilihan": ("tidak terpecah belah meski berbeda pilihan", "stay united whatever their choice"),
    "gunakan_hak_pilih": ("menggunakan hak pilihnya", "use their right to vote"),
    "terima_hasil": ("menerima hasil pemilu dengan lapang dada", "accept the result graciously"),
    "pemilu_damai": (
        "turut mewujudkan pemilu yang aman, damai, dan sejuk",
        "help make the election safe, peaceful and calm",
    ),
    "lapor_110": (
        "segera melaporkan gangguan kamtibmas melalui layanan 110",
        "report any disturbance to 110",
    ),
}


def _upsert(model: Any, code: str, **values: Any) -> None:
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        db.session.add(model(code=code, **values))


def seed_catalogues() -> None:
    """Insert the standard entries that are missing; existing rows (maybe edited by an admin) stay as they are."""
    for order, (code, label_id, label_en) in enumerate(ACTIVITY_KINDS):
        _upsert(ActivityKind, code, label_id=label_id, label_en=label_en, sort_order=order)
    for order, (code, label_id, label_en, is_key) in enumerate(LOCATION_KINDS):
        _upsert(LocationKind, code, label_id=label_id, label_en=label_en, sort_order=order, is_key=is_key)
    for order, (code, label_id, label_en, measure) in enumerate(ITEM_KINDS):
        _upsert(ItemKind, code, label_id=label_id, label_en=label_en, sort_order=order, measure=measure)
    for order, (code, label_id, label_en) in enumerate(PARTNER_KINDS):
        _upsert(PartnerKind, code, label_id=label_id, label_en=label_en, sort_order=order)
    for order, (code, label_id, label_en) in enumerate(MESSAGES):
        appeal_id, appeal_en = MESSAGE_APPEALS.get(code, ("", ""))
        _upsert(
            KamtibmasMessage,
            code,
            label_id=label_id,
            label_en=label_en,
            sort_order=order,
            appeal_id=appeal_id,
            appeal_en=appeal_en,
        )
    db.session.flush()


def active(model: Any) -> list[Any]:
    """Active entries of a catalogue in display order."""
    return list(
        db.session.scalars(
            select(model).where(model.is_active.is_(True)).order_by(model.sort_order, model.id)
        )
    )
