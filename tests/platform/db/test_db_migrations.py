"""Migrations build exactly the models, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine
from lieu.platform.db.registry import metadata


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def test_upgrade_downgrade_upgrade_then_check_finds_no_drift(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        await migrate.check(engine)
        assert await _tables(database_url) == set(metadata().tables)
        await migrate.downgrade(engine, "base")
        assert await migrate.current(engine) is None
        assert await _tables(database_url) == set()
        await migrate.upgrade(engine)
        await migrate.check(engine)
        assert await migrate.current(engine) is not None
    finally:
        await engine.dispose()


async def test_check_reports_a_model_change_without_a_revision(sqlite_url: str) -> None:
    from sqlalchemy import Column, Integer, Table

    engine = create_engine(sqlite_url)
    extra = Table("unmigrated_probe", metadata(), Column("id", Integer, primary_key=True))
    try:
        await migrate.upgrade(engine)
        with pytest.raises(migrate.SchemaDriftError, match="unmigrated_probe"):
            await migrate.check(engine)
    finally:
        metadata().remove(extra)
        await engine.dispose()


def test_constraint_names_follow_the_naming_convention() -> None:
    for table in metadata().tables.values():
        for constraint in table.constraints:
            assert constraint.name, f"{table.name} has an unnamed constraint"
            assert str(constraint.name).split("_", 1)[0] in {"pk", "uq", "fk", "ck"}
