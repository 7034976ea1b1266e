"""Databases built once per test session and cloned for each test that needs one.

Migrating a database and publishing every shipped definition takes most of a GraphQL or
workflow test's time, and the result is the same every time. A *template* is built once per
session (per name and backend) the way a test would build it, and each test gets a copy:

- PostgreSQL: ``CREATE DATABASE x TEMPLATE t`` (a file-level copy; the template takes no
  connections once built, so cloning never waits on a stray one);
- SQLite: SQLite's online backup API, which copies the template's pages into the test's file
  through SQLite's own locking (WAL content included), so it is safe even while the test's engine
  has the file open.

A copy is only made into a database that holds nothing yet (no tables, or tables at the latest
revision with no rows); anything else is left alone and the caller builds it the slow way, so a
test never loses data to a template. Outside a pytest session there are no templates and callers
always build the slow way.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.migrate import alembic_config

POSTGRES_ADMIN_DSN = os.environ.get(
    "LIEU_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_HOST = POSTGRES_ADMIN_DSN.split("://", 1)[1].rsplit("/", 1)[0]

Build = Callable[[str], Awaitable[None]]
"""Fills the empty database at a URL (and disposes every engine it made)."""


async def postgres_admin() -> asyncpg.Connection:
    """A connection to the test server's maintenance database (skips the test when it is down)."""
    try:
        return await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as failure:
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN_DSN}: {failure}"
        if os.environ.get("LIEU_REQUIRE_POSTGRES"):
            pytest.fail(reason + " (LIEU_REQUIRE_POSTGRES is set)")
        pytest.skip(reason)


def postgres_url(name: str) -> str:
    """The asyncpg URL of database `name` on the test server."""
    return f"postgresql+asyncpg://{POSTGRES_HOST}/{name}"


@cache
def head_revision() -> str | None:
    """The latest Alembic revision (what a migrated template is at)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_is_blank(path: Path) -> bool:
    """No file, no tables, or lieu's tables at the head revision without a row."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        return _sqlite_holds_nothing(path)
    except sqlite3.DatabaseError:
        return False  # not a database lieu made: leave it to the caller


def _sqlite_holds_nothing(path: Path) -> bool:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        if not tables:
            return True
        if "alembic_version" not in tables:
            return False
        versions = [row[0] for row in db.execute("SELECT version_num FROM alembic_version")]
        if versions != [head_revision()]:
            return False
        others = [t for t in tables if t != "alembic_version"]
        return not any(
            db.execute(f"SELECT EXISTS (SELECT 1 FROM {_quoted(t)})").fetchone()[0] for t in others
        )


async def _postgres_is_blank(name: str) -> bool:
    """The same test on PostgreSQL (public schema)."""
    db = await asyncpg.connect(POSTGRES_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name, timeout=5)
    try:
        tables = [
            row["tablename"]
            for row in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        if not tables:
            return True
        if "alembic_version" not in tables:
            return False
        versions = [row[0] for row in await db.fetch("SELECT version_num FROM alembic_version")]
        if versions != [head_revision()]:
            return False
        others = [t for t in tables if t != "alembic_version"]
        if not others:
            return True
        query = " OR ".join(f"EXISTS (SELECT 1 FROM public.{_quoted(t)})" for t in others)
        return not await db.fetchval(f"SELECT {query}")
    finally:
        await db.close()


MARK_PREFIX = "lieu-tests:"
"""A session's mark connection is named ``lieu-tests:<tag>`` (its application_name)."""
SESSION_DATABASE = r"^lieu_(?:tpl|t)_([0-9a-f]{8})_"
"""The names of a session's databases: templates ``lieu_tpl_<tag>_…``, test databases
``lieu_t_<tag>_…`` (a database named any other way is never swept)."""

_STALE = f"""
SELECT d.datname FROM pg_database d
WHERE d.datname ~ '{SESSION_DATABASE}'
  AND NOT EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.application_name = '{MARK_PREFIX}' || substring(d.datname from '{SESSION_DATABASE}')
  )
ORDER BY d.datname
"""


class SessionMark:
    """A connection to the test server held open, under the session's name, while the session
    runs. Sessions run side by side on one server (several checkouts, several people); a
    session's databases carry its tag, and while its mark is open they are in use. Once the
    mark is gone (the run ended, or was killed before it could drop what it made) any database
    left with that tag is stale, and the next session to start drops it."""

    def __init__(self, tag: str) -> None:
        self.application_name = MARK_PREFIX + tag
        self._up = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._release: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="lieu-tests-mark", daemon=True)

    def hold(self) -> None:
        """Open the connection (in a thread of its own, with its own loop); raise if it fails."""
        self._thread.start()
        self._up.wait(timeout=30)
        if self._failure is not None:
            raise self._failure
        if self._release is None:
            raise TimeoutError(f"no answer from {POSTGRES_ADMIN_DSN} within 30 s")

    def release(self) -> None:
        """Close the connection (after the session's databases are dropped)."""
        if self._loop is not None and self._release is not None:
            self._loop.call_soon_threadsafe(self._release.set)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        asyncio.run(self._held())

    async def _held(self) -> None:
        try:
            mark = await asyncpg.connect(
                POSTGRES_ADMIN_DSN,
                timeout=5,
                server_settings={"application_name": self.application_name},
            )
        except BaseException as failure:  # handed to `hold`, in the session's thread
            self._failure = failure
            self._up.set()
            return
        self._loop = asyncio.get_running_loop()
        self._release = asyncio.Event()
        self._up.set()
        try:
            await self._release.wait()
        finally:
            await mark.close()


