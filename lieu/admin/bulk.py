"""Bulk actions from the console (operations): choose a filter (the search's parameters) and an
action, see the exact set and its count, freeze it (stored: the batch), confirm, and run it as
a durable batch (`BulkWorkflow`); the batch's page shows its progress and each item's outcome.
A batch can be stopped, and run again: what is done stays done."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lieu.admin.access import ACTIONS, BULK, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.filters import filter_of, filter_query
from lieu.admin.pages import answers_when_busy, page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import search_authorizations
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.batches import service as batches
from lieu.platform.batches.models import BulkBatch
from lieu.platform.batches.service import LARGEST_BATCH, BatchError, BatchStatus, BulkAction
from lieu.platform.db.keyset import Window
from lieu.workflows.bulk.service import BatchNotRunnable, start_run, stop_run

# Moving a running authorization to a newer definition version is not offered: runs are pinned
# to the version in force on their date of service (design.md, house rule 5), and lieu has no
# command that re-pins one.
CHOICES = [(a.value, a.words) for a in BulkAction]


async def _signed_in(request: Request) -> Principal | Response:
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        back = urlencode({"next": str(request.url.path)})
        return RedirectResponse(f"/admin/login?{back}", status_code=303)
    if not BULK.allows(principal):
        return refused(request, principal, BULK)
    return principal


def _action(text: str) -> BulkAction | None:
    try:
        return BulkAction(text)
    except ValueError:
        return None


async def choose(request: Request) -> Response:
    """The filter and the action; with a filter given, the exact set it finds and its count."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    return await _choose_page(request, principal, request.query_params)


async def _choose_page(
    request: Request,
    principal: Principal,
    params: QueryParams,
    *,
    error: str = "",
    reason: str = "",
    status_code: int = 200,
) -> Response:
    where, query = filter_of(params), filter_query(params)
    rows: Sequence[AuthorizationRecord] = []
    async with reads(request)() as session:
        if query:  # no filter: no set (a bulk action on every authorization is not offered)
            rows = (
                await search_authorizations(
                    session=session,
                    principal=principal,
                    where=where,
                    window=Window(LARGEST_BATCH + 1),
                )
            ).rows
        recent = await batches.recent_batches(session=session, plan=principal.plan)
    return page(
        request,
        "bulk.html",
        {
            "where": where,
            "query": query,
            "statuses": [s.value for s in Status],
            "choices": CHOICES,
            "action": _action(params.get("action", "")) or BulkAction.CANCEL,
            "rows": rows[:LARGEST_BATCH],
            "too_many": len(rows) > LARGEST_BATCH,
            "largest": LARGEST_BATCH,
            "recent": recent,
            "error": error,
            "reason": reason,
        },
        principal=principal,
        status_code=status_code,
    )


async def freeze(request: Request) -> Response:
    """Store the set the filter finds now (if it is still the count shown) as a batch."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    form = await request.form()
    # the filter as shown, and the action chosen (kept on the page after a refusal)
    chosen = urlencode({"action": str(form.get("action", ""))})
    params = QueryParams(f"{form.get('query', '')}&{chosen}")
    action = _action(str(form.get("action", "")))
    reason = str(form.get("reason", "")).strip()
    expected = str(form.get("expected", ""))
    if action is None:
        return await _refused_freeze(request, principal, params, "choose an action", reason)
    if not ACTIONS[action.value].allows(principal):
        return refused(request, principal, ACTIONS[action.value])
    if not (expected.isascii() and expected.isdigit()):
        return await _refused_freeze(
            request, principal, params, "the count shown is missing; search again", reason
        )
    try:
        async with writes(request).begin() as session:
            batch = await batches.freeze(
                session=session,
                principal=principal,
                action=action,
                reason=reason,
                where=filter_of(params),
                query=filter_query(params),
                expected=int(expected),
            )
            record(session, [_audit(request, principal, "console.bulk_freeze", batch, "ok")])
            batch_id = batch.id
    except BatchError as bad:
        return await _refused_freeze(request, principal, params, str(bad), reason)
    return RedirectResponse(f"/admin/bulk/{batch_id}", status_code=303)


async def _refused_freeze(
    request: Request, principal: Principal, params: QueryParams, error: str, reason: str
) -> Response:
    return await _choose_page(
        request, principal, params, error=error, reason=reason, status_code=409
    )


async def batch_page(request: Request) -> Response:
    """A batch: what it does to which set, its progress, and each item's outcome."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    batch_id = request.path_params["batch"]
    async with reads(request)() as session:
        batch = await batches.find_batch(session=session, plan=principal.plan, batch_id=batch_id)
        if batch is None:
            return _not_found(request, principal, batch_id)
        return await _batch_page(request, principal, session, batch)


