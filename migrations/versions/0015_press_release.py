"""Press release: a prose appeal on each kamtibmas message, a quote and the edited release on the activity.

Reviewed by hand: nullable or server-defaulted columns only; the standard catalogue messages get their appeal
by code (rows an admin added keep an empty appeal, and the release falls back to their label).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Keep in step with outreach.services.catalogues.MESSAGE_APPEALS (a migration never imports the app).
APPEALS = {
    'jaga_persatuan': ('tetap menjaga persatuan dan kesatuan', 'stay united'),
    'tolak_hoaks': ('tidak mudah percaya hoaks atau berita bohong', 'not believe hoaxes or false news'),
    'jangan_terprovokasi': ('tidak mudah terprovokasi', 'not let themselves be provoked'),
    'kerukunan': (
        'menjaga kerukunan dan toleransi antarumat beragama',
        'keep harmony and tolerance between religious communities',
    ),
    'tolak_politik_uang': ('menolak politik uang', 'reject vote buying'),
    'tolak_sara': ('menolak isu SARA maupun kampanye hitam', 'reject sectarian issues and smear campaigns'),
    'beda_pilihan': ('tidak terpecah belah meski berbeda pilihan', 'stay united whatever their choice'),
    'gunakan_hak_pilih': ('menggunakan hak pilihnya', 'use their right to vote'),
    'terima_hasil': ('menerima hasil pemilu dengan lapang dada', 'accept the result graciously'),
    'pemilu_damai': ('turut mewujudkan pemilu yang aman, damai, dan sejuk', 'help make the election safe, peaceful and calm'),
    'lapor_110': ('segera melaporkan gangguan kamtibmas melalui layanan 110', 'report any disturbance to 110'),
}


def upgrade():
    with op.batch_alter_table('kamtibmas_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_id', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('appeal_en', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_by', sa.String(length=160), server_default='', nullable=False))
        batch_op.add_column(sa.Column('quote_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('press_text', sa.Text(), nullable=True))
    messages = sa.table(
        'kamtibmas_messages', sa.column('code', sa.String), sa.column('appeal_id', sa.String),
        sa.column('appeal_en', sa.String),
    )
    for code, (appeal_id, appeal_en) in APPEALS.items():
        op.execute(
            messages.update()
            .where(messages.c.code == code, messages.c.appeal_id == '')
            .values(appeal_id=appeal_id, appeal_en=appeal_en)
        )


def downgrade():
    # Columns are dropped in place, never by batch mode's table copy: on SQLite (3.35+) dropping the old copy of
    # `activities` would cascade to its visits, officers and photos (foreign keys are on).
    for table, column in (
        ('activities', 'press_text'),
        ('activities', 'quote_text'),
        ('activities', 'quote_by'),
        ('kamtibmas_messages', 'appeal_en'),
        ('kamtibmas_messages', 'appeal_id'),
    ):
        op.drop_column(table, column)
