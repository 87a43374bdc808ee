"""Location position accuracy (issue 14): metres of uncertainty of a position taken with "Use my location".

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("locations") as batch_op:
        batch_op.add_column(sa.Column("position_accuracy_m", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("locations") as batch_op:
        batch_op.drop_column("position_accuracy_m")
