"""The Strawberry schema served at /graphql."""

from __future__ import annotations

from importlib.metadata import version

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.types import Service, Support
from lieu.platform.catalog import published_supports


@strawberry.type
class Query:
    @strawberry.field(description="The name and version of this lieu server.")
    def service(self) -> Service:
        return Service(name="lieu", version=version("lieu"))

    @strawberry.field(description="Supports with a published definition, optionally for one plan.")
    async def supports(self, info: Info[Context, None], plan: str | None = None) -> list[Support]:
        async with info.context.runtime.sessions() as session:
            entries = await published_supports(session=session, plan=plan)
        return [Support.from_entry(entry) for entry in entries]


def build_schema() -> strawberry.Schema:
    """The schema; built by the app at startup, not at import."""
    return strawberry.Schema(query=Query)
