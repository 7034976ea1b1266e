"""The audit log's writer for reads: records of concurrent requests share one INSERT and one
commit (a group commit), and each request waits for its own records' commit before it answers.

The guarantee: a request that was answered has its audit records committed. `write` returns only
once the transaction holding the records has committed, and the API sends the answer after
`write` returns; if the commit fails, `write` raises and the request answers with an error, not
with the data it read. So a crash of the process at any moment loses only the records of
requests that had not been answered (their callers got no data, only a broken connection). What
a committed transaction survives is the database's: PostgreSQL (synchronous_commit on, its
default) keeps it through a power loss; SQLite in WAL mode with synchronous=NORMAL (lieu's
setting) keeps it through a crash of the process or of lieu's host process tree, and may lose the
last commits to a power loss or an operating-system crash.

One flush runs at a time; records that arrive while it runs go in the next one, so a lone
request waits for one commit and a busy server commits once for many requests. Writes (which
store their audit records in their own transaction) do not come here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.audit import AuditRecord
from lieu.platform.access.models import AuditEntry

MAX_BATCH = 1_000  # records in one INSERT


@dataclass
class _Waiting:
    """Records handed over by one request, and the future its commit resolves."""

    records: Sequence[AuditRecord]
    done: asyncio.Future[None] = field(init=False)

    def __post_init__(self) -> None:
        self.done = asyncio.get_running_loop().create_future()
        # a caller cancelled while it waited (its client went away) no longer reads the outcome
        self.done.add_done_callback(lambda f: f.cancelled() or f.exception())


class AuditWriter:
    """Group-commits audit records; `write` returns once the caller's records are committed."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine  # SQLite: one whose transactions take the write lock at BEGIN
        # run on a connection, not a Session: a Core INSERT of many rows, no unit of work
        self._insert = insert(AuditEntry)
        self._waiting: list[_Waiting] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed (for /metrics and tests)

    async def write(self, records: Sequence[AuditRecord]) -> None:
        """Store the records; returns once they are committed, raises if they could not be."""
        if not records:
            return
        waiting = _Waiting(records)
        self._waiting.append(waiting)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())
        # shielded: a caller that is cancelled (its client went away) does not cancel the
        # flush that holds other callers' records too
        await asyncio.shield(waiting.done)

    async def _flush(self) -> None:
        while self._waiting:
            batch: list[_Waiting] = []
            size = 0
            while self._waiting and (
                not batch or size + len(self._waiting[0].records) <= MAX_BATCH
            ):
                taken = self._waiting.pop(0)
                batch.append(taken)
                size += len(taken.records)
            try:
                await self._commit([r for each in batch for r in each.records])
            except Exception as failure:  # every caller of the batch is told; none answers
                for each in batch:
                    if not each.done.done():
                        each.done.set_exception(failure)
                continue
            for each in batch:
                if not each.done.done():
                    each.done.set_result(None)

    async def _commit(self, records: list[AuditRecord]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(self._insert, [r.values() for r in records])
        self.commits += 1

    async def close(self) -> None:
        """Wait for the records already handed over to be committed (at shutdown)."""
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
