"""Simulating a draft against a plan's current members before it is published: who would gain
and who would lose eligibility compared with the version in force."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.document import Definition, parse_definition
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.versions import (
    effective_in_force,
    valid_draft,
    with_baseline,
)
from lieu.platform.elections.counties import county_name
from lieu.platform.members.models import Member
from lieu.platform.rules.assessment import Assessment
from lieu.platform.rules.eligibility import CompiledCriteria, Outcome
from lieu.platform.rules.reasons import Status

SAMPLE = 5


@dataclass(frozen=True, slots=True)
class Change:
    """One member whose outcome would change, with the draft's reasons."""

    cin: str
    before: str
    after: str
    reasons: tuple[str, ...]
    county: str = ""


@dataclass(slots=True)
class CountyFigures:
    """One county's members and what the draft would do to them."""

    members: int = 0
    gained: int = 0
    lost: int = 0
    undetermined: int = 0  # under the draft: a fact it needs is not known


@dataclass(slots=True)
class Simulation:
    """Counts over every member of the plan, by county and by criterion, and a sample of those
    who gain or lose."""

    members: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    gained: int = 0
    lost: int = 0
    undetermined_before: int = 0
    undetermined_after: int = 0
    gained_sample: list[Change] = field(default_factory=list)
    lost_sample: list[Change] = field(default_factory=list)
    by_county: dict[str, CountyFigures] = field(default_factory=dict)
    # members who would lose eligibility, by each draft criterion they do not meet (a member
    # may count under several); those who would gain, by each criterion of the version in
    # force they did not meet
    lost_by_criterion: dict[str, int] = field(default_factory=dict)
    gained_by_criterion: dict[str, int] = field(default_factory=dict)


class SimulationError(LookupError):
    """The draft or its baseline cannot be found; the message says which."""


async def _draft_effective(session: AsyncSession, draft: Definition) -> Definition:
    merged = await with_baseline(session=session, definition=draft)
    if merged is None:
        raise SimulationError(f"{draft.extends} (the baseline the draft extends) is not published")
    return merged


@dataclass(frozen=True, slots=True)
class Compared:
    """One member's outcome under the version in force (None: no version) and under the draft;
    the full assessments (reasons, each criterion's status) are worked out only when asked,
    for a member whose eligibility changes."""

    cin: str
    county: str
    was: Outcome | None
    now: Outcome
    facts: Mapping[str, Any]
    on: date
    old_rules: CompiledCriteria | None
    new_rules: CompiledCriteria

    def assessed_now(self) -> Assessment:
        return self.new_rules.assess(self.facts, as_of=self.on)

    def assessed_before(self) -> Assessment | None:
        return self.old_rules.assess(self.facts, as_of=self.on) if self.old_rules else None


async def compare_members(
    *, session: AsyncSession, plan: str, support: str, version: int, on: date
) -> AsyncIterator[Compared]:
    """Every member of `plan`, by CIN, on `on` under the version in force and under the draft
    (streamed: members are read as they are assessed; the short-circuiting outcome path).

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
    members = await session.stream_scalars(
        select(Member).where(Member.plan == plan).order_by(Member.cin)
    )
    async for member in members:
        county = member.facts.get("county")
        yield Compared(
            cin=member.cin,
            county=county_name(county) if isinstance(county, str) and county else "",
            was=old_rules.outcome(member.facts, as_of=on) if old_rules else None,
            now=new_rules.outcome(member.facts, as_of=on),
            facts=member.facts,
            on=on,
            old_rules=old_rules,
            new_rules=new_rules,
        )


def change_of(compared: Compared) -> Change | None:
    """The member's change of eligibility, if the draft changes it (with the draft's reasons)."""
    was, now = compared.was, compared.now
    if (now is Outcome.ELIGIBLE) == (was is Outcome.ELIGIBLE):
        return None
    return Change(
        cin=compared.cin,
        before=was.value if was else "no_definition",
        after=now.value,
        reasons=tuple(r.text for r in compared.assessed_now().reasons),
        county=compared.county,
    )


def _unmet(assessment: Assessment) -> list[str]:
    return [r.label for r in assessment.reasons if r.status is not Status.HELD]


class Tally:
    """The simulation's figures, member by member (as `compare_members` yields them)."""

    def __init__(self) -> None:
        self.result = Simulation()

    def add(self, compared: Compared) -> None:
        result = self.result
        result.members += 1
        now, was = compared.now, compared.was
        is_eligible = now is Outcome.ELIGIBLE
        result.eligible_before += was is Outcome.ELIGIBLE
        result.eligible_after += is_eligible
        result.undetermined_before += was is Outcome.UNDETERMINED
        unknown = now is Outcome.UNDETERMINED
        result.undetermined_after += unknown
        county = result.by_county.setdefault(compared.county or "no county", CountyFigures())
        county.members += 1
        county.undetermined += unknown
        change = change_of(compared)
        if change is None:
            return
        if is_eligible:
            result.gained += 1
            county.gained += 1
            before = compared.assessed_before()
            for label in _unmet(before) if before is not None else ():
                result.gained_by_criterion[label] = result.gained_by_criterion.get(label, 0) + 1
            if len(result.gained_sample) < SAMPLE:
                result.gained_sample.append(change)
        else:
            result.lost += 1
            county.lost += 1
            for label in _unmet(compared.assessed_now()):
                result.lost_by_criterion[label] = result.lost_by_criterion.get(label, 0) + 1
            if len(result.lost_sample) < SAMPLE:
                result.lost_sample.append(change)

    def done(self) -> Simulation:
        self.result.by_county = dict(sorted(self.result.by_county.items()))
        return self.result


async def count_members(*, session: AsyncSession, plan: str) -> int:
    """How many members the plan has (what a simulation will go through)."""
    found = await session.scalar(
        select(func.count()).select_from(Member).where(Member.plan == plan)
    )
    return int(found or 0)


async def simulate_draft(
    *, session: AsyncSession, plan: str, support: str, version: int, on: date
) -> Simulation:
    """Assess every member of `plan` on `on` under the version in force and under the draft:
    the counts, by county and by criterion, and a sample of who gains and who loses."""
    tally = Tally()
    found = compare_members(session=session, plan=plan, support=support, version=version, on=on)
    async for compared in found:
        tally.add(compared)
    return tally.done()
