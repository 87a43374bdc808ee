"""An index for the dashboard's "waiting for verification" gap (issue 17).

The gap lists submitted activities oldest submission first (``ORDER BY submitted_at, id LIMIT 200``) within the
dashboard's unit, programme and period. Without an index leading on ``(status, submitted_at)`` every submitted
activity in scope was read and sorted: 0.4 s nationally at 1M activities on SQLite. With it the walk follows
the index in order, checks the filters in it, and stops at the 200th match.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_activities_status_submitted",
        "activities",
        ["status", "submitted_at", "id", "deleted_at", "programme_id", "unit_id", "occurred_on"],
    )


def downgrade():
    op.drop_index("ix_activities_status_submitted", table_name="activities")
