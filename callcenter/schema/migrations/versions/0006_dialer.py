"""dialer: follow-up jobs, attempts and the pause switch (R13-R20)

A branch from 0002 (`migrate.upgrade` goes to all heads). It depends on 0004, whose
customers, orders, complaints and contracts the jobs reference, so 0004 is always applied
first whatever order the branches are walked in.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-22 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.storage.types

revision: str = '0006'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = '0004'

_TS = callcenter.storage.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('dialer_jobs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('result', sa.String(length=24), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('technician', sa.String(length=120), nullable=True),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('source_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('opens_at', _TS, nullable=False),
    sa.Column('due_at', _TS, nullable=False),
    sa.Column('next_attempt_at', _TS, nullable=True),
    sa.Column('window_closes_at', _TS, nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('at_risk', sa.Boolean(), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', _TS, nullable=True),
    sa.Column('taken_by', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', _TS, nullable=False),
    sa.Column('updated_at', _TS, nullable=False),
    sa.Column('finished_at', _TS, nullable=True),
    sa.Column('written_back_at', _TS, nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_dialer_jobs_complaint_id_complaints'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['maintenance_contracts.id'], name=op.f('fk_dialer_jobs_contract_id_maintenance_contracts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_dialer_jobs_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['service_orders.id'], name=op.f('fk_dialer_jobs_order_id_service_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_dialer_jobs_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialer_jobs')),
    sa.UniqueConstraint('source_event_id', 'kind', name='uq_dialer_jobs_event_kind')
    )
    with op.batch_alter_table('dialer_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_dialer_jobs_claim', ['state', 'mode', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dialer_jobs_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dialer_jobs_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dialer_jobs_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_dialer_jobs_state_due_at', ['state', 'due_at'], unique=False)
        batch_op.create_index('ix_dialer_jobs_subject', ['kind', 'subject'], unique=False)

    op.create_table('dialer_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('claimed_at', _TS, nullable=False),
    sa.Column('dialled_at', _TS, nullable=True),
    sa.Column('answered_at', _TS, nullable=True),
    sa.Column('ended_at', _TS, nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('originate_reason', sa.SmallInteger(), nullable=True),
    sa.Column('hangup_cause', sa.SmallInteger(), nullable=True),
    sa.Column('flow_outcome', sa.String(length=10), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('agent', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['dialer_jobs.id'], name=op.f('fk_dialer_attempts_job_id_dialer_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialer_attempts')),
    sa.UniqueConstraint('channel_id', name=op.f('uq_dialer_attempts_channel_id')),
    sa.UniqueConstraint('job_id', 'number', name='uq_dialer_attempts_slot')
    )

    op.create_table('dialer_control',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('changed_by', sa.String(length=120), nullable=False),
    sa.Column('changed_at', _TS, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialer_control'))
    )


def downgrade() -> None:
    op.drop_table('dialer_control')
    op.drop_table('dialer_attempts')
    with op.batch_alter_table('dialer_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_dialer_jobs_subject')
        batch_op.drop_index('ix_dialer_jobs_state_due_at')
        batch_op.drop_index(batch_op.f('ix_dialer_jobs_order_id'))
        batch_op.drop_index(batch_op.f('ix_dialer_jobs_customer_id'))
        batch_op.drop_index(batch_op.f('ix_dialer_jobs_complaint_id'))
        batch_op.drop_index('ix_dialer_jobs_claim')
    op.drop_table('dialer_jobs')
