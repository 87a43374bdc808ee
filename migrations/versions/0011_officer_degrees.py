"""Keep an officer's degrees (S.H., S.I.K. …): the API and the form take them, and they were dropped.

Reviewed by hand: one nullable column added; batch mode copies the table on SQLite, a plain ALTER on PostgreSQL.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity_officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('degrees', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('activity_officers', schema=None) as batch_op:
        batch_op.drop_column('degrees')
