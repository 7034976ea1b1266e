"""definition reviews: a draft submitted for approval and its decision; approver tokens

`definition_reviews` holds each submission of a draft (who, when, the SHA-256 of the document
as submitted, the author's note) and its decision (approved and published with its effective
date, or returned with a comment, or withdrawn). `api_tokens.approver` marks the plan_admin
tokens that may approve a colleague's draft.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-04 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0018"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = lieu.platform.db.base.UTCDateTime(timezone=True)
STATUS = sa.Enum(
    "pending",
    "approved",
    "returned",
    "withdrawn",
    name="reviewstatus",
    native_enum=False,
    length=16,
)


def upgrade() -> None:
    op.create_table(
        "definition_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("submitted_hash", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", MOMENT, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", MOMENT, nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition_versions.id"],
            name=op.f("fk_definition_reviews_definition_id_definition_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_reviews")),
    )
    with op.batch_alter_table("definition_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_definition_reviews_definition_id"), ["definition_id"], unique=False
        )
        batch_op.create_index("ix_definition_reviews_plan_status", ["plan", "status"], unique=False)
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approver", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("approver")
    with op.batch_alter_table("definition_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_definition_reviews_plan_status")
        batch_op.drop_index(batch_op.f("ix_definition_reviews_definition_id"))
    op.drop_table("definition_reviews")
