"""Operations' repair of their plan's workflows, for GraphQL's `retryWorkflow` and the console's
failures page alike: list the workflows in a status (of one member too, by `LieuMemberKey`), the
activities being retried, and retry one (run again the step an authorization stopped at, or
reset a failed workflow to its first workflow task). The caller audits: each outcome carries the
audit line's outcome and detail."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution as ExecutionRef
from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure as FailureProto
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Principal
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import Retry
from lieu.workflows.search import MEMBER_KEY, PLAN

AUTHORIZATION_TYPE = "Authorization"  # the authorization workflow's type name in Temporal
DESCRIBED_AT_ONCE = 8  # describe calls in flight together when looking for retrying activities

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


@dataclass(frozen=True, slots=True)
class RetryingActivity:
    """An activity of a running workflow that failed and waits for (or runs) another attempt."""

    workflow_id: str
    activity_type: str
    attempt: int  # the attempt now scheduled or running (2 or more)
    maximum_attempts: int  # 0: no limit
    last_failure: str  # the last attempt's error, in words
    failed_at: datetime | None
    next_attempt: datetime | None  # None: the attempt is running now


@dataclass(frozen=True, slots=True)
class RetryingActivities:
    """What `retrying_activities` found among the running workflows it looked at."""

    activities: tuple[RetryingActivity, ...]
    looked_at: int  # running authorization workflows described
    more_running: bool  # whether there were more than it looks at


def _query(plan: str, status: str, member_key: str) -> str:
    query = f"{PLAN.name} = '{plan.replace(chr(39), '')}' AND ExecutionStatus = '{status}'"
    if member_key:
        query += f" AND {MEMBER_KEY.name} = '{member_key.replace(chr(39), '')}'"
    return query


async def plan_workflows(
    client: Client, plan: str, status: str, *, limit: int, member_key: str = ""
) -> list[WorkflowExecution]:
    """The plan's workflows in a Temporal execution status (`Failed`, `Running`, …), newest
    first, from Temporal's visibility; with `member_key` (`lieu.workflows.search.member_key`),
    only that member's."""
    query = _query(plan, status, member_key)
    return [execution async for execution in client.list_workflows(query, limit=limit)]


async def retrying_activities(
    client: Client, plan: str, *, most: int, member_key: str = ""
) -> RetryingActivities:
    """The activities on their second attempt or later of the plan's running authorization
    workflows (of one member with `member_key`). Temporal's visibility cannot filter on pending
    activities (`TemporalReportedProblems` counts workflow tasks, not activities), so this
    describes at most `most` running workflows, newest first, a few at a time; `more_running`
    says the rest were not looked at."""
    query = f"{_query(plan, 'Running', member_key)} AND WorkflowType = '{AUTHORIZATION_TYPE}'"
    running = [execution async for execution in client.list_workflows(query, limit=most + 1)]
    gate = asyncio.Semaphore(DESCRIBED_AT_ONCE)

    async def retrying(execution: WorkflowExecution) -> list[RetryingActivity]:
        async with gate:
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            try:
                described = await handle.describe()
            except RPCError as failure:
                if failure.status is RPCStatusCode.NOT_FOUND:  # deleted since it was listed
                    return []
                raise
        return [
            await _retrying(client, execution.id, info)
            for info in described.raw_description.pending_activities
            if info.attempt > 1
        ]

    found = await asyncio.gather(*(retrying(execution) for execution in running[:most]))
    return RetryingActivities(
        activities=tuple(activity for each in found for activity in each),
        looked_at=min(len(running), most),
        more_running=len(running) > most,
    )


async def _retrying(
    client: Client, workflow_id: str, info: PendingActivityInfo
) -> RetryingActivity:
    def moment(stamp: Timestamp, present: bool) -> datetime | None:
        return stamp.ToDatetime(tzinfo=UTC) if present else None

    return RetryingActivity(
        workflow_id=workflow_id,
        activity_type=info.activity_type.name,
        attempt=info.attempt,
        maximum_attempts=info.maximum_attempts,
        last_failure=(
            await failure_in_words(client, info.last_failure)
            if info.HasField("last_failure")
            else "no failure recorded (the last attempt timed out or its worker stopped)"
        ),
        failed_at=moment(
            info.last_attempt_complete_time, info.HasField("last_attempt_complete_time")
        ),
        next_attempt=moment(
            info.next_attempt_schedule_time, info.HasField("next_attempt_schedule_time")
        ),
    )


async def failure_in_words(client: Client, failure: FailureProto) -> str:
    """A Temporal failure as a sentence: its type and message, opened with the client's codec
    (lieu seals failure messages with the payloads); the cause's message after it."""
    try:
        error = await client.data_converter.decode_failure(failure)
    except Exception as unreadable:  # a key this process lacks: say so rather than fail the page
        return f"its message cannot be opened here ({type(unreadable).__name__})"
    kind = getattr(error, "type", None) or type(error).__name__
    words = f"{kind}: {error}"
    cause = error.__cause__
    if cause is not None and str(cause) and str(cause) not in words:
        words += f" (caused by {cause!s})"
    return words


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
