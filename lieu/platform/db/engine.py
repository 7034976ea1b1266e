"""Engine and session factories. Nothing here runs at import time; callers own their sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_BEGIN_OPTION = "lieu_sqlite_begin"


def create_engine(
    database_url: str | URL, *, echo: bool = False, pool_size: int = 10
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys (API + worker share it)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # pysqlite's implicit BEGIN is replaced by our own, so transactions really begin at BEGIN.
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy emit BEGIN itself (see `_sqlite_begin`); pysqlite's implicit BEGIN is off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A write transaction that reads first must take the write lock at BEGIN ("BEGIN IMMEDIATE"):
    # otherwise two such writers fail at once with SQLITE_BUSY instead of queueing on the busy
    # timeout. Reads stay DEFERRED so they never block. See `for_writes`.
    mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def for_writes(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, whose transactions take SQLite's write lock at BEGIN (a no-op elsewhere)."""
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay usable after commit (the request or activity owns the commit)."""
    return async_sessionmaker(engine, expire_on_commit=False)
