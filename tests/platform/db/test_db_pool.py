"""PostgreSQL connections are pinged only after sitting idle in the pool, and one that died
meanwhile is replaced before a request sees it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from lieu.platform.db import engine as engines
from lieu.platform.db.engine import create_engine
from tests.database_templates import postgres_admin

pytestmark = pytest.mark.postgres


def _count_pings(monkeypatch: pytest.MonkeyPatch, engine: Any) -> list[int]:
    pings: list[int] = []
    dialect = engine.sync_engine.dialect
    ping = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return bool(ping(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def test_a_connection_in_steady_use_is_not_pinged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgres_url)
    pings = _count_pings(monkeypatch, engine)
    try:
        for _ in range(5):
            async with engine.connect() as connection:
                assert await connection.scalar(text("SELECT 1")) == 1
    finally:
        await engine.dispose()
    assert pings == []


async def test_an_idle_connection_that_died_is_replaced_before_it_is_used(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "IDLE_BEFORE_PING_SECONDS", 0.0)  # every return counts as idle
    engine = create_engine(postgres_url)
    pings = _count_pings(monkeypatch, engine)
    try:
        async with engine.connect() as connection:
            backend = await connection.scalar(text("SELECT pg_backend_pid()"))
        admin = await postgres_admin()
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", backend)
        finally:
            await admin.close()
        async with engine.connect() as connection:  # the dead one is pinged, then replaced
            assert await connection.scalar(text("SELECT pg_backend_pid()")) != backend
    finally:
        await engine.dispose()
    assert len(pings) == 1
