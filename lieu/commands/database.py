"""The stack's database, for commands that need one: found and migrated, or one line saying how.

Only `lieu dev` and `lieu migrate` create or migrate a database. Every other command that reads or
writes the stack's state first checks that the configured database exists and is at this lieu's
latest revision, so a command run in the wrong place never leaves an empty `.lieu/lieu.db`
behind (SQLite creates a file on connect) and never dies on "no such table".
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import typer
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError as UnknownRevision
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.models import CommandInfo

from lieu.commands.errors import CommandError, database_unreachable
from lieu.platform.db import migrate as migrations
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings

DATABASE_FAILURES = (OSError, OperationalError, InterfaceError, DBAPIError)
HOW_TO_CREATE = "start `make run` once (or run `lieu migrate`)"
HOW_TO_POINT = "set LIEU_DATA_DIR to the stack's folder or LIEU_DATABASE_URL to its database"


class NoDatabase(CommandError):
    """The configured database does not exist or is not migrated to this lieu's revision."""


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations.alembic_config())


def latest_revision() -> str:
    """The revision this lieu's migrations end at."""
    head = _scripts().get_current_head()
    assert head is not None, "lieu ships at least one migration"
    return head


def _shown(settings: Settings) -> str:
    file = settings.sqlite_file
    return str(file) if file is not None else settings.url.render_as_string(hide_password=True)


def missing_database(settings: Settings) -> NoDatabase | None:
    """Why the configured SQLite file cannot be used without creating it, or None."""
    file = settings.sqlite_file
    if file is None or file.is_file():
        return None
    return NoDatabase(f"no lieu database at {file}; {HOW_TO_CREATE}, or {HOW_TO_POINT}")


def _revision_problem(settings: Settings, revision: str | None) -> NoDatabase | None:
    latest = latest_revision()
    if revision == latest:
        return None
    where = _shown(settings)
    if revision is None:
        return NoDatabase(f"the database {where} has no lieu tables; {HOW_TO_CREATE}")
    try:
        known = _scripts().get_revision(revision) is not None
    except UnknownRevision:
        known = False
    if not known:
        return NoDatabase(
            f"the database {where} is at revision {revision}, which this lieu does not know "
            f"(a newer lieu migrated it?); use that lieu, or {HOW_TO_POINT}"
        )
    return NoDatabase(
        f"the database {where} is at revision {revision}, not {latest}; run `lieu migrate` "
        "(or restart `make run`) to upgrade it"
    )


def _sqlite_revision(file: Path) -> str | None:
    # Read-only and without lieu's engine: the check must not write (not even WAL mode) to a
    # file that may not be a lieu database at all.
    with contextlib.closing(sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)) as db:
        tables = db.execute("select 1 from sqlite_master where name = 'alembic_version'")
        if tables.fetchone() is None:
            return None
        row = db.execute("select version_num from alembic_version").fetchone()
    return str(row[0]) if row else None


async def _revision(settings: Settings) -> str | None:
    file = settings.sqlite_file
    if file is not None:
        try:
            return _sqlite_revision(file)
        except sqlite3.DatabaseError as failure:  # e.g. "file is not a database"
            raise OperationalError("checking the revision", None, failure) from None
    engine = create_engine(settings.database_url)
    quiet = logging.getLogger("alembic.runtime.migration")  # a check logs nothing
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        return await migrations.current(engine)
    finally:
        quiet.setLevel(level)
        await engine.dispose()


async def check_database(settings: Settings) -> None:
    """Raise `NoDatabase` (or a CommandError when unreachable) unless the database is ready."""
    if (missing := missing_database(settings)) is not None:
        raise missing
    try:
        revision = await _revision(settings)
    except DATABASE_FAILURES as failure:
        raise database_unreachable(settings.database_url, failure) from None
    if (problem := _revision_problem(settings, revision)) is not None:
        raise problem


def require_database(settings: Settings) -> None:
    """`check_database` for synchronous callers (a command before it starts its own loop)."""
    asyncio.run(check_database(settings))


@asynccontextmanager
async def stack_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the stack's checked database; connection failures become one clear line."""
    await check_database(settings)
    engine = create_engine(settings.database_url)
    try:
        yield engine
    except DATABASE_FAILURES as failure:
        raise database_unreachable(settings.database_url, failure) from None
    finally:
        await engine.dispose()


def _command_name(info: CommandInfo) -> str:
    if info.name:
        return info.name
    assert info.callback is not None
    return info.callback.__name__.lower().replace("_", "-")


def _names_only_files(arguments: Mapping[str, object]) -> bool:
    texts = [value for value in arguments.values() if isinstance(value, str | Path)]
    return bool(texts) and all(Path(text).is_file() for text in texts)


def _checked(info: CommandInfo, *, unless_files: bool) -> CommandInfo:
    callback = info.callback
    assert callback is not None

    @functools.wraps(callback)
    def checked(**arguments: Any) -> Any:
        if not (unless_files and _names_only_files(arguments)):
            require_database(Settings.from_env())
        return callback(**arguments)

    guarded = copy.copy(info)
    guarded.callback = checked
    return guarded


def needing_database(
    group: typer.Typer, *, always: Collection[str] = (), unless_files: Collection[str] = ()
) -> typer.Typer:
    """A copy of a command group whose named commands first check the stack's database.

    `always` commands check it before they run; `unless_files` commands only when one of their
    arguments is not an existing file (e.g. `diff` of two files needs no database). The group
    itself is left as it is, so its own tests run it unguarded.
    """
    unknown = set(always) | set(unless_files)
    unknown -= {_command_name(info) for info in group.registered_commands}
    if unknown:
        raise ValueError(f"{group.info.name}: no command named {', '.join(sorted(unknown))}")
    guarded = copy.copy(group)
    guarded.registered_commands = [
        _checked(info, unless_files=_command_name(info) in unless_files)
        if _command_name(info) in {*always, *unless_files}
        else info
        for info in group.registered_commands
    ]
    return guarded
