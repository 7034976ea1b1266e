"""Reading authorizations: one by number, a filtered list, the review queue (all audited)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.locate import locate
from lieu.graphql.authorizations.refusals import not_found
from lieu.graphql.authorizations.types import (
    Authorization,
    AuthorizationConnection,
    AuthorizationLookup,
)
from lieu.graphql.context import Context
from lieu.graphql.pagination import Listing, connection, page
from lieu.graphql.permissions import STAFF, allow
from lieu.platform.access.authorizations import (
    NEAREST_DEADLINE,
    NEWEST_FIRST,
    AuthorizationFilter,
    review_queue,
    search_authorizations,
)
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Status

AUTHORIZATIONS = Listing("authorizations", NEWEST_FIRST)
REVIEW_QUEUE = Listing("reviewQueue", NEAREST_DEADLINE)


@strawberry.input(description="Search authorizations; every field narrows the search.")
class AuthorizationSearch:
    statuses: list[Status] | None = None
    support: str | None = None
    provider: str | None = None
    member_cin: str | None = None
    deadline_before: datetime | None = None
    escalated: bool | None = None

    def to_filter(self) -> AuthorizationFilter:
        return AuthorizationFilter(
            statuses=[s.value for s in self.statuses or []],
            support=self.support,
            provider=self.provider,
            member_cin=self.member_cin,
            deadline_before=self.deadline_before,
            escalated=self.escalated,
        )


@strawberry.type
class AuthorizationQueries:
    @strawberry.field(
        description="One authorization by number (providers: only their own).",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def authorization(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> AuthorizationLookup:
        found = await locate(info.context, str(id))
        info.context.audit("authorization", f"authorization:{id}", "ok" if found else "not_found")
        return found if found is not None else not_found(str(id))

    @strawberry.field(
        description="Authorizations by status, support, provider, member or deadline, newest "
        "first (providers: only their own).",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def authorizations(
        self,
        info: Info[Context, None],
        where: AuthorizationSearch | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        at = page(AUTHORIZATIONS, first, after, last, before)
        search = (where or AuthorizationSearch()).to_filter()
        async with context.reads() as session:
            rows = await search_authorizations(
                session=session,
                principal=context.caller,
                where=search,
                window=at,
            )
        context.audit("authorizations", f"authorizations:{context.caller.plan}", "ok", f"{search}")
        return connection(rows, AUTHORIZATIONS, Authorization.of_record)

    @strawberry.field(
        description="Requests waiting for a decision, the nearest deadline first.",
        extensions=allow(*STAFF),
    )
    async def review_queue(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AuthorizationConnection:
        context = info.context
        at = page(REVIEW_QUEUE, first, after, last, before)
        async with context.reads() as session:
            rows = await review_queue(session=session, principal=context.caller, window=at)
        context.audit("reviewQueue", f"authorizations:{context.caller.plan}")
        return connection(rows, REVIEW_QUEUE, Authorization.of_record)
