"""What is offered where and when: as-of queries over elections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Date, Select, bindparam, or_, select
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
    """The supports offered in `county` on `on`, by every plan or by one, each with the plan
    whose definition applies on that date (the plan's own when one is in force, as eligibility
    and requests find it; the DHCS baseline otherwise)."""
    query = select(Election).where(Election.county == county, in_force(on))
    if plan is not None:
        query = query.where(Election.plan == plan)
    rows = list(await session.scalars(query.order_by(Election.plan, Election.support)))
    own = await _own_definitions_in_force(session, plans={row.plan for row in rows}, on=on)
    return [
        Offering(
            plan=row.plan,
            county=row.county,
            support=row.support,
            definition_plan=row.plan if (row.plan, row.support) in own else BASELINE_PLAN,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
        )
        for row in rows
    ]


async def _own_definitions_in_force(
    session: AsyncSession, *, plans: set[str], on: date
) -> set[tuple[str, str]]:
    """(plan, support) pairs for which the plan has a published definition in force on `on`.

    The election row records the definition offered when it was made; a plan that publishes
    its own version later (or whose version starts later) is answered by date, not by that."""
    if not plans:
        return set()
    found = await session.execute(
        select(DefinitionVersion.plan, DefinitionVersion.support).where(
            DefinitionVersion.plan.in_(plans),
            DefinitionVersion.status == DefinitionStatus.PUBLISHED,
            DefinitionVersion.effective_from <= on,
        )
    )
    return {(owner, support) for owner, support in found}


@cache
def _offered() -> Select[str]:
    """The supports of one plan's elections in force in one county on one date (built once,
    values bound per call: every eligibility check asks it)."""
    on = bindparam("on", type_=Date)
    return select(Election.support).where(
        Election.plan == bindparam("plan"),
        Election.county == bindparam("county"),
        Election.effective_from <= on,
        or_(Election.effective_to.is_(None), Election.effective_to > on),
    )


async def offered_supports(
    *, session: AsyncSession, plan: str, county: str, on: date
) -> frozenset[str]:
    """The supports `plan` offers in `county` on `on`."""
    rows = await session.scalars(_offered(), {"plan": plan, "county": county, "on": on})
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
