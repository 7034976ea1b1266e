"""The audit log and the limit ledger are append-only in the database itself: on SQLite and
PostgreSQL an UPDATE or DELETE of the audit log is refused, and on PostgreSQL (SQLite has no
TRUNCATE) so is a TRUNCATE of the audit log or of the ledger; new lines still go in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal, Role
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.conftest import migrated_engine

DESK = Principal(token_id="t1", role=Role.OPERATIONS, plan="demo-plan", label="desk")
LEDGER = ("limit_entries", "limit_exceptions")


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated PostgreSQL database of the test's own."""
    engine = await migrated_engine(postgres_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _audit_lines(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with create_session_factory(engine)() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.outcome) for row in rows]


async def _write(engine: AsyncEngine, action: str) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        record(session, [AuditRecord(DESK, action, "authorization:A-1", "ok", Origin())])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET outcome = 'denied'",
        "UPDATE audit_log SET detail = 'nothing happened' WHERE action = 'cancel'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE action = 'cancel'",
    ],
)
async def test_an_audit_line_once_written_cannot_be_changed_or_deleted(
    engine: AsyncEngine, sql: str
) -> None:
    await _write(engine, "cancel")
    with pytest.raises(DBAPIError, match="audit_log is append-only"):
        async with create_session_factory(for_writes(engine)).begin() as session:
            await session.execute(text(sql))
    await _write(engine, "decide")
    assert await _audit_lines(engine) == [("cancel", "ok"), ("decide", "ok")]


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["audit_log", *LEDGER])
async def test_truncating_the_audit_log_or_the_ledger_is_refused_on_postgresql(
    postgres_engine: AsyncEngine, table: str
) -> None:
    await _write(postgres_engine, "cancel")
    with pytest.raises(DBAPIError, match=f"{table} is append-only"):
        async with create_session_factory(postgres_engine).begin() as session:
            await session.execute(text(f"TRUNCATE {table} CASCADE"))
    assert await _audit_lines(postgres_engine) == [("cancel", "ok")]
    async with create_session_factory(postgres_engine)() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 1
