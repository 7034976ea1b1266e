"""Fixtures for definition tests: the library from disk, and a session on the shared `engine`
(tests/conftest.py: SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.library import Library, load_library

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture(scope="session")
def library() -> Library:
    """Every valid definition under benefit_definitions/."""
    return load_library()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session in one transaction, rolled back at the end (the caller owns the commit)."""
    async with create_session_factory(engine)() as opened:
        yield opened
        await opened.rollback()
