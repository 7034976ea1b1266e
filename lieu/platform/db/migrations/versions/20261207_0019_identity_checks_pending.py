"""identity checks pending: birth-date checks being compared are counted apart from misses

`identity_misses.pending` counts the checks `begin_check` counted and `end_check` has not yet
settled. Before, a check was counted as a miss when it began and forgiven when it matched, so as
many checks at once as the limit (21 eligibility checks of one token sent together) locked the
scope though every birth date matched. Rows written before this revision keep their counts as
misses (which of them were in flight is not known).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identity_misses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_misses", schema=None) as batch_op:
        batch_op.drop_column("pending")
