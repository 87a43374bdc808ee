"""A unit's Kemendagri region code (province for a Polda, regency/city for a Polres, kecamatan for a Polsek),
filled by `units load-polri` and `units import`.

Reviewed by hand: one nullable column. Downgrade drops it in place (SQLite ≥ 3.35 has DROP COLUMN): a batch
copy of ``units`` would drop a table that other tables' foreign keys point at, which SQLite refuses while
foreign keys are enforced.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=13), nullable=True))


def downgrade():
    op.execute('ALTER TABLE units DROP COLUMN region_code')
