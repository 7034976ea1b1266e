"""Bulk activities: begin a run, apply the action to one item through the authorization command
API, record a failure, end the run. Each item's command and its outcome are audited as the
person who froze the batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.batches import service as batches
from lieu.platform.batches.models import BulkBatch
from lieu.platform.batches.service import BatchError, BulkAction, Outcome
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import Cancel, Retry, ReviewExtension
from lieu.workflows.bulk.types import ApplyInput, Begun, BulkRun, EndInput, FailInput, ItemResult


def item_key(batch_id: str, authorization_id: str) -> str:
    """The idempotency key of a batch's command to one authorization: the same in every run, so
    the authorization answers a re-sent command with its first answer instead of acting again."""
    return f"bulk/{batch_id}/{authorization_id}"


def command(batch: BulkBatch, authorization_id: str) -> Action:
    """The batch's action as the command the authorization takes."""
    key = item_key(batch.id, authorization_id)
    match BulkAction(batch.action):
        case BulkAction.CANCEL:
            return Cancel(batch.actor, batch.reason, key)
        case BulkAction.RETRY:
            return Retry(batch.actor, batch.reason, key)
        case BulkAction.EXTEND:
            return ReviewExtension(batch.actor, batch.reason, key)


def _audit(batch: BulkBatch, authorization_id: str, outcome: str, detail: str) -> AuditRecord:
    principal = Principal(token_id=batch.token_id, role=Role(batch.role), plan=batch.plan)
    return AuditRecord(
        principal,
        f"console.bulk_{batch.action}",
        f"authorization:{authorization_id}",
        outcome,
        Origin(user_agent=f"lieu bulk batch {batch.id}"),
        detail=f"batch {batch.id}: {detail}",
    )


class BulkActivities:
    """Bound to the write session factory by the worker; commands go through the worker's
    Temporal client."""

    def __init__(self, writes: async_sessionmaker[AsyncSession]) -> None:
        self.writes = writes

    def all(self) -> Sequence[Callable[..., Any]]:
        return [self.begin, self.apply, self.fail, self.end]

    @activity.defn(name="bulk.begin")
    async def begin(self, start: BulkRun) -> Begun:
        """Mark the batch running for this run (once, however often retried) and list the
        items without an outcome: what the last run could not send or did not reach is tried
        again; what is done or refused stays as reported."""
        async with self.writes.begin() as session:
            try:
                action, numbers = await batches.begin_run(
                    session=session, batch_id=start.batch_id, run=start.run
                )
            except BatchError as missing:
                raise ApplicationError(str(missing), non_retryable=True) from None
        return Begun(action, tuple(numbers))

    @activity.defn(name="bulk.apply")
    async def apply(self, item: ApplyInput) -> ItemResult:
        """Send the batch's command to one authorization and store what it answered."""
        number = item.authorization_id
        async with self.writes.begin() as session:
            batch = await session.get(BulkBatch, item.batch_id)
            if batch is None:
                raise ApplicationError(f"there is no batch {item.batch_id}", non_retryable=True)
            stored = await batches.item(session=session, batch_id=batch.id, authorization_id=number)
            if stored.outcome == Outcome.DONE.value:  # an earlier run's: never sent twice
                return ItemResult(number, Outcome.DONE.value, stored.message)
            # stored before the command is sent, as the console's own actions are
            record(session, [_audit(batch, number, "sent", batch.reason)])
            session.expunge(batch)
        try:
            reply = await service.act(activity.client(), number, command(batch, number))
        except AuthorizationRequestError as refused:
            outcome, message = Outcome.REFUSED, refused.message
        else:
            outcome, message = Outcome.DONE, reply.message or "done"
        async with self.writes.begin() as session:
            await batches.report(
                session=session,
                batch_id=batch.id,
                authorization_id=number,
                outcome=outcome,
                message=message,
                run=item.run,
            )
            record(session, [_audit(batch, number, _AUDITED[outcome], message)])
        return ItemResult(number, outcome.value, message)

    @activity.defn(name="bulk.fail")
    async def fail(self, failure: FailInput) -> ItemResult:
        """Store that the command could not be sent (after its retries), with the error."""
        message = f"could not be sent: {failure.message}"
        async with self.writes.begin() as session:
            batch = await session.get(BulkBatch, failure.batch_id)
            if batch is None:
                raise ApplicationError(f"there is no batch {failure.batch_id}", non_retryable=True)
            await batches.report(
                session=session,
                batch_id=batch.id,
                authorization_id=failure.authorization_id,
                outcome=Outcome.FAILED,
                message=message,
                run=failure.run,
            )
            record(session, [_audit(batch, failure.authorization_id, "failed", message)])
        return ItemResult(failure.authorization_id, Outcome.FAILED.value, message)

    @activity.defn(name="bulk.end")
    async def end(self, end: EndInput) -> None:
        """Mark the run finished (or stopped: items not reached are reported skipped)."""
        async with self.writes.begin() as session:
            if end.stopped:
                await batches.skip_pending(session=session, batch_id=end.batch_id, run=end.run)
            await batches.end_run(session=session, batch_id=end.batch_id, stopped=end.stopped)


_AUDITED = {Outcome.DONE: "ok", Outcome.REFUSED: "refused"}
