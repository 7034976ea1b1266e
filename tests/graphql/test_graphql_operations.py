"""Operations: overdue reviews, expirations coming up, stalled requests, searches, workflows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory
from lieu.workflows.client import connect
from lieu.workflows.search import PLAN as PLAN_KEY
from tests.graphql.graphql_stack import PLAN, RAY, TODAY, Api, project_authorization

pytestmark = pytest.mark.temporal


async def change(engine: Any, number: str, **values: Any) -> None:
    async with create_session_factory(engine).begin() as session:
        await session.execute(
            update(AuthorizationRecord).where(AuthorizationRecord.id == number).values(**values)
        )


def ids(answer: dict[str, Any], field: str) -> list[str]:
    assert "errors" not in answer, answer
    return [node["id"] for node in answer["data"][field]["nodes"]]


async def test_operations_find_overdue_expiring_and_stalled_authorizations(
    api: Api, seeded: Any
) -> None:
    engine, org, token = seeded.engine, seeded.tokens.provider_org, seeded.tokens.operations
    overdue = await project_authorization(engine, provider=org)
    await change(engine, overdue, review_deadline=datetime.now(UTC) - timedelta(hours=1))
    on_time = await project_authorization(engine, provider=org)
    ending = await project_authorization(engine, provider=org, status=Status.ACTIVE)
    await change(engine, ending, service_end=TODAY + timedelta(days=10))
    stuck = await project_authorization(engine, provider=org, status=Status.RECEIVED)
    await change(engine, stuck, updated_at=datetime.now(UTC) - timedelta(hours=2))

    assert ids(await api.call(token, "{ overdueReviews { nodes { id } } }"), "overdueReviews") == [
        overdue
    ]
    queue = ids(await api.call(token, "{ reviewQueue { nodes { id } } }"), "reviewQueue")
    assert queue == [overdue, on_time], "nearest deadline first"
    expiring = await api.call(token, "{ expiringAuthorizations(withinDays: 30) { nodes { id } } }")
    assert ids(expiring, "expiringAuthorizations") == [ending]
    stalled = await api.call(token, "{ stalledAuthorizations { nodes { id } } }")
    assert ids(stalled, "stalledAuthorizations") == [stuck]


async def test_search_by_status_member_and_provider_pages_with_cursors(
    api: Api, seeded: Any
) -> None:
    engine, tokens = seeded.engine, seeded.tokens
    for _ in range(3):
        await project_authorization(engine, provider=tokens.provider_org)
    rays = await project_authorization(engine, provider=tokens.other_provider_org, cin=RAY)
    by_member = await api.call(
        tokens.operations,
        f'{{ authorizations(where: {{memberCin: "{RAY}", statuses: [PENDING_REVIEW]}}) '
        "{ nodes { id } } }",
    )
    assert ids(by_member, "authorizations") == [rays]
    query = (
        "query($after: String) { authorizations(first: 2, after: $after, where: {provider: "
        f'"{tokens.provider_org}"}}) {{ nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}'
    )
    first = await api.call(tokens.operations, query)
    page = first["data"]["authorizations"]
    assert len(page["nodes"]) == 2 and page["pageInfo"]["hasNextPage"] is True
    second = await api.call(tokens.operations, query, {"after": page["pageInfo"]["endCursor"]})
    rest = second["data"]["authorizations"]
    assert len(rest["nodes"]) == 1 and rest["pageInfo"]["hasNextPage"] is False


async def test_a_list_loads_every_timeline_in_one_query(api: Api, seeded: Any) -> None:
    engine, tokens = seeded.engine, seeded.tokens
    for _ in range(5):
        await project_authorization(engine, provider=tokens.provider_org)
    statements: list[str] = []

    from sqlalchemy import event

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "authorization_events" in statement:
            statements.append(statement)

    runtime_engine = api.http._transport.app.state.runtime.engine.sync_engine
    event.listen(runtime_engine, "before_cursor_execute", count)
    answer = await api.call(
        tokens.operations, "{ authorizations { nodes { id timeline { kind } member { cin } } } }"
    )
    event.remove(runtime_engine, "before_cursor_execute", count)
    nodes = answer["data"]["authorizations"]["nodes"]
    assert len(nodes) == 5 and all(n["timeline"][0]["kind"] == "received" for n in nodes)
    assert len(statements) == 1, "the DataLoader batches the five timelines"


async def test_workflows_by_status_come_from_temporal_for_the_plan_only(
    api: Api, seeded: Any
) -> None:
    answer = await api.call(
        seeded.tokens.operations, "{ workflows(status: FAILED) { nodes { id status } } }"
    )
    assert "errors" not in answer, answer
    assert all(n["status"] == "FAILED" for n in answer["data"]["workflows"]["nodes"])


RETRY = """mutation($id: String!) { retryWorkflow(workflowId: $id, reason: "retry it") {
  __typename ... on WorkflowActed { runId } ... on Conflict { code message } } }"""


async def _start_without_worker(seeded: Any, **options: Any) -> Any:
    """A workflow of the seeded plan on a task queue no worker polls: it stays as started."""
    client = await connect(seeded.settings)
    return await client.start_workflow(
        "Authorization",
        id=f"A-OPS-{uuid.uuid4().hex[:12].upper()}",
        task_queue=f"nobody-{uuid.uuid4().hex[:8]}",
        search_attributes=TypedSearchAttributes([SearchAttributePair(PLAN_KEY, PLAN)]),
        **options,
    )


async def test_a_running_workflow_is_not_retried_and_keeps_its_run(api: Api, seeded: Any) -> None:
    handle = await _start_without_worker(seeded)
    try:
        answer = await api.call(seeded.tokens.operations, RETRY, {"id": handle.id})
        refused = answer["data"]["retryWorkflow"]
        assert refused["__typename"] == "Conflict" and refused["code"] == "not_failed", answer
        assert "is running, not failed" in refused["message"]
        described = await handle.describe()
        assert described.status is WorkflowExecutionStatus.RUNNING
        assert described.run_id == handle.result_run_id, "a refused retry resets nothing"
    finally:
        await handle.terminate("test over")


async def test_a_timed_out_workflow_may_be_retried(api: Api, seeded: Any) -> None:
    handle = await _start_without_worker(seeded, execution_timeout=timedelta(seconds=1))
    for _ in range(100):
        if (await handle.describe()).status is WorkflowExecutionStatus.TIMED_OUT:
            break
        await asyncio.sleep(0.1)
    answer = await api.call(seeded.tokens.operations, RETRY, {"id": handle.id})
    # past the status check: this one never ran a workflow task, so there is nothing to reset to
    assert answer["data"]["retryWorkflow"]["code"] == "nothing_to_retry", answer
