"""A provider's eligibility inquiry: is this member eligible for this support on this date, is it
offered in the member's county, and why (the reasons a provider reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.members import visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.models import DefinitionVersion
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.versions import version_in_force
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.offerings import is_offered
from lieu.platform.rules.eligibility import Outcome
from lieu.platform.rules.reasons import Reason


class NoDefinitionInForce(LookupError):
    """No published definition of the support is in force on the date."""


@dataclass(frozen=True, slots=True)
class EligibilityCheck:
    """The answer, with the definition version that gave it."""

    cin: str
    support: str
    on: date
    county: str
    offered: bool
    outcome: Outcome
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    definition: DefinitionRef


async def definition_in_force(
    *, session: AsyncSession, cache: PinnedDefinitions, plan: str, support: str, on: date
) -> tuple[DefinitionRef, Definition]:
    """The effective definition the plan runs for `support` on `on` (its own, else DHCS's)."""
    row: DefinitionVersion | None = await version_in_force(
        session=session, plan=plan, support=support, on=on
    ) or await version_in_force(session=session, plan=BASELINE_PLAN, support=support, on=on)
    if row is None or row.content_hash is None:
        raise NoDefinitionInForce(
            f"no published definition of {support!r} is in force on {on.isoformat()} for {plan}"
        )
    ref = DefinitionRef(row.plan, row.support, row.version, row.content_hash)
    return ref, await cache.get(session, ref)


async def check_eligibility(
    *,
    session: AsyncSession,
    cache: PinnedDefinitions,
    principal: Principal,
    cin: str,
    support: str,
    on: date,
    birth_date: date | None = None,
) -> EligibilityCheck:
    """Assess a member the caller may see (MemberNotVisible otherwise) on a date."""
    member = await visible_member(
        session=session, principal=principal, cin=cin, birth_date=birth_date
    )
    ref, definition = await definition_in_force(
        session=session, cache=cache, plan=principal.plan, support=support, on=on
    )
    county = county_slug(str(member.facts.get("county") or ""))
    offered = await is_offered(
        session=session, plan=principal.plan, county=county, support=support, on=on
    )
    assessment = cache.criteria(definition).assess(member.facts, as_of=on)
    return EligibilityCheck(
        cin=cin,
        support=support,
        on=on,
        county=county,
        offered=offered,
        outcome=assessment.outcome,
        reasons=assessment.reasons,
        missing=tuple(sorted(assessment.missing)),
        definition=ref,
    )
