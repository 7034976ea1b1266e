"""Operations' repair of their plan's workflows, for GraphQL's `retryWorkflow` and the console's
failures page alike: list the workflows in a status, and retry one (run again the step an
authorization stopped at, or reset a failed workflow to its first workflow task). The caller
audits: each outcome carries the audit line's outcome and detail."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution as ExecutionRef
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Principal
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import Retry
from lieu.workflows.search import PLAN

RESETTABLE = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TIMED_OUT,
    WorkflowExecutionStatus.TERMINATED,
}


@dataclass(frozen=True, slots=True)
class Retried:
    """What came of a retry: `outcome` is the audit line's (ok, not_found, refused); `code`
    names a refusal (reason_required, not_failed, nothing_to_retry, or the workflow's)."""

    outcome: str
    message: str
    code: str = ""
    run_id: str | None = None
    audit_detail: str = ""  # the audit line's detail (the reason, or why it was refused)


async def plan_workflows(
    client: Client, plan: str, status: str, *, limit: int
) -> list[WorkflowExecution]:
    """The plan's workflows in a Temporal execution status (`Failed`, `Running`, …), newest
    first, from Temporal's visibility."""
    query = f"LieuPlan = '{plan.replace(chr(39), '')}' AND ExecutionStatus = '{status}'"
    return [execution async for execution in client.list_workflows(query, limit=limit)]


async def own_workflow(
    client: Client, principal: Principal, workflow_id: str
) -> WorkflowHandle[object, object] | None:
    """The workflow's handle if it belongs to the caller's plan (else None, as if missing)."""
    handle: WorkflowHandle[object, object] = client.get_workflow_handle(workflow_id)
    try:
        described = await handle.describe()
    except RPCError as failure:
        if failure.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    plan = described.typed_search_attributes.get(PLAN)
    owner = plan or (
        workflow_id.removeprefix("elections-") if workflow_id.startswith("elections-") else None
    )
    return handle if owner == principal.plan else None


async def retry_workflow(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    workflow_id: str,
    reason: str,
    *,
    idempotency_key: str | None = None,
    audit_ahead: Callable[[], Awaitable[None]],
) -> Retried:
    """Repair a workflow of the caller's plan. An authorization stopped at a step that failed
    for good runs that step again (`audit_ahead` is awaited first: the command must not reach
    the workflow unaudited); a workflow that failed, timed out or was terminated is reset to
    its first workflow task. A healthy workflow is refused, saying so."""
    handle = await own_workflow(client, principal, workflow_id)
    if handle is None:
        return Retried("not_found", f"no workflow {workflow_id} of your plan", "not_found")
    if not reason.strip():
        return Retried("", "say why you retry it (reason)", "reason_required")
    described = await handle.describe()
    status = described.status
    if status is WorkflowExecutionStatus.RUNNING and await _stopped(
        sessions, principal, workflow_id
    ):
        await audit_ahead()
        try:
            reply = await service.act(
                client, workflow_id, Retry(principal.actor, reason, idempotency_key or _key())
            )
        except service.AuthorizationRequestError as refused:
            code = "not_failed" if refused.code == "nothing_to_retry" else refused.code
            return Retried(
                "refused", f"{workflow_id}: {refused.message}", code, audit_detail=refused.message
            )
        return Retried("ok", reply.message, audit_detail=reason)
    if status not in RESETTABLE:
        words = status.name.lower().replace("_", " ") if status else "unknown"
        return Retried(
            "refused",
            f"{workflow_id} is {words}, not failed: there is nothing to retry",
            "not_failed",
            audit_detail=f"workflow is {words}",
        )
    first_task = None
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            first_task = event.event_id
            break
    if first_task is None:
        return Retried(
            "refused",
            f"{workflow_id} has not completed a workflow task yet; nothing to retry",
            "nothing_to_retry",
            audit_detail="no completed workflow task",
        )
    reset = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=ExecutionRef(workflow_id=workflow_id),
            reason=f"{principal.actor}: {reason}",
            workflow_task_finish_event_id=first_task,
            request_id=idempotency_key or str(uuid.uuid4()),
        )
    )
    was = (status.name if status else "unknown").lower().replace("_", " ")
    return Retried(
        "ok",
        f"{described.workflow_type} {workflow_id} {was}: reset to its first workflow task "
        f"(history event {first_task}); it runs again from the start with the same input, as "
        f"run {reset.run_id}",
        run_id=reset.run_id,
        audit_detail=reason,
    )


def what_a_retry_runs(workflow_type: str, stopped_step: bool) -> str:
    """In words, what pressing retry will run again."""
    if stopped_step:
        return "the step it stopped at, once more, with the same input; earlier steps stay done"
    return (
        f"the whole {workflow_type} from its first workflow task, with the same input and id: "
        "every activity it had run is run again"
    )


async def _stopped(
    sessions: async_sessionmaker[AsyncSession], principal: Principal, workflow_id: str
) -> bool:
    """Whether an authorization is stopped at a step that failed for good (its projection says
    so; asking the workflow would wait for a worker that may be the very thing missing)."""
    async with sessions() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=workflow_id
        )
    return row is not None and bool(row.problem)


def _key() -> str:
    return uuid.uuid4().hex
