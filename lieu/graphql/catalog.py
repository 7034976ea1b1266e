"""Public queries: the server's version and the published supports (no personal data)."""

from __future__ import annotations

from importlib.metadata import version

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.types import Caller, Service, Support
from lieu.platform.catalog import published_supports
from lieu.platform.db.base import utcnow


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="The name and version of this lieu server.")
    def service(self) -> Service:
        return Service(name="lieu", version=version("lieu"))

    @strawberry.field(
        description="Supports with a published definition in force today (the version in "
        "force, not a newer one scheduled), optionally for one plan (published definitions "
        "are public documents)."
    )
    async def supports(self, info: Info[Context, None], plan: str | None = None) -> list[Support]:
        async with info.context.reads() as session:
            entries = await published_supports(session=session, on=utcnow().date(), plan=plan)
        return [Support.from_entry(e, e.in_force) for e in entries if e.in_force is not None]

    @strawberry.field(description="Who the bearer token says you are (null without one).")
    def me(self, info: Info[Context, None]) -> Caller | None:
        principal = info.context.principal
        return None if principal is None else Caller.of(principal)
