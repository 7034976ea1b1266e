"""Mandatory means mandatory (issue #10, point 4): a plan's elections that leave a county it
serves without transitional rent from 2026-01-01 are refused with the counties named, and an
election for a date before a support's definition is in force is refused; the elections file
is checked whole, as a change is, before anything is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.directory import load_directory
from lieu.platform.elections.calendar import Cycle, MandatorySupport
from lieu.platform.elections.changes import ChangeKind, ElectionChange, Refusal
from lieu.platform.elections.mandates import Span, mandate_gaps, published_mandates
from lieu.platform.elections.models import Election
from lieu.platform.elections.seed import SeedElection, SeedError, import_elections, read_seed
from lieu.workflows.elections.activities import check_in_force_and_mandates
from lieu.workflows.elections.types import CheckChange

ROOT = Path(__file__).resolve().parents[3] / "benefit_definitions"
RENT = MandatorySupport("transitional-rent", date(2026, 1, 1), "DHCS: mandatory 1/1/26")


def span(county: str, support: str, start: date, end: date | None = None) -> Span:
    return Span(county, support, start, end)


def test_a_county_served_without_the_mandatory_support_from_its_date_is_a_gap_named() -> None:
    rows = [
        span("alameda", "respite", date(2024, 1, 1)),
        span("alameda", "transitional-rent", date(2026, 1, 1)),
        span("kern", "respite", date(2024, 1, 1)),
        span("fresno", "respite", date(2024, 1, 1), date(2025, 7, 1)),  # ends before
        span("yolo", "respite", date(2026, 7, 1)),  # served later, without it
    ]
    gaps = mandate_gaps(rows, [RENT])
    assert [(g.on, g.counties) for g in gaps] == [(date(2026, 1, 1), ("kern",))]
    assert "Kern" in gaps[0].message() and "mandatory from 2026-01-01" in gaps[0].message()
    fixed = [*rows, span("kern", "transitional-rent", date(2025, 7, 1))]
    later = mandate_gaps(fixed, [RENT])
    assert [(g.on, g.counties) for g in later] == [(date(2026, 7, 1), ("yolo",))]
    ended = [*fixed, span("yolo", "transitional-rent", date(2026, 7, 1), date(2027, 1, 1))]
    assert [(g.on, g.counties) for g in mandate_gaps(ended, [RENT])] == [
        (date(2027, 1, 1), ("yolo",))
    ]


def test_the_shipped_baseline_declares_the_mandate_and_the_demo_elections_meet_it() -> None:
    _plan, rows = read_seed(ROOT / "elections" / "demo-plan.json")
    spans = [span(r.county, r.support, r.effective_from, r.effective_to) for r in rows]
    assert mandate_gaps(spans, [RENT]) == []


async def published(engine: AsyncEngine) -> None:
    async with create_session_factory(engine).begin() as session:
        await load_directory(session=session, root=ROOT, actor="test")


async def test_an_elections_file_leaving_counties_without_transitional_rent_in_2026_is_refused(
    engine: AsyncEngine,
) -> None:
    await published(engine)
    rows = [
        SeedElection("alameda", "transitional-rent", date(2025, 7, 1)),
        SeedElection("alameda", "respite", date(2022, 1, 1)),
        SeedElection("kern", "respite", date(2022, 1, 1)),
        SeedElection("san-diego", "recuperative-care", date(2022, 1, 1)),
    ]
    async with create_session_factory(engine).begin() as session:
        assert [m.support for m in await published_mandates(session)] == ["transitional-rent"]
        with pytest.raises(SeedError) as refused:
            await import_elections(session=session, plan="demo-plan", rows=rows, actor="seed")
    message = str(refused.value)
    assert "Transitional Rent is mandatory from 2026-01-01" in message
    assert "on 2026-01-01 the plan serves Kern, San Diego without it" in message
    async with create_session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Election)) == 0


async def test_an_election_before_the_supports_definition_is_in_force_is_refused(
    engine: AsyncEngine,
) -> None:
    await published(engine)
    rows = [SeedElection("alameda", "transitional-rent", date(2025, 1, 1))]
    async with create_session_factory(engine).begin() as session:
        with pytest.raises(SeedError) as refused:
            await import_elections(session=session, plan="demo-plan", rows=rows, actor="seed")
    assert (
        "#/elections/0: Transitional Rent has no definition in force on 2025-01-01 (the first "
        "starts 2025-07-01); elect it for a cycle on or after 2025-07-01"
    ) in str(refused.value)


CYCLE = Cycle(date(2027, 1, 1), date(2026, 10, 3), date(2026, 11, 2), annual=True)


def change(support: str, county: str = "kern") -> ElectionChange:
    return ElectionChange("demo-plan", county, support, ChangeKind.ADD, "pat")


def test_adding_a_support_in_a_county_without_the_mandatory_one_is_refused_naming_it() -> None:
    first = {"respite": date(2022, 1, 1), "transitional-rent": date(2025, 7, 1)}
    request = CheckChange(change("respite"), CYCLE, mandatory=(RENT,))
    with pytest.raises(Refusal) as refused:
        check_in_force_and_mandates(request, frozenset(), first)
    assert refused.value.code == "mandatory_support_missing"
    assert "the plan serves Kern without it" in refused.value.message
    # offered there already, or added in the same cycle: accepted
    check_in_force_and_mandates(request, frozenset({"transitional-rent"}), first)
    same_cycle = CheckChange(
        change("respite"), CYCLE, mandatory=(RENT,), pending=(change("transitional-rent"),)
    )
    check_in_force_and_mandates(same_cycle, frozenset(), first)
    check_in_force_and_mandates(CheckChange(change("transitional-rent"), CYCLE), frozenset(), first)
    # a support whose first definition starts after the cycle
    with pytest.raises(Refusal) as early:
        check_in_force_and_mandates(
            CheckChange(change("respite"), CYCLE, mandatory=(RENT,)),
            frozenset({"transitional-rent"}),
            {"respite": date(2027, 7, 1)},
        )
    assert early.value.code == "support_not_in_force"
    assert "the first starts 2027-07-01" in early.value.message
