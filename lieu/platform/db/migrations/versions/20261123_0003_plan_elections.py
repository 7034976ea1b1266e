"""plan elections

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:28:18.323371
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "election_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cycle_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scheduled_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("effective_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_changes")),
        sa.UniqueConstraint("request_id", name=op.f("uq_election_changes_request_id")),
    )
    with op.batch_alter_table("election_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_election_changes_cycle", ["plan", "cycle_start", "status"], unique=False
        )

    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("definition_plan", sa.String(length=64), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("added_by_change_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_change_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_change_id"],
            ["election_changes.id"],
            name=op.f("fk_elections_added_by_change_id_election_changes"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_change_id"],
            ["election_changes.id"],
            name=op.f("fk_elections_ended_by_change_id_election_changes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
    )
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_elections_as_of", ["county", "effective_from", "effective_to"], unique=False
        )
        batch_op.create_index(
            "ix_elections_plan_county", ["plan", "county", "support"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_index("ix_elections_plan_county")
        batch_op.drop_index("ix_elections_as_of")

    op.drop_table("elections")
    with op.batch_alter_table("election_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_election_changes_cycle")

    op.drop_table("election_changes")
