"""Priority messages (issue 15, item 6): a kamtibmas message marked as the priority for a unit's subtree and a period.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('date_to >= date_from', name=op.f('ck_priority_messages_period_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_priority_messages_created_by_id_users')),
    sa.ForeignKeyConstraint(['message_id'], ['kamtibmas_messages.id'], name=op.f('fk_priority_messages_message_id_kamtibmas_messages')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_priority_messages_programme_id_programmes')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_priority_messages_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_messages'))
    )
    with op.batch_alter_table('priority_messages', schema=None) as batch_op:
        batch_op.create_index('ix_priority_messages_unit_period', ['unit_id', 'date_from', 'date_to'], unique=False)


def downgrade():
    with op.batch_alter_table('priority_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_priority_messages_unit_period')
    op.drop_table('priority_messages')
