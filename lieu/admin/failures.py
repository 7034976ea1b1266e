"""The failures page: the plan's workflows that failed (Temporal's visibility, as the `workflows`
query reads it), the authorizations stopped at a step that failed (their projection) and the
activities Temporal is retrying (of the newest running authorization workflows), each with the
error in words, what a retry will run again, and a retry button that calls the same service as
`retryWorkflow` (audited as it is). `?member=CIN` narrows it to one member, found in Temporal by
`LieuMemberKey` (a keyed digest: Temporal holds no CIN), audited as a read of that member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from temporalio.client import WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError

from lieu.admin.access import FAILURES, RETRY, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.pages import answers_when_busy, page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import queue_condition, scoped
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.base import utcnow
from lieu.workflows.repair import (
    AUTHORIZATION_TYPE,
    RetryingActivities,
    plan_workflows,
    retry_workflow,
    retrying_activities,
    what_a_retry_runs,
)
from lieu.workflows.search import member_key

SHOWN = 100
# Running authorization workflows described for retrying activities on each view, newest first
# (Temporal cannot list workflows by their pending activities; each one is a describe call).
RETRYING_LOOKED_AT = 50
LONGEST_CIN = 16  # as AuthorizationRecord.member_cin holds it
# Temporal's execution statuses of a run that ended without completing (Terminated is not:
# someone ended it on purpose).
ENDED_BADLY = {"Failed": "failed", "TimedOut": "timed out"}


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing that failed, as the page lists it."""

    workflow_id: str
    workflow_type: str
    since: datetime | None
    error: str  # in words
    retry_runs: str  # what a retry runs again
    authorization: bool  # whether the id is an authorization's number


async def _signed_in(request: Request) -> Principal | Response:
    try:
        return await principal_of(request)
    except NotSignedIn:
        query = urlencode({"next": str(request.url.path)})
        return RedirectResponse(f"/admin/login?{query}", status_code=303)


def _failed(execution: WorkflowExecution) -> Failure:
    kind = execution.workflow_type
    timed_out = execution.status is WorkflowExecutionStatus.TIMED_OUT
    return Failure(
        workflow_id=execution.id,
        workflow_type=kind,
        since=execution.close_time,
        error=(
            f"{kind} timed out: it did not finish within its execution timeout"
            if timed_out
            else f"{kind} failed: its run stopped on an error it did not handle (its Temporal "
            "history names the exception)"
        ),
        retry_runs=what_a_retry_runs(kind, stopped_step=False),
        authorization=kind == AUTHORIZATION_TYPE,
    )


def _stopped(row: AuthorizationRecord) -> Failure:
    return Failure(
        workflow_id=row.id,
        workflow_type=AUTHORIZATION_TYPE,
        since=row.updated_at,
        error=row.problem,
        retry_runs=what_a_retry_runs(AUTHORIZATION_TYPE, stopped_step=True),
        authorization=True,
    )


def _member_of(request: Request) -> tuple[str, str]:
    """The `member` filter's CIN (trimmed, upper case; "" for none) and what is wrong with it."""
    cin = str(request.query_params.get("member", "")).strip().upper()
    if cin and (len(cin) > LONGEST_CIN or not cin.isalnum()):
        shown = cin if len(cin) <= LONGEST_CIN else f"{cin[:LONGEST_CIN]}…"
        return "", (
            f"member: {shown!r} is not a CIN (letters and digits, at most {LONGEST_CIN}); fix "
            "it or clear the filter to see every failure"
        )
    return cin, ""


async def failures_page(request: Request, *, outcome: str = "", status_code: int = 200) -> Response:
    """The plan's failed workflows, stopped authorizations (up to SHOWN of each) and retrying
    activities (among RETRYING_LOOKED_AT running workflows), of one member with `?member=`."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not FAILURES.allows(principal):
        return refused(request, principal, FAILURES)
    cin, bad_member = _member_of(request)
    if bad_member:
        outcome, status_code = f"Not filtered: {bad_member}", 400
    query = scoped(principal).where(queue_condition("problem", utcnow()))
    if cin:
        query = query.where(AuthorizationRecord.member_cin == cin)
    opened = writes(request).begin() if cin else reads(request)()
    async with opened as session:
        rows = await session.scalars(
            query.order_by(AuthorizationRecord.updated_at.desc(), AuthorizationRecord.id).limit(
                SHOWN
            )
        )
        stopped = [_stopped(row) for row in rows]
        if cin:  # the page says which of this member's workflows failed: a read of the member
            target = f"member:{principal.plan}/{cin}"
            line = AuditRecord(
                principal, "console.failures_member", target, "ok", origin_of(request)
            )
            record(session, [line])
    runtime = runtime_of(request)
    key = member_key(runtime.member_key_secret, principal.plan, cin) if cin else ""
    temporal_problem = ""
    retrying = RetryingActivities((), 0, False)
    failed: list[Failure] = []
    try:
        failed = [
            _failed(e)
            for status in ENDED_BADLY
            for e in await plan_workflows(
                runtime.temporal, principal.plan, status, limit=SHOWN, member_key=key
            )
        ]
        retrying = await retrying_activities(
            runtime.temporal, principal.plan, most=RETRYING_LOOKED_AT, member_key=key
        )
    except RPCError as down:
        temporal_problem = f"Temporal did not answer ({down.message}); try again"
    return page(
        request,
        "failures.html",
        {
            "stopped": stopped,
            "failed": failed,
            "retrying": retrying,
            "looked_at_most": RETRYING_LOOKED_AT,
            "member": cin,
            "temporal_problem": temporal_problem,
            "may_retry": RETRY.allows(principal),
            "outcome": outcome,
            "shown": SHOWN,
        },
        principal=principal,
        status_code=status_code,
    )


async def retry(request: Request) -> Response:
    """Retry one workflow of the plan (the service `retryWorkflow` calls), audited as
    `console.retry_workflow`: a `sent` line first when a command goes to the workflow."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not RETRY.allows(principal):
        return refused(request, principal, RETRY)
    form = await request.form()
    workflow_id = request.path_params["workflow_id"]
    reason = str(form.get("reason", ""))
    target = f"workflow:{workflow_id}"
    origin = origin_of(request)
    runtime = runtime_of(request)

    async def ahead() -> None:
        async with writes(request).begin() as session:
            sent = "sent to the workflow; the outcome follows"
            line = AuditRecord(principal, "console.retry_workflow", target, "sent", origin, sent)
            record(session, [line])

    done = await retry_workflow(
        runtime.temporal,
        runtime.sessions,
        principal,
        workflow_id,
        reason,
        idempotency_key=str(form.get("key", "")) or None,
        audit_ahead=ahead,
    )
    if done.outcome:
        async with writes(request).begin() as session:
            line = AuditRecord(
                principal, "console.retry_workflow", target, done.outcome, origin, done.audit_detail
            )
            record(session, [line])
    words = done.message if done.outcome == "ok" else f"Not retried: {done.message}"
    status_code = {"ok": 200, "not_found": 404, "": 400}.get(done.outcome, 409)
    return await failures_page(request, outcome=words, status_code=status_code)


def routes() -> list[Route]:
    """The failures page and its retry button."""
    return [
        Route("/failures", answers_when_busy(failures_page), name="admin-failures"),
        Route(
            "/failures/{workflow_id}/retry",
            answers_when_busy(retry),
            methods=["POST"],
            name="admin-retry",
        ),
    ]
