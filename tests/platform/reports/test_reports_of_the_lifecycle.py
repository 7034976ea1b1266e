"""The reports read the timelines lieu's state machine writes, not only hand-written ones: requests
driven through `machine.advance` (tests/platform/authorizations/test_lifecycle_managed_care.py's
runs), projected as the workflow projects them, give the figures their story gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.authorizations.lifecycle.actions import (
    ProviderResponse,
    ReauthorizationRequest,
    ReviewExtension,
)
from lieu.platform.authorizations.lifecycle.commands import Reserved
from lieu.platform.authorizations.lifecycle.view import snapshot
from lieu.platform.authorizations.projection import project
from lieu.platform.authorizations.status import Urgency
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.steps import AfterDeadline
from lieu.platform.reports.figures import DecisionTime, Share
from lieu.platform.reports.prior_authorization import prior_authorization_metrics
from tests.platform.authorizations.test_lifecycle_machine import Run
from tests.platform.authorizations.test_lifecycle_managed_care import (
    FRIDAY_EVENING,
    approve,
    received,
    review_terms,
)


async def projected(engine: AsyncEngine, runs: dict[str, Run]) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        for number, run in runs.items():
            state = replace(snapshot(run.state), authorization_id=number)
            await project(session=session, state=state, seq=len(state.timeline))


async def test_the_machines_own_timelines_give_the_figures_of_their_story(
    engine: AsyncEngine,
) -> None:
    # approved by the reviewer 5 hours after receipt
    quick = received()
    quick.later(timedelta(hours=5))
    quick.act(approve())
    # deemed denied at its deadline, then reversed two days later: approved, decided at deadline
    reversed_ = received()
    deadline = reversed_.state.review_deadline
    assert deadline is not None
    reversed_.timer()  # operations alerted
    reversed_.timer()  # the deadline: deemed denied
    reversed_.later(timedelta(days=2))
    reversed_.act(approve("records arrived late"))
    hold = reversed_.commands[-1]
    reversed_.feed(Reserved(reversed_.now, Decimal(40), hold.end, "held again"))
    assert "reversed" in reversed_.kinds
    # extended on day 3, approved on day 5
    extended = received()
    extended.later(timedelta(days=3))
    extended.act(ReviewExtension("um", "specialist review needed"))
    extended.later(timedelta(days=2))
    extended.act(approve())
    # deemed denied, no late decision within the window: denied at the deadline
    standing = received(review_terms(after=AfterDeadline("release", 10)))
    for _ in range(3):
        standing.timer()
    # approved at once, accepted, then a reauthorization whose review is missed: deemed denied
    renewal = received()
    renewal.later(timedelta(hours=1))
    renewal.act(approve())
    renewal.act(ProviderResponse("org-a", True))
    end = renewal.state.service_end
    assert end is not None
    renewal.act(ReauthorizationRequest("planner", Decimal(20), "still needed"))
    asked = renewal.now
    renewal.feed(Reserved(renewal.now, Decimal(20), end + timedelta(days=365), "held"))
    renewal_deadline = renewal.state.review_deadline
    assert renewal_deadline is not None
    renewal.timer()
    renewal.timer()
    # expedited, approved after 10 hours
    urgent = received(urgency=Urgency.EXPEDITED)
    urgent.later(timedelta(hours=10))
    urgent.act(approve())

    await projected(
        engine,
        {
            "A-QUICK": quick,
            "A-REVERSED": reversed_,
            "A-EXTENDED": extended,
            "A-STANDING": standing,
            "A-RENEWAL": renewal,
            "A-URGENT": urgent,
        },
    )
    async with create_session_factory(engine)() as session:
        report = await prior_authorization_metrics(session=session, plan="demo-plan", year=2026)
    figures = report.overall
    # standard: quick, reversed, extended (approved); standing (denied); renewal's first request
    # (approved) and its reauthorization (deemed denied)
    assert figures.standard_decided == 6 and figures.reauthorizations == 1
    assert figures.standard_approved == Share(4, 6)
    assert figures.approved_after_extension == Share(1, 7)
    # the reviews' deadlines are 7 days (168 h) from receipt, the federal ceiling
    assert deadline - FRIDAY_EVENING == renewal_deadline - asked == timedelta(days=7)
    # 1, 5, 120 (five days), 168, 168, 168 hours: the mean 630 / 6, the median (120 + 168) / 2
    assert figures.standard_time == DecisionTime(6, Decimal("105.0"), Decimal("144.0"))
    assert figures.expedited_time == DecisionTime(1, Decimal("10.0"), Decimal("10.0"))
    assert figures.undecided == 0