async def _batch_page(
    request: Request,
    principal: Principal,
    session: AsyncSession,
    batch: BulkBatch,
    error: str = "",
    status_code: int = 200,
) -> Response:
    entries = await batches.items(session=session, batch_id=batch.id)
    numbers = [e.authorization_id for e in entries]
    now = {
        row.id: row.status
        for row in await session.scalars(
            select(AuthorizationRecord).where(AuthorizationRecord.id.in_(numbers))
        )
    }
    return page(
        request,
        "bulk_batch.html",
        {
            "batch": batch,
            "action": BulkAction(batch.action),
            "entries": entries,
            "status_now": now,
            "tally": await batches.tally(session=session, batch_id=batch.id),
            "running": batch.status == BatchStatus.RUNNING.value,
            "history_url": runtime_of(request).settings.workflow_history_url(f"bulk-{batch.id}"),
            "error": error,
        },
        principal=principal,
        status_code=status_code,
    )


async def run(request: Request) -> Response:
    """Confirm and run the frozen batch (or run it again: what is done stays done)."""
    return await _control(request, "run")


async def stop(request: Request) -> Response:
    """Stop the running batch after the item in hand."""
    return await _control(request, "stop")


async def _control(request: Request, verb: str) -> Response:
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    batch_id = request.path_params["batch"]
    async with reads(request)() as session:
        batch = await batches.find_batch(session=session, plan=principal.plan, batch_id=batch_id)
    if batch is None:
        return _not_found(request, principal, batch_id)
    if not ACTIONS[batch.action].allows(principal):
        return refused(request, principal, ACTIONS[batch.action])
    audited = f"console.bulk_{verb}"
    runtime = runtime_of(request)
    # stored before the workflow is started or stopped, as every console command is
    async with writes(request).begin() as session:
        record(session, [_audit(request, principal, audited, batch, "sent")])
    try:
        # Temporal refuses a second open run of the batch's workflow id: the database's status
        # is not asked, so a run whose workflow was terminated does not block the next one
        if verb == "run":
            await start_run(
                runtime.temporal, batch.id, batch.runs + 1, task_queue=runtime.settings.task_queue
            )
        else:
            await stop_run(runtime.temporal, batch.id, principal.actor)
    except BatchNotRunnable as not_now:
        async with writes(request).begin() as session:
            record(session, [_audit(request, principal, audited, batch, "refused", str(not_now))])
            if verb == "stop" and batch.status == BatchStatus.RUNNING.value:
                # its workflow ended without saying so (terminated): say it stopped, so that it
                # can be run again for the items it did not reach
                await batches.skip_pending(session=session, batch_id=batch.id, run=batch.runs)
                await batches.end_run(session=session, batch_id=batch.id, stopped=True)
        async with reads(request)() as session:
            fresh = await batches.find_batch(
                session=session, plan=principal.plan, batch_id=batch_id
            )
            assert fresh is not None
            return await _batch_page(request, principal, session, fresh, str(not_now), 409)
    async with writes(request).begin() as session:
        record(session, [_audit(request, principal, audited, batch, "ok")])
    flash = "bulk_started" if verb == "run" else "bulk_stopped"
    return RedirectResponse(f"/admin/bulk/{batch.id}?flash={flash}", status_code=303)


def _audit(
    request: Request,
    principal: Principal,
    action: str,
    batch: BulkBatch,
    outcome: str,
    why: str = "",
) -> AuditRecord:
    detail = f"{batch.action} {batch.count} authorizations ({batch.query}); reason: {batch.reason}"
    return AuditRecord(
        principal,
        action,
        f"batch:{batch.id}",
        outcome,
        origin_of(request),
        detail=f"{why}; {detail}" if why else detail,
    )


def _not_found(request: Request, principal: Principal, batch_id: str) -> Response:
    return page(
        request,
        "not_found.html",
        {"number": batch_id[:40], "what": "bulk action"},
        principal=principal,
        status_code=404,
    )


def routes() -> list[Route]:
    """The bulk pages, to mount with the console's."""
    return [
        Route("/bulk", answers_when_busy(choose), name="admin-bulk"),
        Route("/bulk", answers_when_busy(freeze), methods=["POST"], name="admin-bulk-freeze"),
        Route("/bulk/{batch}", answers_when_busy(batch_page), name="admin-bulk-batch"),
        Route("/bulk/{batch}/run", answers_when_busy(run), methods=["POST"], name="admin-bulk-run"),
        Route(
            "/bulk/{batch}/stop", answers_when_busy(stop), methods=["POST"], name="admin-bulk-stop"
        ),
    ]
