"""The console writes (its audit lines) while something else writes the same SQLite file, as the
worker does: every page answers, none with an Internal Server Error."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Status
from lieu.settings import Settings
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import LiveConsole, live_console

pytestmark = pytest.mark.temporal

VIEWS = 20


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


@contextmanager
def another_writer(database: Path) -> Iterator[list[int]]:
    """A second connection commits small writes every few milliseconds for the block, the way a
    busy worker projects workflow steps; yields the count of its commits so far."""
    commits = [0]
    stop = threading.Event()
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute("CREATE TABLE IF NOT EXISTS other_writer (at REAL)")

    def write() -> None:
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO other_writer (at) VALUES (?)", (time.time(),))
            time.sleep(0.001)
            connection.execute("COMMIT")
            commits[0] += 1
            time.sleep(0.004)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield commits
    finally:
        stop.set()
        writer.join()
        connection.close()


async def test_cancelling_and_viewing_while_another_connection_writes_never_fails(
    console: LiveConsole,
) -> None:
    handle = await console.pending_review(hours=40)
    database = console.engine.url.database
    assert database is not None
    async with await console.signed_in(Role.OPERATIONS) as http:
        page = f"/admin/authorizations/{handle.id}"
        with another_writer(Path(database)) as commits:
            answers = [await http.get(page) for _ in range(VIEWS // 2)]
            answers.append(await http.get("/admin/authorizations", params={"member": "x"}))
            confirm = await http.submit(f"{page}/cancel", {"reason": "moved away"})
            assert "the 40 hours held are released" in confirm.text
            cancelled = await http.submit(
                f"{page}/cancel", {"reason": "moved away", "confirmed": "yes"}
            )
            answers += [await http.get(page) for _ in range(VIEWS // 2)]
        assert commits[0] > 0, "the other connection really wrote meanwhile"
    assert [a.status_code for a in answers] == [200] * len(answers)
    assert confirm.status_code == 200
    assert cancelled.status_code == 303, cancelled.text
    assert cancelled.headers["location"] == f"{page}?flash=cancelled"
    state = await handle.query(AuthorizationWorkflow.state)
    assert state.status is Status.CANCELLED
