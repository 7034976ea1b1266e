"""Starting a plan's election workflow and submitting changes to it, for the API and the CLI."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.changes import ElectionChange, Refusal
from lieu.workflows.elections.types import (
    ChangeAccepted,
    CycleState,
    ElectionCycleInput,
    SubmitChange,
)
from lieu.workflows.elections.workflow import ElectionCycleWorkflow, election_workflow_id
from lieu.workflows.search import PLAN


async def ensure_election_workflow(
    client: Client,
    *,
    plan: str,
    calendar: ElectionCalendar,
    task_queue: str,
    search_attributes: bool = True,
    time_zone: str = "America/Los_Angeles",
) -> WorkflowHandle[ElectionCycleWorkflow, None]:
    """Start the plan's election workflow unless it already runs (safe to call at every start).

    It carries the `LieuPlan` search attribute so operations find it among the plan's
    workflows; pass `search_attributes=False` on a server without lieu's attributes.
    """
    return await client.start_workflow(
        ElectionCycleWorkflow.run,
        ElectionCycleInput(plan=plan, calendar=calendar, time_zone=time_zone),
        id=election_workflow_id(plan),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=(
            TypedSearchAttributes([SearchAttributePair(PLAN, plan)]) if search_attributes else None
        ),
    )


async def submit_change(client: Client, change: ElectionChange) -> ChangeAccepted:
    """Submit a change to the plan's open window; raise `Refusal` with the reason if refused."""
    handle = client.get_workflow_handle_for(
        ElectionCycleWorkflow.run, election_workflow_id(change.plan)
    )
    try:
        return await handle.execute_update(
            ElectionCycleWorkflow.submit_change, SubmitChange(change=change)
        )
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError):
            raise Refusal(cause.type or "refused", cause.message) from None
        raise
    except RPCError as missing:
        # NOT_FOUND covers both "never started" and "already completed" (e.g. terminated).
        if missing.status is RPCStatusCode.NOT_FOUND:
            raise Refusal(
                "no_election_workflow",
                f"plan {change.plan!r} has no running election workflow; start it first",
            ) from None
        raise


async def election_state(client: Client, plan: str) -> CycleState:
    """The plan's current cycle, phase and pending changes."""
    handle = client.get_workflow_handle_for(ElectionCycleWorkflow.run, election_workflow_id(plan))
    return await handle.query(ElectionCycleWorkflow.state)
