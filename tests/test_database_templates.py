"""Template databases: a blank database becomes a copy built once per session; anything else is
left alone; a test's migrated database is still at the latest revision and holds nothing."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.db.registry import metadata
from lieu.platform.definitions.cases import member_facts
from lieu.platform.members.service import upsert_member
from tests.conftest import create_postgres_database, drop_postgres_database, migrated_engine
from tests.database_templates import POSTGRES_ADMIN_DSN, DatabaseTemplates, head_revision

RAY = member_facts("ray")


async def rows_everywhere(engine: AsyncEngine) -> dict[str, int]:
    counts = {}
    async with engine.connect() as conn:
        for table in metadata().sorted_tables:
            counts[table.name] = len((await conn.execute(select(table))).all())
    return counts


async def test_a_migrated_database_is_at_the_latest_revision_and_holds_nothing(
    engine: AsyncEngine,
) -> None:
    assert await migrate.current(engine) == head_revision()
    await migrate.check(engine)  # the copy has exactly the tables the models describe
    assert set((await rows_everywhere(engine)).values()) == {0}


async def test_what_a_test_writes_never_reaches_the_template(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE scratch_of_one_test (n INTEGER)"))
    backend = engine.url.get_backend_name()
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'next.db'}"
        if backend == "sqlite"
        else await create_postgres_database()
    )
    following = await migrated_engine(url)  # the next test's copy of the same template
    try:
        async with following.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert "members" in names and "scratch_of_one_test" not in names
    finally:
        await following.dispose()
        if backend == "postgresql":
            await drop_postgres_database(url)


async def test_a_template_is_built_once_and_copied_into_each_blank_database(
    tmp_path: Path, database_url: str
) -> None:
    templates = DatabaseTemplates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()
    builds: list[str] = []

    async def build(url: str) -> None:
        builds.append(url)
        made = create_engine(url)
        await migrate.upgrade(made)
        async with made.begin() as conn:
            await conn.execute(text("CREATE TABLE greeting (word TEXT)"))
            await conn.execute(text("INSERT INTO greeting VALUES ('hello')"))
        await made.dispose()

    second = (
        f"sqlite+aiosqlite:///{tmp_path / 'second.db'}"
        if database_url.startswith("sqlite")
        else await create_postgres_database()
    )
    try:
        assert await templates.restore(database_url, "greeting", build)
        assert await templates.restore(second, "greeting", build)
        assert len(builds) == 1
        for url in (database_url, second):
            copy = create_engine(url)
            async with copy.connect() as conn:
                assert (await conn.execute(text("SELECT word FROM greeting"))).scalars().all() == [
                    "hello"
                ]
            await copy.dispose()
    finally:
        if second.startswith("postgresql"):
            await drop_postgres_database(second)
        templates.close()
    if database_url.startswith("postgresql"):
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            left = await admin.fetchval(
                "SELECT count(*) FROM pg_database WHERE datname LIKE $1",
                f"lieu_tpl_{templates.tag}%",
            )
        finally:
            await admin.close()
        assert left == 0, "close() drops the session's template databases"


async def test_a_database_that_holds_rows_is_left_alone(engine: AsyncEngine) -> None:
    templates = DatabaseTemplates(Path("/nonexistent-never-built"))
    async with create_session_factory(for_writes(engine)).begin() as session:
        await upsert_member(session=session, plan="demo-plan", cin="91000009A", facts=RAY)

    async def never(url: str) -> None:
        pytest.fail("a database that holds rows must not be replaced")

    url = engine.url.render_as_string(hide_password=False)
    assert not await templates.restore(url, "anything", never, engine=engine)
    assert (await rows_everywhere(engine))["members"] == 1


async def test_a_copy_into_an_open_sqlite_file_is_seen_by_the_engine_on_it(
    tmp_path: Path, sqlite_engine: AsyncEngine
) -> None:
    templates = DatabaseTemplates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()

    async def build(url: str) -> None:
        made = create_engine(url)
        await migrate.upgrade(made)
        async with made.begin() as conn:
            await conn.execute(text("CREATE TABLE greeting (word TEXT)"))
        await made.dispose()

    async with sqlite_engine.connect() as conn:  # the pool now holds an open connection
        await conn.execute(text("SELECT 1"))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert await templates.restore(url, "greeting", build, engine=sqlite_engine)
    async with sqlite_engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    assert "greeting" in names
    templates.close()


async def test_a_template_whose_build_failed_is_built_again_not_copied(
    tmp_path: Path, database_url: str
) -> None:
    templates = DatabaseTemplates(tmp_path / "templates")
    (tmp_path / "templates").mkdir()

    async def half(url: str) -> None:
        made = create_engine(url)
        await migrate.upgrade(made, "0001")
        await made.dispose()
        raise RuntimeError("build broke half way")

    async def whole(url: str) -> None:
        made = create_engine(url)
        await migrate.upgrade(made)
        await made.dispose()

    try:
        with pytest.raises(RuntimeError, match="half way"):
            await templates.restore(database_url, "migrated", half)
        assert await templates.restore(database_url, "migrated", whole)
        copy = create_engine(database_url)
        assert await migrate.current(copy) == head_revision()
        await copy.dispose()
    finally:
        templates.close()


async def names_on_the_server(pattern: str) -> set[str]:
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        rows = await admin.fetch("SELECT datname FROM pg_database WHERE datname ~ $1", pattern)
    finally:
        await admin.close()
    return {row[0] for row in rows}


async def a_database_of(templates: DatabaseTemplates) -> str:
    """A test database named for `templates`' session, as create_postgres_database makes one."""
    await templates.claim()
    name = templates.database_name()
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def build_migrated(url: str) -> None:
    made = create_engine(url)
    await migrate.upgrade(made)
    await made.dispose()


@pytest.mark.postgres
async def test_closing_a_session_drops_its_templates_and_the_databases_its_tests_left(
    tmp_path: Path,
) -> None:
    templates = DatabaseTemplates(tmp_path)
    copied = await templates.new_postgres_database("migrated", build_migrated)
    left = await a_database_of(templates)
    ours = f"^lieu_(tpl|t)_{templates.tag}_"
    made = await names_on_the_server(ours)
    assert copied.rsplit("/", 1)[1] in made and left in made
    assert any(name.startswith(f"lieu_tpl_{templates.tag}_") for name in made)
    templates.close()
    assert await names_on_the_server(ours) == set()


@pytest.mark.postgres
async def test_a_killed_sessions_databases_are_dropped_by_the_next_and_a_live_ones_kept(
    tmp_path: Path,
) -> None:
    killed, running, following = (DatabaseTemplates(tmp_path / n) for n in ("k", "r", "f"))
    try:
        await killed.new_postgres_database("migrated", build_migrated)
        await a_database_of(killed)
        alive = await a_database_of(running)
        assert killed.mark is not None
        killed.mark.release()  # the run died: its connection is gone, its databases are not
        killed.mark = None
        assert len(await names_on_the_server(f"^lieu_(tpl|t)_{killed.tag}_")) == 3
        await following.claim()
        assert await names_on_the_server(f"^lieu_(tpl|t)_{killed.tag}_") == set()
        assert await names_on_the_server(f"^{alive}$") == {alive}
    finally:
        running.close()
        following.close()
    assert await names_on_the_server(f"^lieu_(tpl|t)_({running.tag}|{following.tag})_") == set()
