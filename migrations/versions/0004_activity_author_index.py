"""Index an activity's author: "My drafts" and the navigation badge counting them run on every page.

Without it the badge's count scanned every activity (230–320 ms per page at a million activities). One column:
with (status, deleted_at) after it SQLite skip-scanned the index for the activity lists and sorted every match.
Reviewed by hand: a plain CREATE INDEX on both databases (no table copy on SQLite).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_author', ['created_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_author')
