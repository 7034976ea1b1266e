"""Operations' repair of workflows of their plan: run again the step an authorization stopped
at, or reset a failed workflow to its first workflow task (lieu.workflows.repair, which the
console's failures page calls too)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from lieu.graphql.audit_trail import audit_ahead
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound
from lieu.graphql.operations.types import RetryWorkflowResult, WorkflowActed
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.workflows.repair import retry_workflow

OPERATIONS = allow(Role.OPERATIONS)


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

        async def ahead() -> None:
            await audit_ahead(context, "retryWorkflow", target)

        done = await retry_workflow(
            context.runtime.temporal,
            context.runtime.sessions,
            context.caller,
            workflow_id,
            reason,
            idempotency_key=idempotency_key,
            audit_ahead=ahead,
        )
        if done.outcome:
            context.audit("retryWorkflow", target, done.outcome, done.audit_detail)
        if done.outcome == "not_found":
            return NotFound(message=done.message, what="workflow", id=workflow_id)
        if done.outcome == "ok":
            return WorkflowActed(id=workflow_id, action=done.message, run_id=done.run_id)
        return Conflict(message=done.message, code=done.code)
