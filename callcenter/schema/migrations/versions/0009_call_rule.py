"""the R1 rule a stored call was judged by: calls.rule_max_rings, calls.rule_ring_cycle_s

Every verdict on a stored call (its rings, `within_rule`, whether an unanswered wait was a
breach, the rule named in the service level) goes by the rule stored with it, so that editing
a queue's rule never re-judges history. The tracker writes the rule once, with the row; an
outbound call, which no rule judges, keeps NULL.

Backfill of the inbound rows already stored: what they stored does not determine their rule
(`caller_rings` = ceil(wait / cycle) only bounds the cycle, `within_rule` only bounds the
number of rings), so each row gets the rule the service judges it by until this revision:
its queue's rule in the `queues` table, or, for a queue the directory does not know or a call
that reached none, the site's rule from the settings (CALLCENTER_SLA_MAX_RINGS, default 3;
CALLCENTER_RING_CYCLE_SECONDS, default 5). Every figure reported before the upgrade is
reported the same after it.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _site_rule() -> tuple[int, float]:
    """The site's R1 rule as the settings read it (`callcenter.settings`), defaults 3 × 5 s."""
    max_rings = int(os.environ.get('CALLCENTER_SLA_MAX_RINGS', '3'))
    ring_cycle_s = float(os.environ.get('CALLCENTER_RING_CYCLE_SECONDS', '5'))
    if max_rings < 1 or not ring_cycle_s > 0:
        raise ValueError(f'site R1 rule out of range: {max_rings} rings of {ring_cycle_s} s')
    return max_rings, ring_cycle_s


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_max_rings', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rule_ring_cycle_s', sa.Float(), nullable=True))
    max_rings, ring_cycle_s = _site_rule()
    op.get_bind().execute(
        sa.text(
            "UPDATE calls SET "
            "rule_max_rings = coalesce((SELECT q.ring_threshold FROM queues q "
            "WHERE q.name = calls.queue), :max_rings), "
            "rule_ring_cycle_s = coalesce((SELECT q.ring_cycle_s FROM queues q "
            "WHERE q.name = calls.queue), :ring_cycle_s) "
            "WHERE direction = 'inbound'"
        ),
        {'max_rings': max_rings, 'ring_cycle_s': ring_cycle_s},
    )


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('rule_ring_cycle_s')
        batch_op.drop_column('rule_max_rings')
