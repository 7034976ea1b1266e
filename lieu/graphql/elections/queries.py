"""What your plan offers where and when, and the election changes it submitted."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.permissions import ANYONE, allow
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Status
from lieu.platform.db.base import utcnow
from lieu.platform.elections.changes import ChangeKind
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.history import ChangeEntry, change_history
from lieu.platform.elections.impact import Affected, affected_by_removals
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
    kind: ChangeKind
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
            kind=ChangeKind(entry.kind),
            actor=entry.actor,
            reason=entry.reason,
            cycle_start=entry.cycle_start,
            status=entry.status,
            submitted_at=entry.submitted_at,
        )


@strawberry.type(
    description="A running authorization in an offering that ends on `endsOn`: it continues to "
    "its own end date; new requests there are refused from `endsOn`."
)
class AffectedAuthorization:
    authorization_id: str
    county: str
    support: str
    status: Status
    service_end: date | None
    ends_on: date

    @classmethod
    def of(cls, row: Affected) -> AffectedAuthorization:
        return cls(
            authorization_id=row.authorization_id,
            county=row.county,
            support=row.support,
            status=Status(row.status),
            service_end=row.service_end,
            ends_on=row.ends_on,
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
        async with info.context.reads() as session:
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
        async with info.context.reads() as session:
            entries = await change_history(
                session=session,
                plan=info.context.caller.plan,
                county=county_slug(county) if county else None,
            )
        return [ElectionChange.of(e) for e in entries]

    @strawberry.field(
        description="Running authorizations in offerings your plan removes on `cycleStart`, "
        "to review before the removal takes effect.",
        extensions=allow(Role.PLAN_ADMIN, Role.OPERATIONS),
    )
    async def affected_by_removals(
        self, info: Info[Context, None], cycle_start: date
    ) -> list[AffectedAuthorization]:
        async with info.context.reads() as session:
            rows = await affected_by_removals(
                session=session, plan=info.context.caller.plan, cycle_start=cycle_start
            )
        return [AffectedAuthorization.of(row) for row in rows]
