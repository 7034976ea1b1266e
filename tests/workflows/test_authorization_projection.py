"""The projection is written once per wait point, with the release when one comes first, and
an answer still comes only once what its command changed is in the database; the benchmark's
floor does the Temporal work of the bench's authorization, counted here on lieu's real run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from benchmarks import authorizations as bench
from benchmarks import bare_workflow
from benchmarks.bare_workflow import BareAuthorization, noop
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.db.engine import create_engine, create_session_factory
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.authorizations.service import act
from lieu.workflows.authorizations.types import ProviderResponse
from lieu.workflows.client import connect
from lieu.workflows.devserver import DevServer
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


@pytest.fixture
async def bench_world(
    temporal_dev_server: DevServer, tmp_path: Path
) -> AsyncIterator[tuple[Client, AsyncEngine]]:
    """The bench's database (its plan, members and definitions) and a real dev server (the
    bench's requests set lieu's search attributes, which the time-skipping server lacks)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/bench.db"
    await bench._prepare(url, ["00000001B"])
    engine = create_engine(url)
    try:
        address = {"LIEU_TEMPORAL_ADDRESS": temporal_dev_server.address}
        yield await connect(Settings.from_env(address)), engine
    finally:
        await engine.dispose()


async def test_the_floor_does_the_temporal_work_of_the_benchs_authorization(
    bench_world: tuple[Client, AsyncEngine], settings: Settings
) -> None:
    client, engine = bench_world
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    sessions = create_session_factory(engine)
    # the bench sends the decision at once (and the floor its first update): started before
    # any worker polls, each is surely in its first workflow task, so the counts below do not
    # depend on timing
    lieu = asyncio.create_task(
        bench.one_lieu(client, sessions, VersionsInForce(0), "00000001B", queue)
    )
    floor = asyncio.create_task(bench.one_floor(client, queue))
    await asyncio.sleep(2.0)
    assert not lieu.done() and not floor.done()
    deps = registry.dependencies(settings.with_(task_queue=queue), engine)
    async with Worker(
        client,
        task_queue=queue,
        workflows=[*registry.workflows(), BareAuthorization],
        activities=[*registry.activities(deps), noop],
        workflow_runner=registry.workflow_runner("benchmarks"),
    ):
        numbers = await asyncio.wait_for(asyncio.gather(lieu, floor), 60)
    ran = [await _work(client.get_workflow_handle(number)) for number in numbers]
    assert ran[0]["activities"] == [
        "authorizations.assess",
        "authorizations.reserve",
        "authorizations.project",  # reviewed: the review opened and was decided
        "authorizations.project",  # active
        "authorizations.release_and_project",  # closed: the unused hours go back
    ]
    assert len(ran[1]["activities"]) == bare_workflow.ACTIVITIES == len(ran[0]["activities"])
    assert ran[1]["updates"] == bare_workflow.UPDATES == ran[0]["updates"]
    assert ran[1]["workflow tasks"] == ran[0]["workflow tasks"]


async def _work(handle: WorkflowHandle) -> dict[str, Any]:  # type: ignore[type-arg]
    """What a workflow asked of Temporal: its activities, updates and workflow tasks."""
    events = (await handle.fetch_history()).events
    return {
        "activities": await _activities(handle),
        "updates": sum(
            e.HasField("workflow_execution_update_accepted_event_attributes") for e in events
        ),
        "workflow tasks": sum(
            e.HasField("workflow_task_completed_event_attributes") for e in events
        ),
    }
