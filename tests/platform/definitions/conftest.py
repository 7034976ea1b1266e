"""Fixtures for definition tests: the library from disk, and sessions on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lieu.platform.db.engine import create_engine, create_session_factory
from lieu.platform.db.migrate import upgrade
from lieu.platform.definitions.library import Library, load_library

POSTGRES_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BROKEN = Path(__file__).parent / "broken"


@pytest.fixture(scope="session")
def library() -> Library:
    """Every valid definition under benefit_definitions/."""
    return load_library()


async def _postgres_database() -> tuple[str, str] | None:
    import asyncpg

    name = f"lieu_t_{secrets.token_hex(6)}"
    try:
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, str(make_url(POSTGRES_ADMIN_URL).set(database=name))


async def _drop(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated database of its own: a SQLite file, or a temporary PostgreSQL database."""
    if request.param == "sqlite":
        made = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}")
        await upgrade(made)
        yield made
        await made.dispose()
        return
    created = await _postgres_database()
    if created is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres)")
    name, url = created
    made = create_engine(url, pool_size=2)
    try:
        await upgrade(made)
        yield made
    finally:
        await made.dispose()
        await _drop(name)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session in one transaction, rolled back at the end (the caller owns the commit)."""
    async with create_session_factory(engine)() as opened:
        yield opened
        await opened.rollback()
