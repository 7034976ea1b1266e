"""Engine and session factories. Nothing here runs at import time; callers own their sessions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
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
# A pooled PostgreSQL connection idle this long is pinged before use (a restart of the server, or
# a firewall or pgbouncer closing idle connections, leaves it dead); one in steady use is not.
IDLE_BEFORE_PING_SECONDS = 30.0
RETURNED_AT = "lieu_returned_at"


def create_engine(
    database_url: str | URL, *, echo: bool = False, pool_size: int = 10
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys (API + worker share it).

    `hide_parameters`: a database error's text (logged, or raised to a caller) never holds the
    statement's parameters, which are member facts, CINs and birth dates."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # pysqlite's implicit BEGIN is replaced by our own, so transactions really begin at BEGIN.
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # No pool_pre_ping: with asyncpg a ping is three round trips (BEGIN, `;`, ROLLBACK) on every
    # checkout, a tenth of a simple request's CPU; `_ping_when_idle` pings only idle connections.
    # A connection that dies in use is a disconnect SQLAlchemy detects: it invalidates the pool.
    engine = create_async_engine(
        url, echo=echo, hide_parameters=True, pool_size=pool_size, max_overflow=pool_size
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a connection on checkout when it has been idle in the pool for a while; one that
    does not answer is replaced (DisconnectionError makes the pool connect again)."""
    dialect = engine.sync_engine.dialect
    pool = engine.sync_engine.pool

    def returned(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        since = record.info.get(RETURNED_AT)
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING_SECONDS:
            return  # new, or used moments ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as failure:
            raise exc.DisconnectionError(
                f"idle connection did not answer a ping: {failure}"
            ) from failure

    event.listen(pool, "checkin", returned)
    event.listen(pool, "checkout", checked_out)


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
