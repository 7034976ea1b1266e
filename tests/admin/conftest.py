"""Fixtures for console tests: the console served over a migrated SQLite database (Temporal is
the shared dev server; no worker is needed to read pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console
from tests.serving import serve
from tests.workflows.authorizations import prepare_database


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    """The console on a migrated SQLite database with the shipped definitions published."""
    ready = settings.with_(temporal_address=temporal_dev_server.address)
    await prepare_database(sqlite_engine)
    async with serve(ready) as base:
        yield Console(base=base, engine=sqlite_engine, settings=ready)


@pytest.fixture
async def console_any(
    settings: Settings, database_url: str, engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    """The same, once on SQLite and once on PostgreSQL."""
    ready = settings.with_(database_url=database_url, temporal_address=temporal_dev_server.address)
    await prepare_database(engine)
    async with serve(ready) as base:
        yield Console(base=base, engine=engine, settings=ready)
