"""A worker killed mid-window loses no submitted change (real dev server, real worker process)."""

from __future__ import annotations

import asyncio
import signal
import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError

from lieu.platform.db.engine import create_session_factory
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.changes import ChangeKind, ElectionChange, Refusal
from lieu.platform.elections.history import change_history
from lieu.workflows.devserver import DevServer
from lieu.workflows.elections.client import election_state, ensure_election_workflow, submit_change
from tests.payload_keys import sealed_converter
from tests.platform.elections.conftest import publish_rows
from tests.workers import WorkerEnv, kill, spawn_worker, worker_process

pytestmark = pytest.mark.temporal

# A window that is open today, whatever today is.
OPEN_NOW = ElectionCalendar(window_opens_days_before=400, window_closes_days_before=1)


async def _state_once_answered(client: Client, plan: str) -> Any:
    """The workflow's state, asked again while Temporal moves it off the killed worker's sticky
    queue (a query sent meanwhile can be cancelled, as an operator would see, and ask again)."""
    for _ in range(60):
        try:
            return await election_state(client, plan)
        except RPCError as cancelled:
            if "context canceled" not in cancelled.message and "deadline" not in cancelled.message:
                raise
            await asyncio.sleep(0.5)
    return await election_state(client, plan)


@pytest.mark.long
async def test_a_worker_killed_mid_window_loses_no_submitted_change(
    temporal_dev_server: DevServer, sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    plan = f"durable-{uuid.uuid4().hex[:8]}"
    async with create_session_factory(sqlite_engine).begin() as session:
        await publish_rows(session, "dhcs")
    env = WorkerEnv(sqlite_url, temporal_dev_server.address, f"q-{uuid.uuid4().hex[:8]}")
    client = await Client.connect(temporal_dev_server.address, data_converter=sealed_converter())
    handle = await ensure_election_workflow(
        client, plan=plan, calendar=OPEN_NOW, task_queue=env.task_queue
    )
    first = ElectionChange(plan, "alameda", "respite", ChangeKind.ADD, actor="pat")
    second = ElectionChange(plan, "alameda", "sobering-centers", ChangeKind.ADD, actor="lee")

    doomed = spawn_worker(env)
    try:
        await submit_change(client, first)
    finally:
        kill(doomed)

    with worker_process(env) as survivor:
        state = await _state_once_answered(client, plan)
        assert state.phase == "open"
        assert state.pending == [first]
        await submit_change(client, second)
        with pytest.raises(Refusal) as duplicate:
            await submit_change(client, first)
        assert duplicate.value.code == "duplicate"
        await handle.terminate("test over")
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(30) == 0, "a worker stops gracefully on SIGTERM"

    async with create_session_factory(sqlite_engine)() as session:
        recorded = await change_history(session=session, plan=plan)
    assert [(r.support, r.actor, r.status) for r in recorded] == [
        ("respite", "pat", "pending"),
        ("sobering-centers", "lee", "pending"),
    ]


async def test_a_change_for_a_plan_whose_election_workflow_ended_is_refused_with_the_reason(
    temporal_dev_server: DevServer,
) -> None:
    plan = f"ended-{uuid.uuid4().hex[:8]}"
    client = await Client.connect(temporal_dev_server.address, data_converter=sealed_converter())
    change = ElectionChange(plan, "alameda", "respite", ChangeKind.ADD, actor="pat")
    with pytest.raises(Refusal) as never_started:
        await submit_change(client, change)
    assert never_started.value.code == "no_election_workflow"
    handle = await ensure_election_workflow(
        client, plan=plan, calendar=OPEN_NOW, task_queue=f"none-{plan}"
    )
    await handle.terminate("plan left the program")
    with pytest.raises(Refusal) as ended:
        await submit_change(client, change)
    assert ended.value.code == "no_election_workflow"
