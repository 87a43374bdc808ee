"""Offline-first (issue 14): an activity's client_id (a UUID made on the phone) and the hash of its first body.

Two nullable columns and a unique index on ``client_id`` (many NULLs allowed on both databases). Reviewed by
hand: ``activities`` is NOT copied in batch mode on SQLite (see 0013: with foreign keys on, dropping the old
table would cascade-delete every visit, message and photo row); SQLite adds and drops (3.35+) a nullable
column in place, and PostgreSQL's ADD COLUMN rewrites nothing (nullable, no default).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('activities', sa.Column('client_id', sa.String(length=36), nullable=True))
    op.add_column('activities', sa.Column('client_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_activities_client_id', 'activities', ['client_id'], unique=True)


def downgrade():
    op.drop_index('ix_activities_client_id', table_name='activities')
    op.drop_column('activities', 'client_hash')
    op.drop_column('activities', 'client_id')
