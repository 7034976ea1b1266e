"""GraphQL object types."""

from __future__ import annotations

from datetime import date

import strawberry

from lieu.platform.access.roles import Principal, Role
from lieu.platform.catalog import CatalogEntry, PublishedVersion

strawberry.enum(Role, name="Role", description="Who a token speaks for.")


@strawberry.type(
    description="The published definition of a Community Support in force today for a plan."
)
class Support:
    plan: str = strawberry.field(description="Plan code; `dhcs` is the DHCS baseline.")
    code: str = strawberry.field(description="Support code, e.g. `recuperative-care`.")
    title: str
    version: int
    effective_from: date
    content_hash: str = strawberry.field(description="SHA-256 of the published document.")

    @classmethod
    def from_entry(cls, entry: CatalogEntry, in_force: PublishedVersion) -> Support:
        return cls(
            plan=entry.plan,
            code=entry.support,
            title=in_force.title,
            version=in_force.version,
            effective_from=in_force.effective_from,
            content_hash=in_force.content_hash,
        )


@strawberry.type(description="This lieu server.")
class Service:
    name: str
    version: str


@strawberry.type(description="The caller, as its token scopes it.")
class Caller:
    token_id: str
    role: Role
    plan: str
    provider: str | None
    label: str

    @classmethod
    def of(cls, principal: Principal) -> Caller:
        return cls(
            token_id=principal.token_id,
            role=principal.role,
            plan=principal.plan,
            provider=principal.provider,
            label=principal.label,
        )
