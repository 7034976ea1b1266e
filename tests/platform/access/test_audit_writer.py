"""Reads' audit records are group-committed: concurrent requests share one commit, and each
request's `write` returns only once its own records are committed (or raises)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.audit import AuditRecord, Origin
from lieu.platform.access.audit_writer import AuditWriter
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal, Role
from lieu.platform.db.engine import create_session_factory, for_writes

PROVIDER = Principal(token_id="t1", role=Role.PROVIDER, plan="demo-plan", provider="cbo")


def _record(n: int) -> AuditRecord:
    return AuditRecord(PROVIDER, "eligibility", f"member:demo-plan/{n}", "ok", Origin("10.0.0.1"))


async def _stored(engine: AsyncEngine) -> int:
    async with create_session_factory(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


class GatedWriter(AuditWriter):
    """Holds each commit until the test opens the gate."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(for_writes(engine))
        self.gate = asyncio.Event()
        self.batches: list[int] = []

    async def _commit(self, records: list[AuditRecord]) -> None:
        await self.gate.wait()
        self.batches.append(len(records))
        await super()._commit(records)


async def test_write_returns_only_once_the_record_is_committed(sqlite_engine: AsyncEngine) -> None:
    writer = GatedWriter(sqlite_engine)
    writing = asyncio.create_task(writer.write([_record(1)]))
    await asyncio.sleep(0.05)
    assert not writing.done() and await _stored(sqlite_engine) == 0
    writer.gate.set()
    await writing
    assert await _stored(sqlite_engine) == 1


async def test_records_that_arrive_during_a_commit_share_the_next_one(
    sqlite_engine: AsyncEngine,
) -> None:
    writer = GatedWriter(sqlite_engine)
    first = asyncio.create_task(writer.write([_record(0)]))
    await asyncio.sleep(0.01)  # the first commit has begun and waits at the gate
    others = [asyncio.create_task(writer.write([_record(n)])) for n in range(1, 11)]
    await asyncio.sleep(0.01)
    writer.gate.set()
    await asyncio.gather(first, *others)
    assert writer.batches == [1, 10] and writer.commits == 2
    assert await _stored(sqlite_engine) == 11


async def test_when_the_commit_fails_every_writer_of_the_batch_is_told(
    sqlite_engine: AsyncEngine,
) -> None:
    class Failing(AuditWriter):
        async def _commit(self, records: list[AuditRecord]) -> None:
            raise RuntimeError("disk full")

    writer = Failing(sqlite_engine)
    results: list[Any] = await asyncio.gather(
        *(writer.write([_record(n)]) for n in range(3)), return_exceptions=True
    )
    assert [str(r) for r in results] == ["disk full"] * 3
    with pytest.raises(RuntimeError, match="disk full"):  # and the next one is tried again
        await writer.write([_record(9)])


async def test_a_caller_that_goes_away_does_not_cancel_the_others_commit(
    sqlite_engine: AsyncEngine,
) -> None:
    writer = GatedWriter(sqlite_engine)
    leaving = asyncio.create_task(writer.write([_record(1)]))
    staying = asyncio.create_task(writer.write([_record(2)]))
    await asyncio.sleep(0.01)
    leaving.cancel()
    writer.gate.set()
    await staying
    await writer.close()
    assert await _stored(sqlite_engine) == 2  # handed over before it left: stored all the same
