"""The schema extension that stores what resolvers noted for the audit log when an operation
ends (writes that touch the database store theirs in their own transaction instead)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from lieu.graphql.context import Context
from lieu.platform.access.audit import record


class AuditTrail(SchemaExtension):
    """Flush the operation's audit records in one transaction."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, Context):
            return
        records = context.take_audit()
        if records:
            async with context.runtime.sessions.begin() as session:
                record(session, records)
