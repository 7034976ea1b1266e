"""The per-request GraphQL context: the runtime, the caller, where it came from, loaders, audit,
and the one database session a query's reads share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from lieu.graphql.loaders import Loaders
from lieu.platform.access.audit import AuditRecord, Origin
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.runtime import Runtime


class ReadSession:
    """The session a query's resolvers and loaders read through: one pool checkout and one
    transaction (one snapshot) for the whole operation, opened at the first read and closed when
    the operation ends.

    Only a query shares it (`shared`, set once the operation is known to be one): a mutation
    reads what it just wrote, so each of its reads (and each of a subscription's) gets a session
    of its own, as before. Sibling fields resolve concurrently and a session is not safe for
    concurrent use, so each use holds a lock; a failed use rolls back, so the next one starts
    clean."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self.shared = False

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        if not self.shared:
            async with self._sessions() as own:
                yield own
            return
        async with self._lock:
            if self._session is None:
                self._session = self._sessions()
            try:
                yield self._session
            except BaseException:
                await self._session.rollback()
                raise

    async def close(self) -> None:
        """End the transaction and give the connection back (the operation is over)."""
        async with self._lock:
            session, self._session = self._session, None
            self.shared = False
            if session is not None:
                await session.close()


@dataclass
class Context:
    """What resolvers may use. `principal` is None when no valid token came (`rejection` says
    why); permission classes turn that into a clear error before any resolver runs."""

    runtime: Runtime
    request: Request | WebSocket
    response: Response | WebSocket | None
    writes: async_sessionmaker[AsyncSession]  # transactions that read, then write
    definitions: PinnedDefinitions
    loaders: Loaders
    principal: Principal | None = None
    rejection: str = ""
    origin: Origin = field(default_factory=Origin)
    connection_params: dict[str, Any] | None = None
    pending_audit: list[AuditRecord] = field(default_factory=list)
    reading: ReadSession | None = None  # None: every read opens a session of its own

    def reads(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session to read through (`async with context.reads() as session:`): the query's
        shared one, or one of its own (see `ReadSession`)."""
        if self.reading is None:
            return self.runtime.sessions()
        return self.reading()

    @property
    def caller(self) -> Principal:
        """The authenticated caller (fields that use it carry the `Authenticated` permission)."""
        assert self.principal is not None, "field is missing its permission extension"
        return self.principal

    def audit(self, action: str, target: str, outcome: str = "ok", detail: str = "") -> None:
        """Note a read of member data or a write; stored when the operation ends."""
        if self.principal is None:
            return
        self.pending_audit.append(self.record(action, target, outcome, detail))

    def record(
        self, action: str, target: str, outcome: str = "ok", detail: str = ""
    ) -> AuditRecord:
        """An audit record for the caller, to store in the resolver's own transaction."""
        return AuditRecord(self.caller, action, target, outcome, self.origin, detail)

    def take_audit(self) -> list[AuditRecord]:
        """The records noted so far, handed over once."""
        taken, self.pending_audit = self.pending_audit, []
        return taken
