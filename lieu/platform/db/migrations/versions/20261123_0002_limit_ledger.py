"""limit ledger: accounts per (CIN, counter), append-only entries and approved exceptions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:27:39.019714
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lieu.platform.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The ledger is an audit trail: the database itself refuses to change or delete a row.
APPEND_ONLY = ("limit_entries", "limit_exceptions")
REFUSAL = "is append-only (audit trail): post a correcting entry instead"


def upgrade() -> None:
    op.create_table(
        "limit_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cin", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.String(length=100), nullable=False),
        sa.Column(
            "measure",
            sa.Enum(
                "days",
                "hours",
                "units",
                "dollars",
                "episodes",
                name="measure",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("counted_total_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("created_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limit_accounts")),
        sa.UniqueConstraint("cin", "counter", name=op.f("uq_limit_accounts_cin_counter")),
    )
    op.create_table(
        "limit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reserve",
                "consume",
                "release",
                "adjust",
                name="entrykind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("support", sa.String(length=64), nullable=False),
        sa.Column("limit_id", sa.String(length=100), nullable=False),
        sa.Column("service_start", sa.Date(), nullable=False),
        sa.Column("service_end", sa.Date(), nullable=False),
        sa.Column("amount_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("counted_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("authorization_id", sa.String(length=100), nullable=True),
        sa.Column("claim_line", sa.String(length=100), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "authorization", "claim", "manual", name="source", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["limit_accounts.id"],
            name=op.f("fk_limit_entries_account_id_limit_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limit_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_limit_entries_idempotency_key")),
    )
    with op.batch_alter_table("limit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_limit_entries_account_authorization",
            ["account_id", "authorization_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_limit_entries_account_service", ["account_id", "service_start"], unique=False
        )

    op.create_table(
        "limit_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("limit_id", sa.String(length=100), nullable=False),
        sa.Column("extra_hundredths", sa.BigInteger(), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=False),
        sa.Column("applies_to", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", lieu.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["limit_accounts.id"],
            name=op.f("fk_limit_exceptions_account_id_limit_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limit_exceptions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_limit_exceptions_idempotency_key")),
    )
    with op.batch_alter_table("limit_exceptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_limit_exceptions_account_id"), ["account_id"], unique=False
        )

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("limit_exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_limit_exceptions_account_id"))

    op.drop_table("limit_exceptions")
    with op.batch_alter_table("limit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_limit_entries_account_service")
        batch_op.drop_index("ix_limit_entries_account_authorization")

    op.drop_table("limit_entries")
    op.drop_table("limit_accounts")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION lieu_limits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '% {REFUSAL}', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION lieu_limits_append_only()"
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
        op.execute("DROP FUNCTION IF EXISTS lieu_limits_append_only()")
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event}")
