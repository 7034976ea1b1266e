"""Operations: overdue reviews, expirations coming up, stalled authorizations, workflows by
status (from Temporal's visibility), and the audit log."""

from __future__ import annotations

import enum
from datetime import timedelta

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.types import Authorization, AuthorizationConnection
from lieu.graphql.context import Context
from lieu.graphql.errors import ClientError
from lieu.graphql.operations.types import AuditLogEntry, WorkflowSummary
from lieu.graphql.pagination import Connection, connection, page
from lieu.graphql.permissions import STAFF, allow
from lieu.platform.access.audit import audit_trail
from lieu.platform.access.authorizations import expiring, review_queue, stalled
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow
from lieu.workflows.repair import plan_workflows

OPERATIONS = allow(Role.OPERATIONS)

LONGEST_EXPIRY_DAYS = 3650  # ten years ahead
LONGEST_QUIET_MINUTES = 7 * 24 * 60  # a week


def bounded(name: str, value: int, lowest: int, highest: int) -> None:
    """Refuse an integer argument outside its range, naming both."""
    if not lowest <= value <= highest:
        raise ClientError(
            f"{name} must be between {lowest} and {highest}, got {value}", "BAD_REQUEST"
        )


@strawberry.enum(description="Temporal execution statuses operations look for.")
class WorkflowStatus(enum.Enum):
    RUNNING = "Running"
    FAILED = "Failed"
    TIMED_OUT = "TimedOut"
    TERMINATED = "Terminated"
    CANCELED = "Canceled"
    COMPLETED = "Completed"


@strawberry.type
class OperationsQueries:
    @strawberry.field(
        description="Reviews past their decision deadline, the oldest first.",
        extensions=allow(*STAFF),
    )
    async def overdue_reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> AuthorizationConnection:
        context = info.context
        at = page(first, after)
        async with context.reads() as session:
            rows = await review_queue(
                session=session,
                principal=context.caller,
                offset=at.offset,
                limit=at.limit,
                overdue_at=utcnow(),
            )
        context.audit("overdueReviews", f"authorizations:{context.caller.plan}")
        return connection(rows, at, Authorization.of_record)

    @strawberry.field(
        description="Authorizations in force that end within `withinDays` (default 30).",
        extensions=OPERATIONS,
    )
    async def expiring_authorizations(
        self,
        info: Info[Context, None],
        within_days: int = 30,
        first: int | None = None,
        after: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        bounded("withinDays", within_days, 0, LONGEST_EXPIRY_DAYS)
        at = page(first, after)
        async with context.reads() as session:
            rows = await expiring(
                session=session,
                principal=context.caller,
                today=utcnow().date(),
                within_days=within_days,
                offset=at.offset,
                limit=at.limit,
            )
        context.audit("expiringAuthorizations", f"authorizations:{context.caller.plan}")
        return connection(rows, at, Authorization.of_record)

    @strawberry.field(
        description="Escalated reviews, and requests no worker has moved for `quietMinutes`.",
        extensions=OPERATIONS,
    )
    async def stalled_authorizations(
        self,
        info: Info[Context, None],
        quiet_minutes: int = 10,
        first: int | None = None,
        after: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        bounded("quietMinutes", quiet_minutes, 1, LONGEST_QUIET_MINUTES)
        at = page(first, after)
        async with context.reads() as session:
            rows = await stalled(
                session=session,
                principal=context.caller,
                now=utcnow(),
                quiet_for=timedelta(minutes=quiet_minutes),
                offset=at.offset,
                limit=at.limit,
            )
        context.audit("stalledAuthorizations", f"authorizations:{context.caller.plan}")
        return connection(rows, at, Authorization.of_record)

    @strawberry.field(
        description="Your plan's workflows in a status (e.g. FAILED), newest first.",
        extensions=OPERATIONS,
    )
    async def workflows(
        self,
        info: Info[Context, None],
        status: WorkflowStatus = WorkflowStatus.FAILED,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[WorkflowSummary]:
        context = info.context
        at = page(first, after)
        found = await plan_workflows(
            context.runtime.temporal, context.caller.plan, status.value, limit=at.offset + at.limit
        )
        return connection(found[at.offset :], at, WorkflowSummary.of)

    @strawberry.field(
        description="Your plan's audit log, newest first (optionally one target or token).",
        extensions=OPERATIONS,
    )
    async def audit_log(
        self,
        info: Info[Context, None],
        target: str | None = None,
        token_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditLogEntry]:
        context = info.context
        at = page(first, after)
        async with context.reads() as session:
            rows = await audit_trail(
                session=session,
                plan=context.caller.plan,
                offset=at.offset,
                limit=at.limit,
                target=target,
                token_id=token_id,
            )
        return connection(rows, at, AuditLogEntry.of)
