"""call registry (R4): calls, their queue visits and agent rings

Child rows reference calls.call_id (the PBX Linkedid, unique) so that the registry writes a
batch of calls and children in one transaction with INSERT ... ON CONFLICT DO NOTHING.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:13:25.399759
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.storage.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calls',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('caller_num_raw', sa.String(length=80), nullable=False),
    sa.Column('caller_num_e164', sa.String(length=20), nullable=True),
    sa.Column('caller_name', sa.String(length=200), nullable=False),
    sa.Column('queue', sa.String(length=80), nullable=True),
    sa.Column('entered_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('queued_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('menu_s', sa.Float(), nullable=True),
    sa.Column('wait_s', sa.Float(), nullable=True),
    sa.Column('caller_rings', sa.Integer(), nullable=True),
    sa.Column('within_rule', sa.Boolean(), nullable=True),
    sa.Column('answered_by_agent', sa.String(length=80), nullable=True),
    sa.Column('answered_interface', sa.String(length=200), nullable=True),
    sa.Column('talk_s', sa.Float(), nullable=True),
    sa.Column('exit_reason', sa.String(length=20), nullable=False),
    sa.Column('abandon_position', sa.Integer(), nullable=True),
    sa.Column('interrupted', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('call_id', name=op.f('uq_calls_call_id'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_answered_by_agent'), ['answered_by_agent'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_caller_num_e164'), ['caller_num_e164'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_entered_at'), ['entered_at'], unique=False)
        batch_op.create_index('ix_calls_queue_entered_at', ['queue', 'entered_at'], unique=False)

    op.create_table('call_agent_legs',
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('visit_seq', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=80), nullable=False),
    sa.Column('leg_id', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.String(length=80), nullable=True),
    sa.Column('interface', sa.String(length=200), nullable=False),
    sa.Column('member_name', sa.String(length=200), nullable=False),
    sa.Column('rang_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ring_s', sa.Float(), nullable=False),
    sa.Column('rings', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('missed', sa.Boolean(), nullable=False),
    sa.Column('ended_by', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.call_id'], name=op.f('fk_call_agent_legs_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'seq', name=op.f('pk_call_agent_legs'))
    )
    with op.batch_alter_table('call_agent_legs', schema=None) as batch_op:
        batch_op.create_index('ix_call_agent_legs_agent_id_rang_at', ['agent_id', 'rang_at'], unique=False)

    op.create_table('call_queue_visits',
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=80), nullable=False),
    sa.Column('joined_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('left_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.call_id'], name=op.f('fk_call_queue_visits_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'seq', name=op.f('pk_call_queue_visits'))
    )


def downgrade() -> None:
    op.drop_table('call_queue_visits')
    with op.batch_alter_table('call_agent_legs', schema=None) as batch_op:
        batch_op.drop_index('ix_call_agent_legs_agent_id_rang_at')

    op.drop_table('call_agent_legs')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_queue_entered_at')
        batch_op.drop_index(batch_op.f('ix_calls_entered_at'))
        batch_op.drop_index(batch_op.f('ix_calls_customer_id'))
        batch_op.drop_index(batch_op.f('ix_calls_caller_num_e164'))
        batch_op.drop_index(batch_op.f('ix_calls_answered_by_agent'))

    op.drop_table('calls')
