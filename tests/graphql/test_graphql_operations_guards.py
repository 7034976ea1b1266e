"""Operations cannot kill or wedge a workflow: `retryWorkflow` acts only on one that failed, timed
out or was terminated (or an authorization stopped at a failed step) and says what it re-runs; a
finished one is refused. No operation sends a workflow an arbitrary signal: lieu's workflows
define none (their commands are validated updates), and the API offers no way to send one."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.worker import Worker

from lieu.graphql.schema import build_schema
from lieu.workflows import registry
from lieu.workflows.client import connect
from lieu.workflows.search import PLAN as PLAN_KEY
from tests.graphql.graphql_stack import PLAN, Api

pytestmark = pytest.mark.temporal

RETRY = """mutation($id: String!) { retryWorkflow(workflowId: $id, reason: "operator retry") {
  __typename ... on WorkflowActed { action runId } ... on Conflict { code message } } }"""


@workflow.defn(name="OperationsProbe")
class OperationsProbe:
    """Waits for `finish` (an update), then completes; no signals."""

    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self.done)
        return "done"

    @workflow.update
    async def finish(self) -> None:
        self.done = True


async def _probe(seeded: Any) -> tuple[Any, Worker, WorkflowHandle[Any, Any]]:
    """A probe workflow of the seeded plan, run by a worker of its own, past its first task."""
    client = await connect(seeded.settings)
    queue = f"ops-guard-{uuid.uuid4().hex[:8]}"
    worker = Worker(
        client,
        task_queue=queue,
        workflows=[OperationsProbe],
        workflow_runner=registry.workflow_runner("tests"),  # this module, imported once
    )
    handle = await client.start_workflow(
        OperationsProbe.run,
        id=f"OPS-{uuid.uuid4().hex[:12].upper()}",
        task_queue=queue,
        search_attributes=TypedSearchAttributes([SearchAttributePair(PLAN_KEY, PLAN)]),
        execution_timeout=timedelta(minutes=5),
    )
    return client, worker, handle


async def _first_task_completed(handle: WorkflowHandle[Any, Any]) -> None:
    for _ in range(100):
        async for event in handle.fetch_history_events():
            # 7, not 6 (WORKFLOW_TASK_STARTED): a probe terminated between the two had no
            # completed task to reset to, and the test flaked under load
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the probe never completed a workflow task")


async def test_a_completed_workflow_is_refused_and_keeps_its_result(api: Api, seeded: Any) -> None:
    _, worker, handle = await _probe(seeded)
    async with worker:
        await handle.execute_update(OperationsProbe.finish)
        assert await handle.result() == "done"
        answer = await api.call(seeded.tokens.operations, RETRY, {"id": handle.id})
    refused = answer["data"]["retryWorkflow"]
    assert refused["__typename"] == "Conflict" and refused["code"] == "not_failed", answer
    assert f"{handle.id} is completed, not failed: there is nothing to retry" == refused["message"]
    described = await handle.describe()
    assert described.status is WorkflowExecutionStatus.COMPLETED
    assert described.run_id == handle.result_run_id, "nothing was reset"


async def test_a_terminated_workflow_is_reset_and_the_answer_says_what_runs_again(
    api: Api, seeded: Any
) -> None:
    _, worker, handle = await _probe(seeded)
    async with worker:
        await _first_task_completed(handle)
        await handle.terminate("history too large")
        answer = await api.call(seeded.tokens.operations, RETRY, {"id": handle.id})
        acted = answer["data"]["retryWorkflow"]
        assert acted["__typename"] == "WorkflowActed", answer
        assert acted["runId"] and acted["runId"] != handle.result_run_id
        assert acted["action"] == (
            f"OperationsProbe {handle.id} terminated: reset to its first workflow task (history "
            "event 4); it runs again from the start with the same input, as run "
            f"{acted['runId']}"
        )
        rerun = (await connect(seeded.settings)).get_workflow_handle(handle.id)
        assert (await rerun.describe()).status is WorkflowExecutionStatus.RUNNING
        await rerun.execute_update(OperationsProbe.finish)
        assert await rerun.result() == "done", "the new run finishes like the first"


def _handlers(kind: str) -> set[str]:
    """`Workflow.name` of every handler of `kind` (signals, updates) lieu's workflows define,
    as the SDK reads them from the classes."""
    found = set()
    for cls in registry.workflows():
        definition = workflow._Definition.must_from_class(cls)
        found |= {f"{definition.name}.{name}" for name in getattr(definition, kind)}
    return found


def test_lieu_s_workflows_signal_only_each_other_and_the_api_sends_none() -> None:
    assert "Authorization.cancel" in _handlers("updates"), "the probe sees handlers"
    # the one signal: an appeal's workflow tells its authorization the outcome; a new one needs
    # a guard if anything but lieu's own workflows may send it (its names, a bounded payload)
    assert _handlers("signals") == {"Authorization.appeal_decided"}
    mutations = build_schema().get_type_by_name("Mutation")
    names = {field.python_name for field in getattr(mutations, "fields", [])}
    assert "retry_workflow" in names
    assert not {name for name in names if "signal" in name}
