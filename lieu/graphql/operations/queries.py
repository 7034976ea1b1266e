"""Operations: overdue reviews, expirations coming up, stalled authorizations, workflows by
status (from Temporal's visibility), and the audit log."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.types import Authorization, AuthorizationConnection
from lieu.graphql.context import Context
from lieu.graphql.errors import ClientError
from lieu.graphql.operations.types import AuditLogEntry, WorkflowStatus, WorkflowSummary
from lieu.graphql.pagination import (
    Connection,
    Edge,
    Listing,
    PageInfo,
    Resume,
    connection,
    page,
    resume_cursor,
    resume_from,
)
from lieu.graphql.permissions import STAFF, allow
from lieu.platform.access.audit import NEWEST_FIRST, audit_trail
from lieu.platform.access.authorizations import (
    ENDING_FIRST,
    NEAREST_DEADLINE,
    QUIET_LONGEST,
    expiring,
    review_queue,
    stalled,
)
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow

OPERATIONS = allow(Role.OPERATIONS)
OVERDUE_REVIEWS = Listing("overdueReviews", NEAREST_DEADLINE)
EXPIRING = Listing("expiringAuthorizations", ENDING_FIRST)
STALLED = Listing("stalledAuthorizations", QUIET_LONGEST)
AUDIT_LOG = Listing("auditLog", NEWEST_FIRST)

LONGEST_EXPIRY_DAYS = 3650  # ten years ahead
LONGEST_QUIET_MINUTES = 7 * 24 * 60  # a week


def bounded(name: str, value: int, lowest: int, highest: int) -> None:
    """Refuse an integer argument outside its range, naming both."""
    if not lowest <= value <= highest:
        raise ClientError(
            f"{name} must be between {lowest} and {highest}, got {value}", "BAD_REQUEST"
        )


@strawberry.type
class OperationsQueries:
    @strawberry.field(
        description="Reviews past their decision deadline, the oldest first.",
        extensions=allow(*STAFF),
    )
    async def overdue_reviews(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        at = page(OVERDUE_REVIEWS, first, after, last, before)
        async with context.reads() as session:
            rows = await review_queue(
                session=session,
                principal=context.caller,
                window=at,
                overdue_at=utcnow(),
            )
        context.audit("overdueReviews", f"authorizations:{context.caller.plan}")
        return connection(rows, OVERDUE_REVIEWS, Authorization.of_record)

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
        last: int | None = None,
        before: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        bounded("withinDays", within_days, 0, LONGEST_EXPIRY_DAYS)
        at = page(EXPIRING, first, after, last, before)
        async with context.reads() as session:
            rows = await expiring(
                session=session,
                principal=context.caller,
                today=utcnow().date(),
                within_days=within_days,
                window=at,
            )
        context.audit("expiringAuthorizations", f"authorizations:{context.caller.plan}")
        return connection(rows, EXPIRING, Authorization.of_record)

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
        last: int | None = None,
        before: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        bounded("quietMinutes", quiet_minutes, 1, LONGEST_QUIET_MINUTES)
        at = page(STALLED, first, after, last, before)
        async with context.reads() as session:
            rows = await stalled(
                session=session,
                principal=context.caller,
                now=utcnow(),
                quiet_for=timedelta(minutes=quiet_minutes),
                window=at,
            )
        context.audit("stalledAuthorizations", f"authorizations:{context.caller.plan}")
        return connection(rows, STALLED, Authorization.of_record)

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
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WorkflowSummary]:
        context = info.context
        size, at = resume_from("workflows", first, after, last, before)
        plan = context.caller.plan.replace("'", "")
        query = f"LieuPlan = '{plan}' AND ExecutionStatus = '{status.value}'"
        # One visibility page from the page the cursor's edge was on: its rows up to the edge
        # and this page's. The token Temporal then gives points just past the last edge; a peek
        # of one row there tells whether more follow (tokens come whenever a page is full).
        temporal = context.runtime.temporal
        listing = temporal.list_workflows(
            query, next_page_token=at.token or None, page_size=at.skip + size
        )
        await listing.fetch_next_page()
        shown = list(listing.current_page or ())[at.skip :]
        following = listing.next_page_token
        more = False
        if following:
            peek = temporal.list_workflows(query, next_page_token=following, page_size=1)
            await peek.fetch_next_page()
            more = bool(peek.current_page)
        edges = [
            Edge(
                cursor=resume_cursor(
                    "workflows",
                    Resume(following, 0)
                    if following and i == len(shown) - 1
                    else Resume(at.token, at.skip + i + 1),
                ),
                node=WorkflowSummary.of(execution),
            )
            for i, execution in enumerate(shown)
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=more,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

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
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditLogEntry]:
        context = info.context
        at = page(AUDIT_LOG, first, after, last, before)
        async with context.reads() as session:
            rows = await audit_trail(
                session=session,
                plan=context.caller.plan,
                window=at,
                target=target,
                token_id=token_id,
            )
        return connection(rows, AUDIT_LOG, AuditLogEntry.of)
