"""A request is checked and pinned without asking the database again for what it already
knows: which version is in force (for the bound of the cache it is given) and the version's
document (published versions never change)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory
from lieu.workflows.authorizations.service import NewRequest, prepare
from tests.workflows.authorizations import PLAN, cin, enroll, prepare_database


async def test_a_second_request_reads_no_definition_from_the_database(
    sqlite_engine: AsyncEngine,
) -> None:
    await prepare_database(sqlite_engine)
    member = cin()
    await enroll(sqlite_engine, member, "ana", county="Los Angeles")
    read: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "definition_versions" in statement:
            read.append(statement)

    event.listen(sqlite_engine.sync_engine, "before_cursor_execute", seen)
    in_force, definitions = VersionsInForce(60), PinnedDefinitions()
    sessions = create_session_factory(sqlite_engine)
    pinned = []
    for key in ("first", "second"):
        request = NewRequest(
            PLAN, member, "respite", "org-a", "planner", None, Decimal(8), key, "hours"
        )
        async with sessions() as session:
            pinned.append(
                await prepare(
                    session,
                    request,
                    received_at=datetime.now(UTC),
                    definitions=definitions,
                    in_force=in_force,
                )
            )
        if key == "first":
            assert read, "the first request reads the version in force and its document"
            read.clear()
    assert read == []
    assert pinned[0].definition == pinned[1].definition
