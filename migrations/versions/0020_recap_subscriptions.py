"""Scheduled recaps (issue 17, item 3): notification channels, recap subscriptions and the delivery outbox.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notification_channels_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_channels')),
    sa.UniqueConstraint('name', name=op.f('uq_notification_channels_name'))
    )
    op.create_table('recap_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', name='recapfrequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("frequency <> 'weekly' OR weekday IS NOT NULL", name=op.f('ck_recap_subscriptions_weekly_has_weekday')),
    sa.CheckConstraint('hour >= 0 AND hour <= 23', name=op.f('ck_recap_subscriptions_hour_of_day')),
    sa.CheckConstraint('weekday IS NULL OR (weekday >= 0 AND weekday <= 6)', name=op.f('ck_recap_subscriptions_weekday_range')),
    sa.ForeignKeyConstraint(['channel_id'], ['notification_channels.id'], name=op.f('fk_recap_subscriptions_channel_id_notification_channels')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_recap_subscriptions_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recap_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recap_subscriptions'))
    )
    with op.batch_alter_table('recap_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_recap_subscriptions_user', ['user_id'], unique=False)

    op.create_table('recap_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('schedule_key', sa.String(length=21), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='deliverystatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempt_count >= 0', name=op.f('ck_recap_deliveries_attempt_count_non_negative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_recap_deliveries_period_ordered')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_recap_deliveries_requested_by_id_users')),
    sa.ForeignKeyConstraint(['subscription_id'], ['recap_subscriptions.id'], name=op.f('fk_recap_deliveries_subscription_id_recap_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recap_deliveries')),
    sa.UniqueConstraint('subscription_id', 'schedule_key', name=op.f('uq_recap_deliveries_subscription_id_schedule_key'))
    )
    with op.batch_alter_table('recap_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_recap_deliveries_due', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('recap_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_recap_deliveries_due')

    op.drop_table('recap_deliveries')
    with op.batch_alter_table('recap_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_recap_subscriptions_user')

    op.drop_table('recap_subscriptions')
    op.drop_table('notification_channels')
