"""The CMS-0057-F prior authorization metrics of a seeded year give exactly what a hand count of
it gives (tests/platform/reports/scenario.py tells each request), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory
from lieu.platform.reports.appeals import OverturnedAppeal
from lieu.platform.reports.figures import DecisionTime, Share
from lieu.platform.reports.periods import Period, PeriodError
from lieu.platform.reports.prior_authorization import (
    PriorAuthorizationFigures,
    PriorAuthorizationReport,
    prior_authorization_metrics,
)
from tests.platform.reports import scenario
from tests.platform.reports.scenario import DEPOSITS, PLAN, RESPITE, YEAR, Request, e, pacific


def hours(value: str) -> Decimal:
    return Decimal(value)


async def report_of(
    engine: AsyncEngine, plan: str = PLAN, **kw: object
) -> PriorAuthorizationReport:
    async with create_session_factory(engine)() as session:
        return await prior_authorization_metrics(session=session, plan=plan, year=YEAR, **kw)  # type: ignore[arg-type]


async def test_the_year_overall_gives_the_hand_count(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    overall = report.overall
    # Standard, decided: S1 10 h, its reauthorization 6 h, S3 168 h (deemed, then reversed),
    # S4 240 h (extended), S6 0 h (approved at once), S7 2 h approved; S2 30 h and S5 0 h
    # (refused) denied. S8 was received in 2025 in Los Angeles, S9 is still in review.
    assert overall.standard_decided == 8
    assert overall.standard_approved == Share(6, 8) and overall.standard_approved.percent == 75
    assert overall.standard_denied == Share(2, 8) and overall.standard_denied.percent == 25
    # 0, 0, 2, 6, 10, 30, 168, 240: 456 / 8 = 57.0; the middle two, (6 + 10) / 2 = 8.0
    assert overall.standard_time == DecisionTime(8, hours("57.0"), hours("8.0"))
    # Expedited: E1 approved at 20 h, E2 deemed denied at 72 h, E3 denied at 5 h.
    assert overall.expedited_decided == 3
    assert overall.expedited_approved.percent == Decimal("33.3")
    assert overall.expedited_denied.percent == Decimal("66.7")
    # 97 / 3 = 32.33…; the middle of 5, 20, 72 is 20
    assert overall.expedited_time == DecisionTime(3, hours("32.3"), hours("20.0"))
    # Only S4 was extended and approved, of the 11 decided, standard and expedited: 9.09…%
    assert overall.approved_after_extension == Share(1, 11)
    assert overall.approved_after_extension.percent == Decimal("9.1")
    assert (overall.received, overall.undecided) == (12, 1)
    assert overall.decided_without_review == 2  # S5 refused, S6 approved at once
    assert overall.reauthorizations == 1


async def test_each_support_gives_its_own_hand_count(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    deposits, respite = report.supports  # in the order of their codes
    assert (deposits.support, respite.support) == (DEPOSITS, RESPITE)
    # respite: standard 2, 6, 10, 30 (denied), 168 h; expedited 20 (approved), 5 (denied) h
    assert respite.standard_approved == Share(4, 5)
    assert respite.standard_denied.percent == 20
    assert respite.standard_time == DecisionTime(5, hours("43.2"), hours("10.0"))
    assert respite.expedited_approved.percent == 50 and respite.expedited_denied.percent == 50
    assert respite.expedited_time == DecisionTime(2, hours("12.5"), hours("12.5"))
    assert respite.approved_after_extension == Share(0, 7)
    assert (respite.received, respite.undecided, respite.reauthorizations) == (8, 1, 1)
    # housing deposits: standard 0 (refused), 0 (at once), 240 (extended) h; expedited 72 (deemed)
    assert deposits.standard_approved.percent == Decimal("66.7")
    assert deposits.standard_denied.percent == Decimal("33.3")
    assert deposits.standard_time == DecisionTime(3, hours("80.0"), hours("0.0"))
    assert deposits.expedited_approved.percent == 0 and deposits.expedited_denied.percent == 100
    assert deposits.expedited_time == DecisionTime(1, hours("72.0"), hours("72.0"))
    assert deposits.approved_after_extension.percent == 25
    assert (deposits.received, deposits.undecided, deposits.decided_without_review) == (4, 0, 2)


async def test_approved_after_appeal_is_not_computed_while_lieu_records_no_appeals(
    engine: AsyncEngine,
) -> None:
    await scenario.seed(engine)
    report = await report_of(engine)
    assert report.appeals_recorded is False
    assert all(
        figures.standard_approved_after_appeal is None
        for figures in (report.overall, *report.supports)
    )
    assert any("records no appeals" in note for note in report.notes)


class Overturned:
    """An appeals source with records: S2's denial (its entry 3) was overturned."""

    recorded = True

    def __init__(self, appeals: Sequence[OverturnedAppeal]) -> None:
        self.appeals = appeals

    async def overturned(
        self, *, session: object, plan: str, received: Period
    ) -> Sequence[OverturnedAppeal]:
        return self.appeals


async def test_an_overturned_appeal_of_a_standard_denial_is_approved_after_appeal(
    engine: AsyncEngine,
) -> None:
    await scenario.seed(engine)
    s2_denial = OverturnedAppeal("A-S2", 3, pacific(2026, 4, 1, 9))
    e3_denial = OverturnedAppeal("A-E3", 6, pacific(2026, 6, 1, 9))  # expedited: not counted
    report = await report_of(engine, appeals=Overturned([s2_denial, e3_denial]))
    assert report.overall.standard_approved_after_appeal == Share(1, 8)
    assert report.overall.standard_approved_after_appeal.percent == Decimal("12.5")
    deposits, respite = report.supports
    assert respite.standard_approved_after_appeal == Share(1, 5)
    assert deposits.standard_approved_after_appeal == Share(0, 3)
    assert not any("appeals" in note for note in report.notes)


