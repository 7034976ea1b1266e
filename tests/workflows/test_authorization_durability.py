"""The whole lifecycle survives workers killed at each step and a Temporal server restart
(real dev server with persisted state, real `lieu worker` processes)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Decision, LoopReason, Status
from lieu.platform.db.engine import create_session_factory
from lieu.workflows.authorizations.service import NewRequest, act, request_authorization
from lieu.workflows.authorizations.types import (
    CloseLoop,
    ProviderResponse,
)
from lieu.workflows.devserver import DevServer, free_port
from tests.payload_keys import sealed_converter
from tests.workers import WorkerEnv, kill, spawn_worker, worker_process
from tests.workflows.acting import decision, report
from tests.workflows.authorizations import PLAN, cin, enroll, prepare_database, settle

pytestmark = pytest.mark.temporal


async def connect(server: DevServer) -> Client:
    return await Client.connect(server.address, data_converter=sealed_converter())


@pytest.mark.long
async def test_an_authorization_survives_killed_workers_and_a_server_restart(
    tmp_path: Path, sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    server = DevServer(port=free_port(), ui_port=None, db_file=tmp_path / "temporal.db").start()
    try:
        sessions = await prepare_database(sqlite_engine)
        today = datetime.now(UTC).date()
        ray = cin()
        await enroll(
            sqlite_engine,
            ray,
            "ray",
            recent_discharge={"date": (today - timedelta(days=1)).isoformat()},
        )
        env = WorkerEnv(sqlite_url, server.address, f"durable-{uuid.uuid4().hex[:8]}")
        client = await connect(server)

        first = spawn_worker(env)  # dies right after the first steps
        handle = await request_authorization(
            client,
            sessions,
            NewRequest(
                PLAN,
                ray,
                "recuperative-care",
                "org-a",
                "planner",
                today,
                Decimal(30),
                uuid.uuid4().hex,
            ),
            task_queue=env.task_queue,
        )
        state = await settle(
            handle,
            lambda s: s.status is Status.PRESUMPTIVE and s.review_deadline is not None,
            seconds=60,
        )
        kill(first)

        second = spawn_worker(env)  # takes a service report, then dies
        visit = report("recuperative-care", "visit-1", today, today + timedelta(days=2), 3)
        result = await act(client, handle.id, replace(visit, key="visit-1"))
        assert result.accepted
        kill(second)

        server.stop()  # the Temporal server goes down with the authorization mid-review
        server.start()
        client = await connect(server)

        third = spawn_worker(env)  # killed while the decision is in flight
        deciding = asyncio.create_task(
            act(
                client,
                handle.id,
                decision("um", Decision.APPROVE, "wound care documented", key="decision-1"),
            )
        )
        await asyncio.sleep(0.5)
        kill(third)
        with worker_process(env):
            await deciding
            await settle(handle, lambda s: s.status is Status.AWAITING_PROVIDER, seconds=60)
            await act(client, handle.id, ProviderResponse("org-a", True, key="accept-1"))
            await settle(handle, lambda s: s.status is Status.ACTIVE, seconds=60)
            await act(
                client,
                handle.id,
                CloseLoop(
                    "org-a", LoopReason.SERVICES_RECEIVED, "discharged to housing", key="close-1"
                ),
            )
            # closed, and open for late service reports for the definition's 90 days
            final = await settle(
                handle, lambda s: s.status is Status.CLOSED and s.phase == "reporting", seconds=60
            )

        assert final.status is Status.CLOSED
        assert final.quantity_used == Decimal(3)
        assert final.quantity_reserved == Decimal(3)  # the unused 27 days were released
        assert [e.kind for e in final.timeline].count("service_reported") == 1
        assert state.definition == final.definition
        async with create_session_factory(sqlite_engine)() as session:
            record = await session.get(AuthorizationRecord, handle.id)
        assert record is not None and record.status == "closed"
        assert record.loop_reason == "services_received"
    finally:
        server.stop()


async def test_operations_can_filter_authorizations_by_search_attributes(
    temporal_dev_server: DevServer, sqlite_url: str, sqlite_engine: AsyncEngine
) -> None:
    sessions = await prepare_database(sqlite_engine)
    today = datetime.now(UTC).date()
    ana = cin()
    await enroll(sqlite_engine, ana, "ana", county="Los Angeles")
    env = WorkerEnv(sqlite_url, temporal_dev_server.address, f"search-{uuid.uuid4().hex[:8]}")
    client = await connect(temporal_dev_server)
    with worker_process(env):
        handle = await request_authorization(
            client,
            sessions,
            NewRequest(
                PLAN,
                ana,
                "respite",
                "org-a",
                "caregiver",
                today,
                Decimal(12),
                uuid.uuid4().hex,
                unit="hours",
            ),
            task_queue=env.task_queue,
        )
        await settle(handle, lambda s: s.review_deadline is not None, seconds=60)
        query = (
            f'WorkflowId = "{handle.id}" AND LieuPlan = "{PLAN}" AND LieuSupport = "respite" '
            'AND LieuStatus = "pending_review" AND LieuDeadline > "2000-01-01T00:00:00Z" '
            'AND LieuProvider = "org-a"'
        )
        found: list[str] = []
        for _ in range(100):
            found = [w.id async for w in client.list_workflows(query)]
            if found:
                break
            await asyncio.sleep(0.1)
        assert found == [handle.id]
        described = await handle.describe()
        attributes = {key.name for key, _ in described.typed_search_attributes}  # type: ignore[attr-defined]
        assert {
            "LieuPlan",
            "LieuSupport",
            "LieuStatus",
            "LieuDeadline",
            "LieuProvider",
        } <= attributes
        assert not any(ana in str(value) for _, value in described.typed_search_attributes)  # type: ignore[attr-defined]
        await handle.terminate("test over")
