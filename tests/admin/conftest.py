"""Fixtures for console tests: the console served over a migrated SQLite database (Temporal is
the shared dev server; no worker is needed to read pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, projected_console


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    """The console on a migrated SQLite database with the shipped definitions published."""
    async with projected_console(settings, sqlite_engine, temporal_dev_server) as served:
        yield served


@pytest.fixture
async def console_any(
    settings: Settings, database_url: str, engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    """The same, once on SQLite and once on PostgreSQL."""
    async with projected_console(
        settings.with_(database_url=database_url), engine, temporal_dev_server
    ) as served:
        yield served
