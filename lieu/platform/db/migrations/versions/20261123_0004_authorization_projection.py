"""authorization projection

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 05:36:18.645380
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import lieu.platform.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "authorizations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("definition_plan", sa.String(length=64), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("member_cin", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("county", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("quantity_requested", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("quantity_approved", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("quantity_reserved", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("quantity_used", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("service_start", sa.Date(), nullable=False),
        sa.Column("service_end", sa.Date(), nullable=True),
        sa.Column("presumptive_until", sa.Date(), nullable=True),
        sa.Column(
            "review_deadline", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("loop_status", sa.String(length=32), nullable=True),
        sa.Column("loop_reason", sa.String(length=64), nullable=True),
        sa.Column("renewals_used", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
    )
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.create_index("ix_authorizations_member", ["member_cin"], unique=False)
        batch_op.create_index("ix_authorizations_plan_support", ["plan", "support"], unique=False)
        batch_op.create_index("ix_authorizations_provider", ["provider"], unique=False)
        batch_op.create_index(
            "ix_authorizations_status_deadline", ["status", "review_deadline"], unique=False
        )

    op.create_table(
        "authorization_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["authorizations.id"],
            name=op.f("fk_authorization_events_authorization_id_authorizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorization_events")),
        sa.UniqueConstraint(
            "authorization_id", "seq", name=op.f("uq_authorization_events_authorization_id_seq")
        ),
    )
    with op.batch_alter_table("authorization_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authorization_events_authorization_id"),
            ["authorization_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("authorization_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authorization_events_authorization_id"))

    op.drop_table("authorization_events")
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.drop_index("ix_authorizations_status_deadline")
        batch_op.drop_index("ix_authorizations_provider")
        batch_op.drop_index("ix_authorizations_plan_support")
        batch_op.drop_index("ix_authorizations_member")

    op.drop_table("authorizations")
