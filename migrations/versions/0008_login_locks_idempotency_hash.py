"""Login locks shared by every worker; the body hash of an Idempotency-Key.

``login_locks`` holds the locks in force (an address, an account from one address, an account's backoff), so
gunicorn workers agree on them. ``idempotency_keys.request_hash`` lets a reused key with another body be
refused; keys stored before it stay NULL and replay as before. ``ix_login_attempts_at`` lets failed
attempts older than the throttle's window be pruned.
Reviewed by hand: a new table and a nullable column (SQLite's batch mode copies idempotency_keys).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_locks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_locks'))
    )
    with op.batch_alter_table('login_locks', schema=None) as batch_op:
        batch_op.create_index('ix_login_locks_key', ['scope', 'username', 'ip'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_locks_until'), ['until'], unique=False)

    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_at', ['at'], unique=False)

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('request_hash')

    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_at')

    with op.batch_alter_table('login_locks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_locks_until'))
        batch_op.drop_index('ix_login_locks_key')

    op.drop_table('login_locks')
