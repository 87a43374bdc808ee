"""Location position accuracy (issue 14): metres of uncertainty of a position taken with "Use my location".

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("locations", sa.Column("position_accuracy_m", sa.Double(), nullable=True))


def downgrade():
    # Dropped in place, never by batch mode's table copy: on SQLite (3.35+) dropping the old copy of `locations`
    # fails on the visits that point at it (foreign keys are on).
    op.drop_column("locations", "position_accuracy_m")
