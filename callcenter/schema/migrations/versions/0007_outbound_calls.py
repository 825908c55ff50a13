"""outbound calls in the call registry; the agent desk's click-to-dial table goes

Click-to-dial calls are registered by the call tracker like any other call, with
`calls.direction` = 'outbound' and the call id the desk's Originate gave them, so the
`agent_dials` table that kept them apart has no job left. Its rows are not carried over:
they hold no call times (only when the click was made and how the Originate ended).
A downgrade moves the outbound calls back into `agent_dials`, so that the registry holds
only what the older code can read.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-22 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import callcenter.storage.types

revision: str = '0007'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direction', sa.String(length=8), nullable=False,
                                      server_default='inbound'))
    with op.batch_alter_table('agent_dials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_dials_agent_id'))
    op.drop_table('agent_dials')


def downgrade() -> None:
    op.create_table('agent_dials',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('leg_id', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.String(length=80), nullable=False),
    sa.Column('interface', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('started_at', callcenter.storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_dials')),
    sa.UniqueConstraint('leg_id', name=op.f('uq_agent_dials_leg_id'))
    )
    with op.batch_alter_table('agent_dials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_dials_agent_id'), ['agent_id'], unique=False)
    # A registered outbound call is one whose agent answered the click: result 'answered'.
    op.execute(
        "INSERT INTO agent_dials (leg_id, agent_id, interface, customer_id, number, "
        "started_at, result) SELECT call_id, coalesce(answered_by_agent, ''), "
        "coalesce(answered_interface, ''), customer_id, "
        "substr(coalesce(caller_num_e164, caller_num_raw), 1, 20), entered_at, 'answered' "
        "FROM calls WHERE direction = 'outbound'")
    op.execute("DELETE FROM calls WHERE direction = 'outbound'")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('direction')
