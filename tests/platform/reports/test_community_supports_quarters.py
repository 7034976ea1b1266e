"""Members approved for and receiving each Community Support, per quarter of receipt on Los
Angeles's clock: the seeded year (tests/platform/reports/scenario.py) gives the hand count, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory
from lieu.platform.reports.appeals import OverturnedAppeal
from lieu.platform.reports.community_supports import (
    CommunitySupportsReport,
    community_supports_by_quarter,
)
from lieu.platform.reports.periods import Period
from tests.platform.reports import scenario
from tests.platform.reports.scenario import DEPOSITS, PLAN, RESPITE, YEAR, pacific


async def report_of(engine: AsyncEngine, **kw: object) -> CommunitySupportsReport:
    async with create_session_factory(engine)() as session:
        return await community_supports_by_quarter(session=session, plan=PLAN, year=YEAR, **kw)  # type: ignore[arg-type]


def counts(report: CommunitySupportsReport, support: str | None) -> list[tuple[int, int]]:
    """(members approved, members receiving) for Q1 to Q4."""
    rows = [row for row in report.rows if row.support == support]
    assert [row.quarter for row in rows] == [1, 2, 3, 4]
    return [(row.members_approved, row.members_receiving) for row in rows]


async def test_each_support_per_quarter_gives_the_hand_count(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    # respite Q1: M1 (S1, served) and M2 (E1, received 31 March 23:00 in Los Angeles, served;
    # its S2 denied); Q2: M1's reauthorization (served) and M3 (S3 reversed; served under E3,
    # which was denied); Q4: M6 (S7, 31 December 23:30 in Los Angeles), M8 still in review.
    assert counts(report, RESPITE) == [(2, 2), (2, 2), (0, 0), (1, 0)]
    # housing deposits Q2: M1 (S6, served), M9 deemed denied; Q3: M4 (served), M5 refused.
    assert counts(report, DEPOSITS) == [(0, 0), (1, 1), (1, 1), (0, 0)]


async def test_all_supports_count_each_member_once_a_quarter(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    # Q2: M1 was approved for respite and for housing deposits, M3 for respite: 2 members, not 3.
    assert counts(report, None) == [(2, 2), (2, 2), (1, 1), (1, 0)]
    assert [row.support for row in report.rows[:4]] == [None] * 4  # all supports come first


async def test_quarters_are_the_plans_local_dates(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    assert report.time_zone == "America/Los_Angeles"
    assert [(row.first, row.last) for row in report.rows[:4]] == [
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
        ("2026-10-01", "2026-12-31"),
    ]


class Overturned:
    recorded = True

    async def overturned(
        self, *, session: object, plan: str, received: Period
    ) -> Sequence[OverturnedAppeal]:
        # M9's deemed denial (E2, entry 3), overturned on appeal
        return [OverturnedAppeal("A-E2", 3, pacific(2026, 6, 1, 9))]


async def test_a_member_whose_denial_was_overturned_on_appeal_is_approved(
    engine: AsyncEngine,
) -> None:
    await scenario.seed(engine)
    report = await report_of(engine, appeals=Overturned())
    assert counts(report, DEPOSITS)[1] == (2, 1)  # M1 and M9 in Q2
    assert not any("appeal" in note for note in report.notes)


async def test_without_appeal_records_the_report_says_approvals_after_appeal_are_missing(
    engine: AsyncEngine,
) -> None:
    report = await report_of(engine)
    assert report.rows == tuple(report.rows[:4])  # no support has requests: all supports only
    assert counts(report, None) == [(0, 0)] * 4
    assert any("records no appeals" in note for note in report.notes)
