"""prior use: imported records of service given outside lieu, and the ledger entries they posted

Both tables are an audit trail like the ledger: the database refuses to change, delete or
truncate their rows (the ledger's own entries of the new kind `prior_use` need no schema change:
the kind and source columns are plain strings).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("prior_use_records", "prior_use_entries")
REFUSAL = "is append-only (audit trail): post an adjustment on the counter instead"


def upgrade() -> None:
    op.create_table(
        "prior_use_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_system", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("cin", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("limit_id", sa.String(length=100), nullable=True),
        sa.Column("amount_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("service_start", sa.Date(), nullable=False),
        sa.Column("service_end", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prior_use_records")),
        sa.UniqueConstraint(
            "source_system",
            "source_record_id",
            name=op.f("uq_prior_use_records_source_system_source_record_id"),
        ),
    )
    with op.batch_alter_table("prior_use_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prior_use_records_cin"), ["cin"], unique=False)
    op.create_table(
        "prior_use_entries",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["limit_entries.id"],
            name=op.f("fk_prior_use_entries_entry_id_limit_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["prior_use_records.id"],
            name=op.f("fk_prior_use_entries_record_id_prior_use_records"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("record_id", "entry_id", name=op.f("pk_prior_use_entries")),
    )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("prior_use_entries")
    with op.batch_alter_table("prior_use_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prior_use_records_cin"))
    op.drop_table("prior_use_records")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # lieu_append_only() is revision 0012's refusal; it names the table.
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION lieu_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION lieu_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{event} BEFORE {event.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSAL}'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event}")
