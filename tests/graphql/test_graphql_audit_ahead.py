"""A write that goes to a workflow is audited before it is sent (issue #15 point 4c): the API may
die after the workflow took the command and before the operation's outcome row is stored; the
`sent` row, committed first, is there all the same. If it cannot be stored, nothing is sent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lieu.graphql.authorizations import updates
from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import Api, project_authorization

pytestmark = pytest.mark.temporal

CANCEL = (
    "mutation($id: ID!) { cancelAuthorization(input: {authorizationId: $id, "
    'idempotencyKey: "ahead-1", reason: "duplicate request"}) { __typename } }'
)


async def lines(engine: Any, number: str) -> list[tuple[str, str]]:
    async with create_session_factory(engine)() as session:
        rows = await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target == f"authorization:{number}")
            .order_by(AuditEntry.id)
        )
        return [(row.action, row.outcome) for row in rows]


async def test_the_sent_line_is_stored_before_the_workflow_gets_the_command(
    api: Api, seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
    seen_when_sent: list[list[tuple[str, str]]] = []

    async def dies_after_sending(*_args: Any) -> Any:
        seen_when_sent.append(await lines(seeded.engine, number))
        raise RuntimeError("the API process died here")  # the outcome is never stored

    monkeypatch.setattr(updates.service, "act", dies_after_sending)
    answer = await api.call(seeded.tokens.operations, CANCEL, {"id": number})
    assert answer.get("errors"), answer
    assert seen_when_sent == [[("cancelAuthorization", "sent")]]
    assert await lines(seeded.engine, number) == [("cancelAuthorization", "sent")]


async def test_when_the_audit_log_cannot_be_written_the_command_is_not_sent(
    api: Api, seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
    sent: list[str] = []

    async def act(*args: Any) -> Any:
        sent.append(args[1])
        raise AssertionError("must not be sent")

    async def unwritable(_records: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(updates.service, "act", act)
    monkeypatch.setattr(api.runtime.audit, "write", unwritable)
    answer = await api.call(seeded.tokens.operations, CANCEL, {"id": number})
    assert sent == []
    assert "the command was not sent" in str(answer["errors"])
