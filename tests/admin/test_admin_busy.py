"""A database held by another writer past the busy timeout: the console says so and to try
again, never an Internal Server Error."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.admin.session import CSRF_FIELD
from lieu.platform.access.roles import Role
from lieu.platform.db import engine as engine_module
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, csrf_of, token
from tests.serving import serve
from tests.workflows.authorizations import prepare_database

pytestmark = pytest.mark.temporal

BUSY_TIMEOUT_MS = 300  # instead of 10 s, so that waiting it out is quick


@pytest.fixture
async def impatient_console(
    settings: Settings,
    sqlite_engine: AsyncEngine,
    temporal_dev_server: DevServer,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Console]:
    """The console whose own engine waits only BUSY_TIMEOUT_MS for SQLite's write lock."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
    ready = settings.with_(temporal_address=temporal_dev_server.address)
    await prepare_database(sqlite_engine)
    async with serve(ready) as base:
        yield Console(base=base, engine=sqlite_engine, settings=ready)


@contextmanager
def write_lock_held(database: Path) -> Iterator[None]:
    """Another connection (as the worker's would) holds SQLite's write lock for the block."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def _database(console: Console) -> Path:
    database = console.engine.url.database
    assert database is not None
    return Path(database)


async def test_viewing_an_authorization_while_the_database_stays_busy_says_try_again(
    impatient_console: Console,
) -> None:
    number = await impatient_console.project()
    async with await impatient_console.signed_in(Role.OPERATIONS) as http:
        with write_lock_held(_database(impatient_console)):
            busy = await http.get(f"/admin/authorizations/{number}")
        again = await http.get(f"/admin/authorizations/{number}")
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert "nothing was changed. Try again in a moment." in busy.text
    assert 'role="alert"' in busy.text
    assert again.status_code == 200


async def test_searching_by_member_while_the_database_stays_busy_says_try_again(
    impatient_console: Console,
) -> None:
    async with await impatient_console.signed_in(Role.OPERATIONS) as http:
        with write_lock_held(_database(impatient_console)):
            busy = await http.get("/admin/authorizations", params={"member": "91000001A"})
    assert busy.status_code == 503
    assert "Try again in a moment." in busy.text


async def test_signing_in_or_out_while_the_database_stays_busy_says_try_again(
    impatient_console: Console,
) -> None:
    secret = await token(impatient_console.engine, Role.OPERATIONS)
    async with await impatient_console.signed_in(Role.OPERATIONS) as http:
        with write_lock_held(_database(impatient_console)):
            busy_out = await http.submit("/admin/logout", {})
        assert (await http.get("/admin/authorizations")).status_code == 200, "still signed in"
    async with httpx.AsyncClient(base_url=impatient_console.base) as browser:
        form = await browser.get("/admin/login")
        with write_lock_held(_database(impatient_console)):
            busy_in = await browser.post(
                "/admin/login", data={"token": secret, CSRF_FIELD: csrf_of(form.text)}
            )
    for busy in (busy_out, busy_in):
        assert busy.status_code == 503, busy.text
        assert "nothing was changed. Try again in a moment." in busy.text
