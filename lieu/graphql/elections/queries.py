"""What your plan offers where and when, and the election changes it submitted."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.permissions import ANYONE, allow
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.history import ChangeEntry, change_history
from lieu.platform.elections.offerings import Offering as OfferingRow
from lieu.platform.elections.offerings import offerings


@strawberry.type(description="Your plan offers a support in a county from a date.")
class Offering:
    county: str
    support: str
    definition_plan: str
    effective_from: date
    effective_to: date | None

    @classmethod
    def of(cls, row: OfferingRow) -> Offering:
        return cls(
            county=row.county,
            support=row.support,
            definition_plan=row.definition_plan,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
        )


@strawberry.type(description="A change your plan submitted to what it offers.")
class ElectionChange:
    id: int
    county: str
    support: str
    kind: str
    actor: str
    reason: str
    cycle_start: date
    status: str
    submitted_at: datetime

    @classmethod
    def of(cls, entry: ChangeEntry) -> ElectionChange:
        return cls(
            id=entry.id,
            county=entry.county,
            support=entry.support,
            kind=entry.kind,
            actor=entry.actor,
            reason=entry.reason,
            cycle_start=entry.cycle_start,
            status=entry.status,
            submitted_at=entry.submitted_at,
        )


@strawberry.type
class ElectionQueries:
    @strawberry.field(
        description="The supports your plan offers in a county on a date (default today).",
        extensions=allow(*ANYONE),
    )
    async def offerings(
        self, info: Info[Context, None], county: str, on: date | None = None
    ) -> list[Offering]:
        async with info.context.runtime.sessions() as session:
            rows = await offerings(
                session=session,
                county=county_slug(county),
                on=on or utcnow().date(),
                plan=info.context.caller.plan,
            )
        return [Offering.of(row) for row in rows]

    @strawberry.field(
        description="Every election change your plan submitted, oldest first.",
        extensions=allow(Role.PLAN_ADMIN, Role.OPERATIONS),
    )
    async def election_changes(
        self, info: Info[Context, None], county: str | None = None
    ) -> list[ElectionChange]:
        async with info.context.runtime.sessions() as session:
            entries = await change_history(
                session=session,
                plan=info.context.caller.plan,
                county=county_slug(county) if county else None,
            )
        return [ElectionChange.of(e) for e in entries]
