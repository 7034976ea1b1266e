"""The schema extension that ends each operation's reads and stores what resolvers noted for
the audit log before the answer goes out (writes that touch the database store theirs in their
own transaction instead)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import structlog
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from lieu.graphql.context import Context
from lieu.graphql.errors import ClientError

log = structlog.get_logger(__name__)
UNSTORED = (
    "the audit log could not be written, so nothing read is answered; try again in a moment "
    "(the failure has been logged for the operators)"
)


class AuditTrail(SchemaExtension):
    """A query's reads share one session; at the end, that session is closed and the audit
    records are handed to the runtime's writer, which returns once they are committed: an
    answer is never sent for a read whose audit record is not stored."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and context.reading is not None:
            context.reading.shared = self.execution_context.operation_type is OperationType.QUERY
        yield

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, Context):
            return
        if context.reading is not None:
            await context.reading.close()
        records = context.take_audit()
        if not records:
            return
        try:
            await context.runtime.audit.write(records)
        except Exception:
            log.exception("audit records not stored; the answer was withheld", count=len(records))
            raise ClientError(UNSTORED, "AUDIT_UNAVAILABLE") from None


UNSTORED_WRITE = (
    "the audit log could not be written, so the command was not sent; try again in a moment "
    "(the failure has been logged for the operators)"
)


async def audit_ahead(context: Context, action: str, target: str) -> None:
    """Store, before a command goes to its workflow, that it is being sent (outcome `sent`).
    The workflow may take the command and the API die before the operation's outcome row is
    stored; this row, committed first, means no write reaches a workflow unaudited. The outcome
    (ok, refused) follows as the next entry for the target. Refuses to send when the audit log
    cannot be written."""
    if context.principal is None:
        return
    record = context.record(action, target, "sent", "sent to the workflow; the outcome follows")
    try:
        await context.runtime.audit.write([record])
    except Exception:
        log.exception("audit record not stored; the command was not sent", action=action)
        raise ClientError(UNSTORED_WRITE, "AUDIT_UNAVAILABLE") from None
