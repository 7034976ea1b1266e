"""What is offered where and when: as-of queries over elections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.elections.models import Election


@dataclass(frozen=True, slots=True)
class Offering:
    """`plan` offers `support` in `county` from `effective_from` until `effective_to` (excl.)."""

    plan: str
    county: str
    support: str
    definition_plan: str
    effective_from: date
    effective_to: date | None


def in_force(on: date) -> ColumnElement[bool]:
    """Elections in force on a date."""
    return (Election.effective_from <= on) & or_(
        Election.effective_to.is_(None), Election.effective_to > on
    )


async def offerings(
    *, session: AsyncSession, county: str, on: date, plan: str | None = None
) -> list[Offering]:
    """The supports offered in `county` on `on`, by every plan or by one."""
    query = select(Election).where(Election.county == county, in_force(on))
    if plan is not None:
        query = query.where(Election.plan == plan)
    rows = await session.scalars(query.order_by(Election.plan, Election.support))
    return [
        Offering(
            plan=row.plan,
            county=row.county,
            support=row.support,
            definition_plan=row.definition_plan,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
        )
        for row in rows
    ]


async def offered_supports(
    *, session: AsyncSession, plan: str, county: str, on: date
) -> frozenset[str]:
    """The supports `plan` offers in `county` on `on`."""
    rows = await session.scalars(
        select(Election.support).where(
            Election.plan == plan, Election.county == county, in_force(on)
        )
    )
    return frozenset(rows)


async def is_offered(
    *, session: AsyncSession, plan: str, county: str, support: str, on: date
) -> bool:
    """Whether `plan` offers `support` in `county` on `on` (authorizations check this)."""
    return support in await offered_supports(session=session, plan=plan, county=county, on=on)


async def published_for_plan(*, session: AsyncSession, plan: str) -> dict[str, tuple[str, int]]:
    """Supports a plan can offer: support → (definition plan, newest published version).

    The plan's own published definition wins over the DHCS baseline.
    """
    result = await session.execute(
        select(DefinitionVersion.plan, DefinitionVersion.support, DefinitionVersion.version)
        .where(
            DefinitionVersion.plan.in_([plan, BASELINE_PLAN]),
            DefinitionVersion.status == DefinitionStatus.PUBLISHED,
        )
        .order_by(DefinitionVersion.version)
    )
    rows = list(result)  # ascending versions: the last one seen per support is the newest
    found = {s: (BASELINE_PLAN, v) for owner, s, v in rows if owner == BASELINE_PLAN}
    found.update({s: (plan, v) for owner, s, v in rows if owner == plan})
    return found
