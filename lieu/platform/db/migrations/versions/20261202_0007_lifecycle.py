"""lifecycle: what an authorization waits for, a step that failed, late reports, review roles

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phase", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("problem", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reports_until", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("flagged_reports", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_roles", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("review_roles")
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.drop_column("flagged_reports")
        batch_op.drop_column("reports_until")
        batch_op.drop_column("problem")
        batch_op.drop_column("phase")
