"""adopted calls: the registry says which calls were taken over mid-call and how exact

A call in progress while the service started, restarted or reconnected is adopted from the
PBX's lists and registered when it ends. `calls.adopted` marks it; `calls.precision` maps
each of its figures that is not exact to "second" (derived from the PBX's whole-second
Wait/Duration) or "unknown" (left empty), NULL when every figure is exact. Existing rows were
all followed from their first event: adopted false, precision NULL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('precision', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('precision')
        batch_op.drop_column('adopted')
