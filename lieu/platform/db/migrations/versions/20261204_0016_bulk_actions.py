"""bulk actions: frozen sets of authorizations and each item's outcome

`bulk_batches` holds a bulk action as operations froze it (action, reason, the search's filter,
the count, who asked, its run status); `bulk_items` the authorizations of the set with their
status when frozen and the outcome of the action on each (done, refused with the reason,
failed, skipped).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = lieu.platform.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bulk_batches",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("started_at", MOMENT, nullable=True),
        sa.Column("ended_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_batches")),
    )
    with op.batch_alter_table("bulk_batches", schema=None) as batch_op:
        batch_op.create_index("ix_bulk_batches_plan_created", ["plan", "created_at"], unique=False)
    op.create_table(
        "bulk_items",
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("status_when_frozen", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("updated_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["bulk_batches.id"],
            name=op.f("fk_bulk_items_batch_id_bulk_batches"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "position", name=op.f("pk_bulk_items")),
        sa.UniqueConstraint(
            "batch_id",
            "authorization_id",
            name=op.f("uq_bulk_items_batch_id_authorization_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("bulk_items")
    with op.batch_alter_table("bulk_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_bulk_batches_plan_created")
    op.drop_table("bulk_batches")
