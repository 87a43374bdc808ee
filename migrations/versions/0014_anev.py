"""ANEV and reporting locks: band thresholds, the lock delay per programme, directives and lock exceptions.

Three integer columns on ``programmes`` (band thresholds with server defaults 90 and 50, so existing rows get
the defaults; ``lock_after_days`` nullable) and two new tables, ``anev_directives`` and ``lock_exceptions``. Reviewed by hand: ``programmes`` is NOT copied in batch mode on SQLite — the
programme targets and report texts reference it ON DELETE CASCADE, so dropping the old table would delete them;
SQLite adds (and, 3.35+, drops) plain columns in place.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('programmes', sa.Column('anev_good_min', sa.Integer(), server_default=sa.text('90'), nullable=False))
    op.add_column('programmes', sa.Column('anev_fair_min', sa.Integer(), server_default=sa.text('50'), nullable=False))
    op.add_column('programmes', sa.Column('lock_after_days', sa.Integer(), nullable=True))
    op.create_table('lock_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_lock_exceptions_granted_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_lock_exceptions_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_lock_exceptions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lock_exceptions')),
    sa.UniqueConstraint('programme_id', 'unit_id', 'month', name='uq_lock_exceptions_scope')
    )
    op.create_table('anev_directives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_anev_directives_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_anev_directives_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anev_directives')),
    sa.UniqueConstraint('programme_id', 'unit_id', 'band', name='uq_anev_directives_scope')
    )


def downgrade():
    op.drop_table('lock_exceptions')
    op.drop_column('programmes', 'lock_after_days')
    op.drop_table('anev_directives')
    op.drop_column('programmes', 'anev_fair_min')
    op.drop_column('programmes', 'anev_good_min')
