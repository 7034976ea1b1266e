"""provider inbox: webhooks (endpoints and the outbox of status changes) and referral notes

`webhook_endpoints` holds each URL a provider organization registered and its signing secret
(removed ones keep their row, `removed_at` set). `webhook_deliveries` is the transactional
outbox: one row per status change and endpoint, written in the projection's transaction; its id
is the delivery workflow's id (lieu.workflows.webhooks). `referral_notes` holds the notes a
referral's provider and the plan's staff share on one authorization.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import lieu.platform.db.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referral_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_notes")),
    )
    with op.batch_alter_table("referral_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_notes_authorization_id"),
            ["authorization_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("finished_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "event_id", "endpoint_id", name=op.f("uq_webhook_deliveries_event_id_endpoint_id")
        ),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_outcome"), ["outcome"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_endpoints_plan"), ["plan", "provider"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_endpoints_plan"))

    op.drop_table("webhook_endpoints")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_started_at"))
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_outcome"))

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("referral_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_notes_authorization_id"))

    op.drop_table("referral_notes")
