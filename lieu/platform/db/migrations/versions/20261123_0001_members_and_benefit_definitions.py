"""members and benefit definitions

Revision ID: 0001
Revises:
Create Date: 2026-11-23 05:19:46.072048
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import lieu.platform.db.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "definition_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "retired",
                name="definitionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("extends_plan", sa.String(length=64), nullable=True),
        sa.Column("extends_support", sa.String(length=64), nullable=True),
        sa.Column("extends_version", sa.Integer(), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retired_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_versions")),
        sa.UniqueConstraint(
            "plan", "support", "version", name=op.f("uq_definition_versions_plan_support_version")
        ),
    )
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_definition_versions_in_force",
            ["plan", "support", "status", "effective_from"],
            unique=False,
        )

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cin", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("plan", "cin", name=op.f("uq_members_plan_cin")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_cin"), ["cin"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_plan"), ["plan"], unique=False)

    op.create_table(
        "definition_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition_versions.id"],
            name=op.f("fk_definition_events_definition_id_definition_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_events")),
    )
    with op.batch_alter_table("definition_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_definition_events_definition_id"), ["definition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("definition_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_events_definition_id"))

    op.drop_table("definition_events")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_plan"))
        batch_op.drop_index(batch_op.f("ix_members_cin"))

    op.drop_table("members")
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_definition_versions_in_force")

    op.drop_table("definition_versions")
