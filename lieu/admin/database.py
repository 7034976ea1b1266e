"""The console's transactions. Reads use the runtime's sessions; a request that writes (an audit
line, nothing else) opens its transaction for writing from the start: on SQLite that is BEGIN
IMMEDIATE, which queues behind the worker's writes on the busy timeout. A transaction begun for
reading that writes later fails at once ("database is locked") when the worker has written in
between; that was the console's Internal Server Error."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.runtime import Runtime

# SQLite says "locked"/"busy" when the busy timeout ran out; PostgreSQL names the same situation
# with these SQLSTATEs (serialization failure, deadlock detected, lock not available).
_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def runtime_of(request: Request) -> Runtime:
    """The process's runtime (settings, engine, Temporal client)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def reads(request: Request) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read."""
    return runtime_of(request).sessions


def writes(request: Request) -> async_sessionmaker[AsyncSession]:
    """Sessions whose transactions are begun for writing (one factory per runtime)."""
    runtime = runtime_of(request)
    cached: tuple[Runtime, async_sessionmaker[AsyncSession]] | None = getattr(
        request.app.state, "admin_writes", None
    )
    if cached is None or cached[0] is not runtime:
        cached = (runtime, create_session_factory(for_writes(runtime.engine)))
        request.app.state.admin_writes = cached
    return cached[1]


def is_busy(error: DBAPIError) -> bool:
    """Whether the database refused because another writer held it, not because of the request
    (trying again later will do)."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _BUSY_SQLSTATES:
        return True
    text = str(error.orig).lower()
    return any(words in text for words in _BUSY_WORDS)
