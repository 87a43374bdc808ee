"""The standard catalogues: activity kinds, place kinds, item kinds with their measures, partner kinds and the
kamtibmas messages, installed by `db upgrade` so a deployment records activities without the demo data.

A data migration, reviewed by hand. It carries a frozen copy of the entries as they stand at this revision
(``outreach.services.catalogues`` is the canonical list; tests/test_catalogue_migration.py checks the two
agree), so it never imports application code and keeps meaning the same thing later. It only inserts the codes
a table does not have yet: an entry an admin relabelled, reordered or deactivated stays as the admin left it.
A later version adding standard entries does the same in its own migration. Downgrade removes nothing
(activities refer to the entries).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (code, Indonesian label, English label[, extra]) in display order; frozen at this revision.
ACTIVITY_KINDS = [
    ('bakti_sosial', 'Bakti sosial', 'Social aid (bakti sosial)'),
    ('sambang', 'Sambang', 'Visit to residents and leaders (sambang)'),
    ('penyuluhan', 'Penyuluhan / binluh', 'Guidance talk (penyuluhan)'),
    ('sosialisasi', 'Sosialisasi', 'Information campaign (sosialisasi)'),
    ('patroli_dialogis', 'Patroli dialogis', 'Dialogue patrol'),
    ('jumat_curhat', 'Jumat Curhat', 'Friday listening session (Jumat Curhat)'),
    ('minggu_kasih', 'Minggu Kasih', 'Sunday church visit (Minggu Kasih)'),
    ('dds', 'DDS (sambang dari rumah ke rumah)', 'Door-to-door visits (DDS)'),
    ('problem_solving', 'Problem solving', 'Problem solving'),
    ('lainnya', 'Lainnya', 'Other'),
]
LOCATION_KINDS = [
    ('pondok_pesantren', 'Pondok pesantren', 'Islamic boarding school (pondok pesantren)', True),
    ('panti_asuhan', 'Panti asuhan', 'Orphanage (panti asuhan)', True),
    ('masjid', 'Masjid / musala', 'Mosque', True),
    ('gereja', 'Gereja', 'Church', True),
    ('pura', 'Pura', 'Hindu temple (pura)', True),
    ('vihara', 'Vihara', 'Buddhist temple (vihara)', True),
    ('klenteng', 'Klenteng', 'Chinese temple (klenteng)', True),
    ('sekolah', 'Sekolah', 'School', True),
    ('kampus', 'Kampus', 'University campus', False),
    ('pasar', 'Pasar', 'Market', False),
    ('tempat_usaha', 'Warung / tempat usaha', 'Shop or stall', False),
    ('kantor', 'Balai desa / kantor', 'Village hall or office', False),
    ('pos_kamling', 'Pos kamling', 'Neighbourhood watch post', False),
    ('permukiman', 'Permukiman / kampung', 'Residential area', False),
    ('desa', 'Desa / kelurahan', 'Whole village', False),
    ('ruang_publik', 'Ruang publik', 'Public space', False),
    ('rutan', 'Rutan / lapas', 'Detention centre or prison', False),
    ('lainnya', 'Lainnya', 'Other', False),
]
ITEM_KINDS = [
    ('paket_sembako', 'Paket sembako', 'Food parcel (paket sembako)', 'paket'),
    ('beras', 'Beras', 'Rice', 'kg'),
    ('minyak_goreng', 'Minyak goreng', 'Cooking oil', 'liter'),
    ('brosur', 'Brosur / selebaran', 'Leaflets', 'lembar'),
    ('bantuan_uang', 'Bantuan uang', 'Cash aid', 'Rp'),
    ('lainnya', 'Lainnya', 'Other', ''),
]
PARTNER_KINDS = [
    ('pengasuh_ponpes', 'Pengasuh / pimpinan ponpes', 'Head of a boarding school'),
    ('pengurus_panti', 'Pengurus panti', 'Orphanage staff'),
    ('rohaniwan', 'Pendeta / pastor', 'Pastor or priest'),
    ('tokoh_agama', 'Tokoh agama', 'Religious leader'),
    ('tokoh_adat', 'Tokoh adat', 'Customary leader'),
    ('tokoh_masyarakat', 'Tokoh masyarakat', 'Community leader'),
    ('tokoh_pemuda', 'Tokoh pemuda', 'Youth leader'),
    ('kepala_desa', 'Kepala desa / lurah', 'Village head'),
    ('ketua_rt_rw', 'Ketua RT / RW', 'Neighbourhood head'),
    ('tni', 'Babinsa / Danramil (TNI)', 'Army (Babinsa / Danramil)'),
    ('camat', 'Camat', 'District head (camat)'),
    ('forkopimcam', 'Forkopimcam', 'District leadership forum'),
    ('satpol_pp', 'Satpol PP', 'Civil service police'),
    ('penyelenggara_pemilu', 'KPU / Bawaslu', 'Election bodies (KPU / Bawaslu)'),
    ('media', 'Media', 'Media'),
]
MESSAGES = [
    ('jaga_persatuan', 'Jaga persatuan dan kesatuan', 'Keep unity'),
    ('tolak_hoaks', 'Jangan mudah percaya hoaks / berita bohong', 'Do not believe hoaxes or false news'),
    ('jangan_terprovokasi', 'Jangan terprovokasi', 'Do not be provoked'),
    ('kerukunan', 'Jaga kerukunan dan toleransi antarumat beragama', 'Keep harmony and religious tolerance'),
    ('tolak_politik_uang', 'Tolak politik uang', 'Reject vote buying'),
    ('tolak_sara', 'Tolak isu SARA dan kampanye hitam', 'Reject sectarian issues and smear campaigns'),
    ('beda_pilihan', 'Beda pilihan jangan terpecah belah', 'Different choices, still united'),
    ('gunakan_hak_pilih', 'Gunakan hak pilih', 'Use your right to vote'),
    ('terima_hasil', 'Terima hasil dengan lapang dada', 'Accept the result graciously'),
    ('pemilu_damai', 'Pemilu aman, damai, dan sejuk', 'A safe, peaceful and calm election'),
    ('lapor_110', 'Laporkan gangguan kamtibmas ke 110', 'Report disturbances to 110'),
]


def _table(name, *extra):
    return sa.table(
        name,
        sa.column('code', sa.String),
        sa.column('label_id', sa.String),
        sa.column('label_en', sa.String),
        sa.column('sort_order', sa.Integer),
        sa.column('is_active', sa.Boolean),
        *extra,
    )


def _insert_missing(table, rows):
    """Insert the entries whose code the table lacks; sort order is the entry's place in the standard list."""
    conn = op.get_bind()
    present = set(conn.execute(sa.select(table.c.code)).scalars())
    missing = [row for row in rows if row["code"] not in present]
    if missing:
        conn.execute(table.insert(), missing)


def _rows(entries, extra=None):
    rows = []
    for order, entry in enumerate(entries):
        code, label_id, label_en = entry[:3]
        row = {'code': code, 'label_id': label_id, 'label_en': label_en, 'sort_order': order, 'is_active': True}
        if extra:
            row[extra] = entry[3]
        rows.append(row)
    return rows


def upgrade():
    _insert_missing(_table('activity_kinds'), _rows(ACTIVITY_KINDS))
    _insert_missing(_table('location_kinds', sa.column('is_key', sa.Boolean)), _rows(LOCATION_KINDS, 'is_key'))
    _insert_missing(_table('item_kinds', sa.column('measure', sa.String)), _rows(ITEM_KINDS, 'measure'))
    _insert_missing(_table('partner_kinds'), _rows(PARTNER_KINDS))
    _insert_missing(_table('kamtibmas_messages'), _rows(MESSAGES))


def downgrade():
    pass  # the entries stay: activities refer to them, and an admin may have edited them
