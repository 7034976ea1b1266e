"""Operations' repair of workflows of their plan: run again the step an authorization stopped
at, or reset a failed workflow to its first workflow task."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.audit_trail import audit_ahead
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound
from lieu.graphql.operations.types import RetryWorkflowResult, WorkflowActed
from lieu.graphql.permissions import allow
from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Role
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import Retry
from lieu.workflows.search import PLAN

OPERATIONS = allow(Role.OPERATIONS)


async def _own(context: Context, workflow_id: str) -> WorkflowHandle[object, object] | NotFound:
    """The workflow's handle if it belongs to the caller's plan."""
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
    return handle if owner == context.caller.plan else hidden


RESETTABLE = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TIMED_OUT,
    WorkflowExecutionStatus.TERMINATED,
}


@strawberry.type
class OperationsMutations:
    @strawberry.mutation(
        description="Repair a workflow of your plan. An authorization stopped at a step that "
        "failed for good runs that step again; a workflow that failed, timed out or was "
        "terminated is reset to its first workflow task (it runs again from the start with the "
        "same input and id). A healthy workflow is refused, saying so.",
        extensions=OPERATIONS,
    )
    async def retry_workflow(
        self,
        info: Info[Context, None],
        workflow_id: str,
        reason: str,
        idempotency_key: str | None = None,
    ) -> RetryWorkflowResult:
        context = info.context
        target = f"workflow:{workflow_id}"
        handle = await _own(context, workflow_id)
        if isinstance(handle, NotFound):
            context.audit("retryWorkflow", target, "not_found")
            return handle
        if not reason.strip():
            return Conflict(message="say why you retry it (reason)", code="reason_required")
        described = await handle.describe()
        status = described.status
        if status is WorkflowExecutionStatus.RUNNING and await _stopped(context, workflow_id):
            return await _retry_step(context, workflow_id, reason, idempotency_key)
        if status not in RESETTABLE:
            words = status.name.lower().replace("_", " ") if status else "unknown"
            context.audit("retryWorkflow", target, "refused", f"workflow is {words}")
            return Conflict(
                message=f"{workflow_id} is {words}, not failed: there is nothing to retry",
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
                request_id=idempotency_key or str(uuid.uuid4()),
            )
        )
        context.audit("retryWorkflow", target, "ok", reason)
        was = (status.name if status else "unknown").lower().replace("_", " ")
        return WorkflowActed(
            id=workflow_id,
            action=(
                f"{described.workflow_type} {workflow_id} {was}: reset to its first workflow "
                f"task (history event {first_task}); it runs again from the start with the same "
                f"input, as run {reset.run_id}"
            ),
            run_id=reset.run_id,
        )


async def _stopped(context: Context, workflow_id: str) -> bool:
    """Whether an authorization is stopped at a step that failed for good (its projection says
    so; asking the workflow would wait for a worker that may be the very thing missing)."""
    async with context.runtime.sessions() as session:
        row = await find_authorization(
            session=session, principal=context.caller, authorization_id=workflow_id
        )
    return row is not None and bool(row.problem)


async def _retry_step(
    context: Context, workflow_id: str, reason: str, key: str | None
) -> RetryWorkflowResult:
    target = f"workflow:{workflow_id}"
    await audit_ahead(context, "retryWorkflow", target)
    try:
        reply = await service.act(
            context.runtime.temporal,
            workflow_id,
            Retry(context.caller.actor, reason, key or uuid.uuid4().hex),
        )
    except service.AuthorizationRequestError as refused:
        context.audit("retryWorkflow", target, "refused", refused.message)
        code = "not_failed" if refused.code == "nothing_to_retry" else refused.code
        return Conflict(message=f"{workflow_id}: {refused.message}", code=code)
    context.audit("retryWorkflow", target, "ok", reason)
    return WorkflowActed(id=workflow_id, action=reply.message, run_id=None)
