"""Mandatory supports and supports not yet in force: what a plan's elections must and may not do.

A DHCS baseline that declares `mandatory` names the date from which plans must offer the support
in every county they serve (transitional rent from 2026-01-01). An election for a date before
any published definition of a support is in force offers nothing a request could run on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.document import Definition, parse_mandate
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.supports import BASELINE_PLAN, support_name
from lieu.platform.elections.calendar import MandatorySupport
from lieu.platform.elections.counties import county_name


async def published_mandates(session: AsyncSession) -> tuple[MandatorySupport, ...]:
    """The mandates the published DHCS baselines declare: per support, the newest version's
    (a mandate is dated by its own `from`, not by the version that states it)."""
    rows = await session.execute(
        select(DefinitionVersion.support, DefinitionVersion.document)
        .where(
            DefinitionVersion.plan == BASELINE_PLAN,
            DefinitionVersion.status == DefinitionStatus.PUBLISHED,
        )
        .order_by(DefinitionVersion.support, DefinitionVersion.version)
    )
    newest: dict[str, MandatorySupport] = {}
    for support, document in rows:
        if document.get("mandatory") is not None:
            mandate = parse_mandate(document["mandatory"])
            newest[support] = MandatorySupport(support, mandate.from_date, mandate.reference)
    return tuple(newest[support] for support in sorted(newest))


def mandates_of(definitions: Iterable[Definition]) -> tuple[MandatorySupport, ...]:
    """The mandates a set of definitions declares (as `published_mandates`, from files)."""
    newest: dict[str, Definition] = {}
    for definition in definitions:
        if definition.is_baseline and definition.mandatory is not None:
            kept = newest.get(definition.support)
            if kept is None or kept.version < definition.version:
                newest[definition.support] = definition
    return tuple(
        MandatorySupport(support, d.mandatory.from_date, d.mandatory.reference)
        for support, d in sorted(newest.items())
        if d.mandatory is not None
    )


async def first_in_force(session: AsyncSession, *, plan: str) -> dict[str, date]:
    """Support → the first date a published definition of it (the plan's or DHCS's) is in
    force for `plan`."""
    rows = await session.execute(
        select(DefinitionVersion.support, func.min(DefinitionVersion.effective_from))
        .where(
            DefinitionVersion.plan.in_([plan, BASELINE_PLAN]),
            DefinitionVersion.status == DefinitionStatus.PUBLISHED,
        )
        .group_by(DefinitionVersion.support)
    )
    return {support: first for support, first in rows}


def not_in_force_message(support: str, on: date, first: date | None) -> str:
    """Why a support cannot be elected for `on`."""
    if first is None:
        return f"{support_name(support)} has no published definition; publish one first"
    return (
        f"{support_name(support)} has no definition in force on {on.isoformat()} (the first "
        f"starts {first.isoformat()}); elect it for a cycle on or after {first.isoformat()}"
    )


@dataclass(frozen=True, slots=True)
class Gap:
    """Counties a plan serves on `on` without a support that is mandatory then."""

    mandate: MandatorySupport
    on: date
    counties: tuple[str, ...]

    def message(self) -> str:
        """The refusal, naming the counties."""
        names = ", ".join(county_name(county) for county in self.counties)
        return (
            f"{support_name(self.mandate.support)} is mandatory from "
            f"{self.mandate.from_date.isoformat()} in every county a plan serves; on "
            f"{self.on.isoformat()} the plan serves {names} without it: elect it there from "
            f"{self.on.isoformat()} ({self.mandate.reference})"
        )


@dataclass(frozen=True, slots=True)
class Span:
    """One election as dates: `support` in `county` from `start` until `end` (excl.)."""

    county: str
    support: str
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        """Whether the election is in force on `day`."""
        return self.start <= day and (self.end is None or day < self.end)


def mandate_gaps(spans: Iterable[Span], mandates: Iterable[MandatorySupport]) -> list[Gap]:
    """For each mandate, the first date on or after it is in force on which the elections leave
    counties the plan serves without the support, with those counties. The offerings change
    only where an election starts or ends, so those dates (and the mandate's) are the ones to
    look at."""
    spans = list(spans)
    found = []
    for mandate in mandates:
        days = {mandate.from_date}
        days.update(s.start for s in spans if s.start > mandate.from_date)
        days.update(s.end for s in spans if s.end is not None and s.end > mandate.from_date)
        for day in sorted(days):
            served: dict[str, set[str]] = defaultdict(set)
            for span in spans:
                if span.covers(day):
                    served[span.county].add(span.support)
            missing = tuple(
                sorted(
                    county for county, supports in served.items() if mandate.support not in supports
                )
            )
            if missing:
                found.append(Gap(mandate, day, missing))
                break
    return found


def county_gap(
    *,
    county: str,
    on: date,
    adding: str,
    offered: Iterable[str],
    pending_adds: Iterable[str],
    mandates: Iterable[MandatorySupport],
) -> Gap | None:
    """Adding `adding` in `county` for `on` would serve the county without a support mandatory
    then, unless it is offered or added in the same cycle."""
    there = {*offered, *pending_adds, adding}
    for mandate in mandates:
        if mandate.from_date <= on and mandate.support not in there:
            return Gap(mandate, on, (county,))
    return None


def seed_gaps(
    rows: Iterable[Span], mandates: Iterable[MandatorySupport], first: Mapping[str, date]
) -> list[str]:
    """What is wrong with a whole elections file: each row for a date before its support is in
    force, and each mandate the file leaves unmet (counties named)."""
    problems = []
    rows = list(rows)
    for index, row in enumerate(rows):
        starts = first.get(row.support)
        if starts is None or row.start < starts:
            problems.append(
                f"#/elections/{index}: {not_in_force_message(row.support, row.start, starts)}"
            )
    problems.extend(gap.message() for gap in mandate_gaps(rows, mandates))
    return problems
