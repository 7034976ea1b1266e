"""audit append-only: the database refuses to change, delete or truncate the audit log, and to
truncate the ledger (whose rows were already refused change and delete by 0002)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT = "audit_log"
LEDGER = ("limit_entries", "limit_exceptions")  # row triggers from 0002
REFUSAL = "is append-only (audit trail): its rows are never changed, deleted or truncated"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION lieu_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '% {REFUSAL}', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {AUDIT}_append_only BEFORE UPDATE OR DELETE ON {AUDIT} "
            "FOR EACH ROW EXECUTE FUNCTION lieu_append_only()"
        )
        # Row triggers do not fire on TRUNCATE: a statement trigger refuses it.
        for table in (AUDIT, *LEDGER):
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION lieu_append_only()"
            )
        return
    # SQLite has no TRUNCATE (its "DELETE FROM t" fires the delete trigger).
    for event in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {AUDIT}_append_only_{event} BEFORE {event.upper()} ON {AUDIT} "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT} {REFUSAL}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (AUDIT, *LEDGER):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {AUDIT}_append_only ON {AUDIT}")
        op.execute("DROP FUNCTION IF EXISTS lieu_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {AUDIT}_append_only_{event}")
