"""The failures page (issue #14 point 5): authorizations stopped at a failed step and workflows
that failed or timed out, with the error in words and what a retry runs again; the retry button
calls the service `retryWorkflow` calls, is audited, and is only for operations."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.workflows.search import PLAN as PLAN_KEY
from tests.admin.console_stack import Console
from tests.workflows.authorizations import PLAN

pytestmark = pytest.mark.temporal


async def _audit(console: Console, target: str) -> list[tuple[str, str, str]]:
    async with create_session_factory(console.engine)() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.target == target).order_by(AuditEntry.id)
        )
        return [(row.action, row.outcome, row.detail) for row in rows]


async def _started(console: Console, **options: object) -> WorkflowHandle[object, object]:
    """A workflow of the demo plan on a task queue no worker polls."""
    client = await Client.connect(console.settings.temporal_address)
    handle: WorkflowHandle[object, object] = await client.start_workflow(
        "Authorization",
        id=f"A-OPS-{uuid.uuid4().hex[:12].upper()}",
        task_queue=f"nobody-{uuid.uuid4().hex[:8]}",
        search_attributes=TypedSearchAttributes([SearchAttributePair(PLAN_KEY, PLAN)]),
        **options,  # type: ignore[arg-type]
    )
    return handle


async def test_a_stopped_authorization_shows_its_error_and_what_a_retry_runs(
    console: Console,
) -> None:
    number = await console.project(problem="the eligibility check failed: member facts unreadable")
    async with await console.signed_in(Role.OPERATIONS) as http:
        page = (await http.get("/admin/failures")).text
    row = re.search(rf'<tr data-workflow="{number}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "the eligibility check failed: member facts unreadable" in row.group(1)
    assert "the step it stopped at, once more" in row.group(1)
    assert f"Retry {number}" in row.group(1)


async def test_a_timed_out_workflow_is_listed_and_its_retry_refusal_is_said_and_audited(
    console: Console,
) -> None:
    handle = await _started(console, execution_timeout=timedelta(seconds=1))
    async with await console.signed_in(Role.OPERATIONS) as http:
        for _ in range(100):  # Temporal's visibility lags its executions a little
            page = (await http.get("/admin/failures")).text
            if f'data-workflow="{handle.id}"' in page:
                break
            await asyncio.sleep(0.2)
        assert f'data-workflow="{handle.id}"' in page
        assert "timed out: it did not finish within its execution timeout" in page
        answer = await http.submit(
            f"/admin/failures/{handle.id}/retry", {"reason": "worker was down", "key": "k1"}
        )
    assert (await handle.describe()).status is WorkflowExecutionStatus.TIMED_OUT
    assert answer.status_code == 409
    assert "Not retried: " in answer.text and "has not completed a workflow task yet" in answer.text
    assert await _audit(console, f"workflow:{handle.id}") == [
        ("console.retry_workflow", "refused", "no completed workflow task")
    ]


async def test_a_running_workflow_is_not_retried_and_a_retry_needs_a_reason(
    console: Console,
) -> None:
    handle = await _started(console)
    try:
        async with await console.signed_in(Role.OPERATIONS) as http:
            running = await http.submit(f"/admin/failures/{handle.id}/retry", {"reason": "try"})
            no_reason = await http.submit(f"/admin/failures/{handle.id}/retry", {"reason": " "})
        assert running.status_code == 409 and "is running, not failed" in running.text
        assert no_reason.status_code == 400 and "say why you retry it (reason)" in no_reason.text
        assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    finally:
        await handle.terminate("test over")


async def test_another_plans_or_a_missing_workflow_is_not_found_and_audited(
    console: Console,
) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit("/admin/failures/A-NOWHERE/retry", {"reason": "x"})
    assert answer.status_code == 404 and "no workflow A-NOWHERE of your plan" in answer.text
    assert await _audit(console, "workflow:A-NOWHERE") == [
        ("console.retry_workflow", "not_found", "")
    ]


async def test_reviewers_may_neither_see_failures_nor_retry(console: Console) -> None:
    number = await console.project(problem="stuck")
    async with await console.signed_in(Role.REVIEWER) as http:
        page = await http.get("/admin/failures")
        retry = await http.submit(f"/admin/failures/{number}/retry", {"reason": "x"})
    assert page.status_code == 403 and "cannot see failed workflows" in page.text
    assert (
        retry.status_code == 403 and "cannot retry a workflow (open to: operations)" in retry.text
    )
    assert await _audit(console, f"workflow:{number}") == []