async def test_the_notes_say_what_counts(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    notes = " ".join((await report_of(engine)).notes)
    assert "from 2026-01-01 to 2026-12-31 on the plan's clock (America/Los_Angeles)" in notes
    assert "decided: 11 of 12; 1 not decided yet" in notes
    assert "without a reviewer count as determinations: 2 of the 11" in notes
    assert "Reauthorization requests are requests of their own: 1 of the 11" in notes
    assert "42 CFR 438.404(c)(5)" in notes


async def test_another_plans_requests_are_not_counted(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    other = await report_of(engine, plan=scenario.OTHER_PLAN)
    assert other.overall.standard_decided == 1 and other.overall.received == 1
    assert [f.support for f in other.supports] == [RESPITE]


async def test_a_plan_with_no_requests_has_no_percentages_rather_than_zeros(
    engine: AsyncEngine,
) -> None:
    report = await report_of(engine, plan="empty-plan")
    assert report.supports == ()
    assert report.overall.standard_approved == Share(0, 0)
    assert report.overall.standard_approved.percent is None
    assert report.overall.standard_time == DecisionTime(0, None, None)


async def test_a_year_out_of_range_is_refused_in_words(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        with pytest.raises(PeriodError, match="year 26 is out of range: give a calendar year"):
            await prior_authorization_metrics(session=session, plan=PLAN, year=26)


def only(report: PriorAuthorizationReport) -> PriorAuthorizationFigures:
    assert len(report.supports) == 1
    return report.overall


async def test_a_first_approval_that_opens_a_second_review_is_decided_by_the_second_reviewer(
    engine: AsyncEngine,
) -> None:
    at = pacific(2026, 9, 1, 9)
    await scenario.write_requests(
        engine,
        (
            Request(
                "A-TWO",
                RESPITE,
                "standard",
                "M1",
                at,
                (
                    e(0, "review_requested"),
                    e(5, "approved", "reviewer:first"),
                    e(5, "review_requested"),
                    e(30, "denied", "reviewer:second"),
                ),
            ),
            Request(
                "A-WAITING",
                RESPITE,
                "standard",
                "M2",
                at,
                (
                    e(0, "review_requested"),
                    e(5, "approved", "reviewer:first"),
                    e(5, "review_requested"),
                ),
            ),
            Request(
                "A-CONFIRMED",
                RESPITE,
                "standard",
                "M3",
                at,
                (
                    e(0, "review_requested"),
                    e(4, "approved", "reviewer:first"),
                    e(4, "review_requested"),
                    e(12, "second_review", "reviewer:second"),
                ),
            ),
        ),
    )
    figures = only(await report_of(engine))
    assert figures.standard_decided == 2 and figures.undecided == 1  # A-WAITING is in review
    assert figures.standard_denied == Share(1, 2)  # A-TWO, at 30 h
    assert figures.standard_time == DecisionTime(2, hours("21.0"), hours("21.0"))  # 30 and 12


async def test_a_reauthorizations_review_does_not_hide_the_first_approval(
    engine: AsyncEngine,
) -> None:
    at = pacific(2026, 2, 1, 9)
    await scenario.write_requests(
        engine,
        (
            Request(
                "A-RENEWED",
                RESPITE,
                "standard",
                "M1",
                at,
                (
                    e(0, "approved"),
                    e(0, "active"),
                    e(24 * 30, "reauthorization_requested", "provider"),
                    e(24 * 30, "review_requested"),
                    e(24 * 30 + 168, "reauthorization_denied"),  # deemed: lieu, at the deadline
                ),
            ),
        ),
    )
    figures = only(await report_of(engine))
    assert figures.standard_decided == 2 and figures.reauthorizations == 1
    assert figures.standard_approved == Share(1, 2) and figures.standard_denied == Share(1, 2)
    assert figures.standard_time == DecisionTime(2, hours("84.0"), hours("84.0"))


async def test_a_denial_after_a_later_limit_check_is_the_decision_that_stands(
    engine: AsyncEngine,
) -> None:
    await scenario.write_requests(
        engine,
        (
            Request(
                "A-LIMIT",
                DEPOSITS,
                "standard",
                "M1",
                pacific(2026, 3, 1, 9),
                (e(0, "review_requested"), e(3, "approved", "reviewer:a"), e(3.5, "denied")),
            ),
        ),
    )
    figures = only(await report_of(engine))
    assert figures.standard_denied == Share(1, 1)
    assert figures.standard_time.average_hours == hours("3.5")


async def test_hours_are_rounded_half_up_to_one_decimal(engine: AsyncEngine) -> None:
    at = pacific(2026, 10, 1, 9)
    await scenario.write_requests(
        engine,
        tuple(
            Request(
                f"A-T{i}",
                RESPITE,
                "standard",
                f"M{i}",
                at + timedelta(days=i),
                (e(h, "approved", "r"),),
            )
            for i, h in enumerate((1, 1.5))  # 1 h and 1 h 30 min
        ),
    )
    figures = only(await report_of(engine))
    # average and median 1.25 h: 1.3, half up (not 1.2, half to even)
    assert figures.standard_time == DecisionTime(2, hours("1.3"), hours("1.3"))
