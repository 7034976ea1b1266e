"""Simulating a draft against a plan's current members before it is published: who would gain
and who would lose eligibility compared with the version in force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.document import Definition, parse_definition
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.versions import (
    effective_in_force,
    valid_draft,
    with_baseline,
)
from lieu.platform.members.models import Member
from lieu.platform.rules.eligibility import Outcome

SAMPLE = 5


@dataclass(frozen=True, slots=True)
class Change:
    """One member whose outcome would change, with the draft's reasons."""

    cin: str
    before: str
    after: str
    reasons: tuple[str, ...]


@dataclass(slots=True)
class Simulation:
    """Counts over every member of the plan, and a sample of those who gain or lose."""

    members: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    gained: int = 0
    lost: int = 0
    gained_sample: list[Change] = field(default_factory=list)
    lost_sample: list[Change] = field(default_factory=list)


class SimulationError(LookupError):
    """The draft or its baseline cannot be found; the message says which."""


async def _draft_effective(session: AsyncSession, draft: Definition) -> Definition:
    merged = await with_baseline(session=session, definition=draft)
    if merged is None:
        raise SimulationError(f"{draft.extends} (the baseline the draft extends) is not published")
    return merged


async def simulate_draft(
    *, session: AsyncSession, plan: str, support: str, version: int, on: date
) -> Simulation:
    """Assess every member of `plan` on `on` under the version in force and under the draft.

    InvalidDefinition, listing every problem, when the draft has problems: its rules would not
    run, or would not run as the definition says.
    """
    row = await valid_draft(
        session=session, plan=plan, support=support, version=version, doing="simulated"
    )
    after = await _draft_effective(session, parse_definition(row.document))
    before = await effective_in_force(
        session=session, plan=plan, support=support, on=on
    ) or await effective_in_force(session=session, plan=BASELINE_PLAN, support=support, on=on)
    new_rules = compile_definition(after)
    old_rules = compile_definition(before) if before is not None else None
    result = Simulation()
    members = await session.stream_scalars(
        select(Member).where(Member.plan == plan).order_by(Member.cin)
    )
    async for member in members:
        result.members += 1
        now = new_rules.outcome(member.facts, as_of=on)  # the reasons only for a change
        was = old_rules.outcome(member.facts, as_of=on) if old_rules else None
        is_eligible = now is Outcome.ELIGIBLE
        was_eligible = was is Outcome.ELIGIBLE
        result.eligible_before += was_eligible
        result.eligible_after += is_eligible
        if is_eligible == was_eligible:
            continue
        change = Change(
            cin=member.cin,
            before=was.value if was else "no_definition",
            after=now.value,
            reasons=tuple(r.text for r in new_rules.assess(member.facts, as_of=on).reasons),
        )
        if is_eligible:
            result.gained += 1
            if len(result.gained_sample) < SAMPLE:
                result.gained_sample.append(change)
        else:
            result.lost += 1
            if len(result.lost_sample) < SAMPLE:
                result.lost_sample.append(change)
    return result
