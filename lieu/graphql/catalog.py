"""Public queries: the server's version and the published supports (no personal data)."""

from __future__ import annotations

from importlib.metadata import version

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.types import Caller, Service, Support
from lieu.platform.catalog import published_supports


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="The name and version of this lieu server.")
    def service(self) -> Service:
        return Service(name="lieu", version=version("lieu"))

    @strawberry.field(
        description="Supports with a published definition, optionally for one plan "
        "(published definitions are public documents)."
    )
    async def supports(self, info: Info[Context, None], plan: str | None = None) -> list[Support]:
        async with info.context.runtime.sessions() as session:
            entries = await published_supports(session=session, plan=plan)
        return [Support.from_entry(entry) for entry in entries]

    @strawberry.field(description="Who the bearer token says you are (null without one).")
    def me(self, info: Info[Context, None]) -> Caller | None:
        principal = info.context.principal
        return None if principal is None else Caller.of(principal)
