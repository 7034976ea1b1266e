"""Reading appeals and grievances (plan staff their plan's; providers their own members')."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from lieu.graphql.appeals.types import Appeal, AppealConnection, Grievance, record_of
from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound
from lieu.graphql.pagination import Connection, Listing, connection, page
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.appeals import records
from lieu.platform.appeals.lifecycle import AppealStatus
from lieu.workflows.appeals import service
from lieu.workflows.authorizations.service import AuthorizationRequestError

STAFF = (Role.REVIEWER, Role.OPERATIONS)
APPEALS = Listing("appeals", records.APPEALS_DUE_FIRST)
GRIEVANCES = Listing("grievances", records.GRIEVANCES_DUE_FIRST)
GrievanceConnection = Connection[Grievance]


async def _unprojected(context: Context, appeal_id: str) -> Appeal | None:
    """An appeal just filed, from its workflow (its row is written by the workflow's first
    step, a moment after the filing is answered), if the caller may see it."""
    try:
        state = await service.appeal_state(context.runtime.temporal, appeal_id)
    except AuthorizationRequestError:
        return None
    start = state.start
    if not context.caller.sees_authorization(start.plan, start.provider):
        return None
    return Appeal.of(record_of(state))


@strawberry.type
class AppealQueries:
    @strawberry.field(
        description="One appeal (providers: of their own authorizations).",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def appeal(self, info: Info[Context, None], id: strawberry.ID) -> Appeal | NotFound:
        context = info.context
        async with context.reads() as session:
            row = await records.find_appeal(
                session=session, principal=context.caller, appeal_id=str(id)
            )
        found = Appeal.of(row) if row is not None else await _unprojected(context, str(id))
        context.audit("appeal", f"appeal:{id}", "ok" if found is not None else "not_found")
        if found is None:
            return NotFound(message=f"no appeal {id} that you may see", what="appeal", id=str(id))
        return found

    @strawberry.field(
        description="Appeals, the nearest deadline first; `status: OPEN` is the appeals queue.",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def appeals(
        self,
        info: Info[Context, None],
        status: AppealStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AppealConnection:
        context = info.context
        at = page(APPEALS, first, after, last, before)
        async with context.reads() as session:
            rows = await records.list_appeals(
                session=session,
                principal=context.caller,
                status=status.value if status is not None else None,
                window=at,
            )
        context.audit("appeals", f"appeals:{context.caller.plan}")
        return connection(rows, APPEALS, Appeal.of)

    @strawberry.field(
        description="The plan's grievances, due soonest first: `open` leaves out resolved ones, "
        "`overdueAt` keeps those whose acknowledgement or resolution was due before then.",
        extensions=allow(Role.OPERATIONS),
    )
    async def grievances(
        self,
        info: Info[Context, None],
        open: bool = True,
        overdue_at: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> GrievanceConnection:
        context = info.context
        at = page(GRIEVANCES, first, after, last, before)
        async with context.reads() as session:
            rows = await records.list_grievances(
                session=session,
                principal=context.caller,
                open_only=open,
                overdue_at=overdue_at,
                window=at,
            )
        context.audit("grievances", f"grievances:{context.caller.plan}")
        return connection(rows, GRIEVANCES, Grievance.of)
