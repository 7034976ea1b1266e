"""Members approved for, and members receiving, each Community Support, quarter by quarter.

A request is placed in the quarter of its receipt's local date on the plan's clock (for
California's plans America/Los_Angeles: a request received 31 December 23:30 in Los Angeles is
in the fourth quarter of that year, though it is 1 January in UTC). For each support and quarter:

* **members approved**: distinct members with a request received in the quarter that ended
  approved (as in the prior authorization metrics: a reversal of a deemed denial is approved,
  and so is a request whose denial was overturned on appeal);
* **members receiving**: distinct members with a request received in the quarter under which a
  service was reported (a `service_reported` entry, presumptive days included).

A member counts once per support and quarter however many requests they made; the row for all
supports counts each member once per quarter whatever the support. Reauthorizations are
requests too, placed in the quarter they were received.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    case,
    cast,
    func,
    null,
    or_,
    select,
    tuple_,
)
from sqlalchemy import union_all as union_all_
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.plans.settings import plan_settings
from lieu.platform.reports.appeals import NO_APPEALS, AppealRecords
from lieu.platform.reports.periods import Period, ReportYear
from lieu.platform.reports.requests import (
    AppealedRequest,
    approved_after_appeal,
    requests_received,
)


@dataclass(frozen=True)
class QuarterCount:
    """One support (None: all supports) in one quarter."""

    support: str | None
    quarter: int
    first: str  # the quarter's first and last local dates, ISO
    last: str
    members_approved: int
    members_receiving: int


@dataclass(frozen=True)
class CommunitySupportsReport:
    """A plan's year, quarter by quarter: all supports first, then each support with requests."""

    plan: str
    year: int
    time_zone: str
    rows: tuple[QuarterCount, ...]
    notes: tuple[str, ...] = field(default=())


def _quarter(received_at: ColumnElement[Any], quarters: tuple[Period, ...]) -> ColumnElement[int]:
    return case(
        *((received_at < q.ends, number) for number, q in enumerate(quarters[:-1], start=1)),
        else_=len(quarters),
    )


def _approved(requests: CTE, appealed: list[AppealedRequest]) -> ColumnElement[bool]:
    c = requests.c
    approved: ColumnElement[bool] = c.approved == 1
    if not appealed:
        return approved
    pairs = [(request.authorization_id, request.start_seq) for request in appealed]
    return or_(approved, tuple_(c.authorization_id, c.start_seq).in_(pairs))


async def community_supports_by_quarter(
    *, session: AsyncSession, plan: str, year: int, appeals: AppealRecords = NO_APPEALS
) -> CommunitySupportsReport:
    """Members approved for and receiving each support, per quarter of receipt on the plan's
    clock; `PeriodError` for a year out of range."""
    settings = await plan_settings(plan, session=session)
    period = ReportYear.of(year, settings.calendar)
    quarters = period.quarters
    requests = requests_received(plan, period.whole, dialect=session.get_bind().dialect.name)
    c = requests.c
    appealed = await approved_after_appeal(
        session=session, plan=plan, period=period.whole, appeals=appeals
    )
    approved = _approved(requests, appealed)
    placed = select(
        c.support,
        c.member_cin,
        cast(_quarter(c.received_at, quarters), Integer).label("quarter"),
        case((approved, c.member_cin)).label("approved_cin"),
        case((c.served == 1, c.member_cin)).label("served_cin"),
    ).cte("placed")
    p = placed.c
    per_support = select(
        p.support,
        p.quarter,
        func.count(p.approved_cin.distinct()),
        func.count(p.served_cin.distinct()),
    ).group_by(p.support, p.quarter)
    every = select(
        cast(null(), String(64)),
        p.quarter,
        func.count(p.approved_cin.distinct()),
        func.count(p.served_cin.distinct()),
    ).group_by(p.quarter)
    counts: dict[str | None, dict[int, tuple[int, int]]] = defaultdict(dict)
    for support, quarter, members_approved, members_receiving in await session.execute(
        union_all_(per_support, every)
    ):
        counts[support][int(quarter)] = (int(members_approved), int(members_receiving))
    supports: list[str | None] = [None, *sorted(s for s in counts if s is not None)]
    rows = tuple(
        QuarterCount(
            support,
            number,
            quarter.first.isoformat(),
            quarter.last.isoformat(),
            *counts[support].get(number, (0, 0)),
        )
        for support in supports
        for number, quarter in enumerate(quarters, start=1)
    )
    notes = [
        "Requests are placed in the quarter of their receipt's local date "
        f"({settings.calendar.time_zone}).",
        "Members approved: distinct members with a request received in the quarter that ended "
        "approved (a reversal of a deemed denial is approved). Members receiving: distinct "
        "members with a request received in the quarter under which service was reported.",
    ]
    if not appeals.recorded:
        notes.append(
            "Approvals after appeal are not included: the appeals source records no appeals."
        )
    return CommunitySupportsReport(plan, year, settings.calendar.time_zone, rows, tuple(notes))
