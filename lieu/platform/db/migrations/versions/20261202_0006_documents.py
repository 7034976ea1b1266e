"""documents

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:23:46.866420
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The documents' bytes are in the document store; this table holds what and where.
    op.create_table(
        "authorization_documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("requirement", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=400), nullable=False),
        sa.Column("uploaded_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorization_documents")),
        sa.UniqueConstraint(
            "authorization_id",
            "idempotency_key",
            name=op.f("uq_authorization_documents_authorization_id_idempotency_key"),
        ),
        sa.UniqueConstraint("storage_key", name=op.f("uq_authorization_documents_storage_key")),
    )


def downgrade() -> None:
    op.drop_table("authorization_documents")
