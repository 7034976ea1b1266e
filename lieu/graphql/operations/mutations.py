"""Operations' actions on workflows: retry a failed one (reset to its first workflow task) and
send a signal. Both only on workflows of the caller's plan; a retry only on a workflow that has
failed or timed out (resetting a healthy one would run it again from the start)."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionDescription, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound
from lieu.graphql.operations.types import WorkflowActed, WorkflowActionResult
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.workflows.search import PLAN

OPERATIONS = allow(Role.OPERATIONS)
RETRYABLE = {WorkflowExecutionStatus.FAILED, WorkflowExecutionStatus.TIMED_OUT}
Owned = tuple[WorkflowHandle[object, object], WorkflowExecutionDescription]


async def _own(context: Context, workflow_id: str) -> Owned | NotFound:
    """The workflow's handle and description if it belongs to the caller's plan."""
    handle: WorkflowHandle[object, object] = context.runtime.temporal.get_workflow_handle(
        workflow_id
    )
    hidden = NotFound(
        message=f"no workflow {workflow_id} of your plan", what="workflow", id=workflow_id
    )
    try:
        described = await handle.describe()
    except RPCError as failure:
        if failure.status is RPCStatusCode.NOT_FOUND:
            return hidden
        raise
    plan = described.typed_search_attributes.get(PLAN)
    owner = plan or (
        workflow_id.removeprefix("elections-") if workflow_id.startswith("elections-") else None
    )
    return (handle, described) if owner == context.caller.plan else hidden


@strawberry.type
class OperationsMutations:
    @strawberry.mutation(
        description="Retry a failed workflow: reset it to its first workflow task, so it runs "
        "again from the start with the same input (and id).",
        extensions=OPERATIONS,
    )
    async def retry_workflow(
        self, info: Info[Context, None], workflow_id: str, reason: str
    ) -> WorkflowActionResult:
        context = info.context
        target = f"workflow:{workflow_id}"
        owned = await _own(context, workflow_id)
        if isinstance(owned, NotFound):
            context.audit("retryWorkflow", target, "not_found")
            return owned
        handle, described = owned
        if described.status not in RETRYABLE:
            status = described.status.name.lower() if described.status else "unknown"
            context.audit("retryWorkflow", target, "refused", f"{status}, not failed")
            return Conflict(
                message=f"{workflow_id} is {status.replace('_', ' ')}, not failed; only a failed "
                "or timed-out workflow is retried (cancel or signal a running one instead)",
                code="not_failed",
            )
        first_task = None
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                first_task = event.event_id
                break
        if first_task is None:
            context.audit("retryWorkflow", target, "refused", "no completed workflow task")
            return Conflict(
                message=f"{workflow_id} has not completed a workflow task yet; nothing to retry",
                code="nothing_to_retry",
            )
        client = context.runtime.temporal
        reset = await client.workflow_service.reset_workflow_execution(
            ResetWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                reason=f"{context.caller.actor}: {reason}",
                workflow_task_finish_event_id=first_task,
                request_id=str(uuid.uuid4()),
            )
        )
        context.audit("retryWorkflow", target, "ok", reason)
        return WorkflowActed(id=workflow_id, action="reset", run_id=reset.run_id)

    @strawberry.mutation(
        description="Send a named signal with a JSON argument to a workflow of your plan.",
        extensions=OPERATIONS,
    )
    async def signal_workflow(
        self, info: Info[Context, None], workflow_id: str, signal: str, payload: JSON | None = None
    ) -> WorkflowActionResult:
        context = info.context
        target = f"workflow:{workflow_id}"
        owned = await _own(context, workflow_id)
        if isinstance(owned, NotFound):
            context.audit("signalWorkflow", target, "not_found")
            return owned
        handle, _described = owned
        args = [] if payload is None else [payload]
        try:
            await handle.signal(signal, args=args)
        except RPCError as failure:
            context.audit("signalWorkflow", target, "refused", str(failure))
            return Conflict(message=f"{workflow_id}: {failure.message}", code="signal_refused")
        context.audit("signalWorkflow", target, "ok", signal)
        return WorkflowActed(id=workflow_id, action=f"signal {signal}", run_id=None)