async def drop_stale_databases() -> list[str]:
    """Drop every session database whose session's mark is gone; the names dropped."""
    admin = await postgres_admin()
    try:
        stale = [row[0] for row in await admin.fetch(_STALE)]
        for database in stale:
            await admin.execute(f"DROP DATABASE IF EXISTS {_quoted(database)} WITH (FORCE)")
    finally:
        await admin.close()
    return stale


@dataclass
class DatabaseTemplates:
    """The session's templates: SQLite files under `root`, PostgreSQL databases named by `tag`.

    Before its first PostgreSQL database the session holds its mark (`SessionMark`) and drops
    what killed sessions left behind; at the end it drops every database with its tag."""

    root: Path
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    sqlite_files: dict[str, Path] = field(default_factory=dict)
    postgres_names: dict[str, str] = field(default_factory=dict)
    postgres_made: list[str] = field(default_factory=list)  # every template database, to drop
    postgres_copies: dict[str, str] = field(default_factory=dict)  # database -> template name
    mark: SessionMark | None = None

    async def claim(self) -> None:
        """Hold the session's mark, once, and sweep stale databases (before any CREATE DATABASE
        of this session, so a database with this tag never exists without its mark)."""
        if self.mark is not None:
            return
        admin = await postgres_admin()  # skips (or fails) the test when the server is down
        await admin.close()
        mark = SessionMark(self.tag)
        await asyncio.to_thread(mark.hold)
        self.mark = mark
        swept = await drop_stale_databases()
        if swept:
            print(f"\ndropped {len(swept)} database(s) left by test runs that did not finish")

    def database_name(self) -> str:
        """A new name for a test's database, carrying this session's tag."""
        return f"lieu_t_{self.tag}_{uuid.uuid4().hex[:12]}"

    async def restore(
        self, url: str, name: str, build: Build, *, engine: AsyncEngine | None = None
    ) -> bool:
        """Make the blank database at `url` a copy of template `name` (built by `build` the first
        time); False, touching nothing, when it is not blank or not one these templates serve.
        `engine`, if given, is on `url` and is disposed first (a PostgreSQL clone replaces the
        database, which needs it closed)."""
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
            target = Path(parsed.database)
            if not _sqlite_is_blank(target):
                return False
            template_file = await self._sqlite_template(name, build)
            if engine is not None:
                await engine.dispose()
            _sqlite_copy(template_file, target)
            return True
        if backend == "postgresql" and parsed.render_as_string(hide_password=False).startswith(
            postgres_url("")
        ):
            database = parsed.database or ""
            if not await _postgres_is_blank(database):
                return False
            if self.postgres_copies.get(database) == name:
                return True  # made as a copy of this template and still untouched
            template_database = await self._postgres_template(name, build)
            if engine is not None:
                await engine.dispose()
            if not await _postgres_clone(template_database, database):
                return False
            self.postgres_copies[database] = name
            return True
        return False

    async def new_postgres_database(self, name: str, build: Build) -> str:
        """A new database on the test server made as a copy of template `name`; its URL."""
        template_database = await self._postgres_template(name, build)
        database = self.database_name()
        admin = await postgres_admin()
        try:
            await admin.execute(
                f"CREATE DATABASE {_quoted(database)} TEMPLATE {_quoted(template_database)}"
            )
        finally:
            await admin.close()
        self.postgres_copies[database] = name
        return postgres_url(database)

    async def _sqlite_template(self, name: str, build: Build) -> Path:
        if name not in self.sqlite_files:
            path = self.root / f"{len(self.sqlite_files):02d}-{_slug(name)}.db"
            try:
                await build(f"sqlite+aiosqlite:///{path}")
            except BaseException:
                for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
                    leftover.unlink(missing_ok=True)  # a failed build is never copied
                raise
            with closing(sqlite3.connect(path)) as db:
                # Fold the WAL into the file, which then stands alone (copies turn WAL back on
                # when lieu's engine opens them, as it does for any new database).
                db.execute("PRAGMA journal_mode=DELETE")
            self.sqlite_files[name] = path
        return self.sqlite_files[name]

    async def _postgres_template(self, name: str, build: Build) -> str:
        if name not in self.postgres_names:
            await self.claim()
            database = f"lieu_tpl_{self.tag}_{len(self.postgres_made):02d}_{_slug(name)}"[:63]
            admin = await postgres_admin()
            try:
                await admin.execute(f"CREATE DATABASE {_quoted(database)}")
            finally:
                await admin.close()
            self.postgres_made.append(database)  # dropped at the end even if `build` fails
            await build(postgres_url(database))
            admin = await postgres_admin()
            try:
                # No connection may be open to a template while it is cloned; refuse new ones
                # and end any a build left behind.
                await admin.execute(f"ALTER DATABASE {_quoted(database)} ALLOW_CONNECTIONS false")
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    database,
                )
            finally:
                await admin.close()
            self.postgres_names[name] = database
        return self.postgres_names[name]

    def close(self) -> None:
        """Delete the SQLite templates; drop every PostgreSQL database with this session's tag
        (templates, and any test database a test left), then release the mark."""
        shutil.rmtree(self.root, ignore_errors=True)
        if self.mark is None:
            return  # nothing was made on PostgreSQL
        ours = f"^lieu_(tpl|t)_{self.tag}_"

        async def drop() -> None:
            admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
            try:
                for row in await admin.fetch(
                    "SELECT datname FROM pg_database WHERE datname ~ $1", ours
                ):
                    await admin.execute(f"DROP DATABASE IF EXISTS {_quoted(row[0])} WITH (FORCE)")
            finally:
                await admin.close()

        # In a thread of its own: pytest-asyncio's session loop must not be disturbed.
        failures: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(drop())
            except (OSError, asyncpg.PostgresError) as failure:
                failures.append(failure)

        worker = threading.Thread(target=run, name="drop-database-templates")
        worker.start()
        worker.join(timeout=60)
        self.mark.release()
        self.mark = None
        if failures:
            print(
                f"could not drop the databases of test session {self.tag}: {failures[0]}"
                " (the next session on this server drops them)"
            )


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:32]


def _sqlite_copy(template: Path, target: Path) -> None:
    """Copy `template` into `target` page by page (SQLite's backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(target)) as destination,
    ):
        source.backup(destination)


async def _postgres_clone(template: str, database: str) -> bool:
    """Replace the blank `database` by a copy of `template`; False if someone is connected."""
    admin = await postgres_admin()
    try:
        try:
            await admin.execute(f"DROP DATABASE {_quoted(database)}")
        except asyncpg.ObjectInUseError:
            return False
        await admin.execute(f"CREATE DATABASE {_quoted(database)} TEMPLATE {_quoted(template)}")
        return True
    finally:
        await admin.close()


_session: DatabaseTemplates | None = None


def start() -> DatabaseTemplates:
    """Begin the session's templates (tests/conftest.py, at session start)."""
    global _session
    _session = DatabaseTemplates(Path(tempfile.mkdtemp(prefix="lieu-db-templates-")))
    return _session


def finish() -> None:
    """End them (tests/conftest.py, at session finish)."""
    global _session
    if _session is not None:
        _session.close()
        _session = None


def active() -> DatabaseTemplates | None:
    """The session's templates, or None outside a pytest session (build the slow way)."""
    return _session
