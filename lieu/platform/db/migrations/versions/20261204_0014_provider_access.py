"""provider access: birth-date misses and lockouts, contracts, the plan's access terms

`identity_misses` counts the birth dates a provider gave that identified no member, per (plan,
provider organization, CIN) and per token, and holds their lockouts (in the database, so every
API replica counts the same misses). `provider_contracts` says which supports a provider
organization is contracted for. `plans.access_terms` holds a plan's grace period and lockout
limits (`lieu.platform.access.terms`; null: the defaults).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 01:52:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import lieu.platform.db.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = lieu.platform.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "identity_misses",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("cin", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("first_miss_at", MOMENT, nullable=False),
        sa.Column("last_miss_at", MOMENT, nullable=False),
        sa.Column("locked_until", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_identity_misses")),
    )
    with op.batch_alter_table("identity_misses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_misses_plan"), ["plan"], unique=False)
    op.create_table(
        "provider_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_contracts")),
        sa.UniqueConstraint(
            "plan",
            "provider",
            "support",
            name=op.f("uq_provider_contracts_plan_provider_support"),
        ),
    )
    with op.batch_alter_table("plans", schema=None) as plans:
        plans.add_column(
            sa.Column(
                "access_terms",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as plans:
        plans.drop_column("access_terms")
    op.drop_table("provider_contracts")
    with op.batch_alter_table("identity_misses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_misses_plan"))
    op.drop_table("identity_misses")
