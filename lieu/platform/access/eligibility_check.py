"""A provider's eligibility inquiry: may this member have this support on this date, in the
member's county, and why (the reasons a provider reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.in_force import VersionsInForce, ref_in_force
from lieu.platform.access.members import visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.definitions.document import Definition
from lieu.platform.elections.answers import EligibilityAnswer, eligibility_answer, offered_to


class NoDefinitionInForce(LookupError):
    """No published definition of the support is in force on the date."""


@dataclass(frozen=True, slots=True)
class EligibilityCheck:
    """The answer for one member, with the definition version that gave it."""

    cin: str
    answer: EligibilityAnswer
    definition: DefinitionRef


async def definition_in_force(
    *,
    session: AsyncSession,
    cache: PinnedDefinitions,
    plan: str,
    support: str,
    on: date,
    in_force: VersionsInForce | None = None,
) -> tuple[DefinitionRef, Definition]:
    """The effective definition the plan runs for `support` on `on` (its own, else DHCS's);
    with `in_force`, which version that is may come from its cache."""
    if in_force is None:
        ref = await ref_in_force(session=session, plan=plan, support=support, on=on)
    else:
        ref = await in_force.ref(session=session, plan=plan, support=support, on=on)
    if ref is None:
        raise NoDefinitionInForce(
            f"no published definition of {support!r} is in force on {on.isoformat()} for {plan}"
        )
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
    in_force: VersionsInForce | None = None,
) -> EligibilityCheck:
    """Assess a member the caller may see (MemberNotVisible otherwise) on a date."""
    member = await visible_member(
        session=session, principal=principal, cin=cin, birth_date=birth_date
    )
    ref, definition = await definition_in_force(
        session=session,
        cache=cache,
        plan=principal.plan,
        support=support,
        on=on,
        in_force=in_force,
    )
    offered = await offered_to(
        session=session, plan=principal.plan, support=support, facts=member.facts, on=on
    )
    assessment = cache.criteria(definition).assess(member.facts, as_of=on)
    found = eligibility_answer(
        assessment,
        plan=principal.plan,
        definition=definition,
        on=on,
        county=member.facts.get("county"),
        offered=offered,
    )
    return EligibilityCheck(cin=cin, answer=found, definition=ref)
