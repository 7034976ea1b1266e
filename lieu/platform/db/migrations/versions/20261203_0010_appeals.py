"""appeals and grievances; a plan's appeal and grievance timeframes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import lieu.platform.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = lieu.platform.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("plans") as plans:
        plans.add_column(
            sa.Column(
                "appeal_terms",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    op.create_table(
        "appeals",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("member_cin", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("filed_by", sa.String(length=400), nullable=False),
        sa.Column("on_behalf", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expedited", sa.Boolean(), nullable=False),
        sa.Column("determination", sa.String(length=32), nullable=False),
        sa.Column("determination_seq", sa.Integer(), nullable=False),
        sa.Column("first_decided_by", sa.String(length=400), nullable=False),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.Column("deadline", MOMENT, nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("decided_by", sa.String(length=400), nullable=True),
        sa.Column("decided_at", MOMENT, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("quantity_approved", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index("ix_appeals_plan_status", "appeals", ["plan", "status", "deadline"])
    op.create_index("ix_appeals_authorization", "appeals", ["authorization_id"])
    op.create_table(
        "grievances",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("member_cin", sa.String(length=16), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=400), nullable=False),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.Column("acknowledge_by", MOMENT, nullable=False),
        sa.Column("acknowledged_at", MOMENT, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=400), nullable=True),
        sa.Column("resolve_by", MOMENT, nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=True),
        sa.Column("resolved_by", sa.String(length=400), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievances")),
        sa.UniqueConstraint(
            "plan", "idempotency_key", name=op.f("uq_grievances_plan_idempotency_key")
        ),
    )
    op.create_index("ix_grievances_plan_open", "grievances", ["plan", "resolved_at", "resolve_by"])


def downgrade() -> None:
    op.drop_index("ix_grievances_plan_open", table_name="grievances")
    op.drop_table("grievances")
    op.drop_index("ix_appeals_authorization", table_name="appeals")
    op.drop_index("ix_appeals_plan_status", table_name="appeals")
    op.drop_table("appeals")
    with op.batch_alter_table("plans") as plans:
        plans.drop_column("appeal_terms")
