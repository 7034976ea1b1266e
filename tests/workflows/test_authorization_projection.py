"""The projection is written once per wait point, with the release when one comes first, and
an answer still comes only once what its command changed is in the database."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHandle

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Decision, Status
from lieu.workflows.authorizations.service import act
from lieu.workflows.authorizations.types import ProviderResponse
from tests.workflows.acting import decision
from tests.workflows.authorizations import World, cin, enroll, settle

pytestmark = pytest.mark.temporal


async def _activities(handle: WorkflowHandle) -> list[str]:  # type: ignore[type-arg]
    history = await handle.fetch_history()
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]


async def _status(w: World, number: str) -> str:
    async with w.sessions() as session:
        record = await session.get(AuthorizationRecord, number)
    assert record is not None
    return record.status


async def test_each_answer_comes_once_the_database_has_the_state_it_made(w: World) -> None:
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "40", measure="hours")
    await settle(handle, lambda s: s.phase == "review")
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    assert await _status(w, handle.id) == Status.AWAITING_PROVIDER.value
    await act(w.client, handle.id, ProviderResponse("org-a", True, key="a"))
    assert await _status(w, handle.id) == Status.ACTIVE.value
    assert await _activities(handle) == [
        "authorizations.assess",
        "authorizations.reserve",
        "authorizations.project",  # the review opened
        "authorizations.project",  # decided
        "authorizations.project",  # accepted
    ]
