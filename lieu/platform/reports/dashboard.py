"""The console dashboard's figures for one plan, each one SQL aggregate over the projection and
the recorded timelines (no row is loaded to be counted): authorizations by status and by
support, reviews due today, overdue and deemed denied, authorizations ending within 7 and 30
days, stopped or stalled work, and per week for the last weeks the requests received, the
decisions made and the median time from receipt to decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from lieu.platform.access.authorizations import QUEUES, queue_condition
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.base import UTCDateTime
from lieu.platform.reports.periods import Period
from lieu.platform.reports.requests import BEGINS, elapsed_seconds, requests_received

WEEK_SECONDS = 7 * 24 * 3600
LONGEST_WEEKS = 52


@dataclass(frozen=True, slots=True)
class Week:
    """One week of the charts: requests received, decisions made, and the median time from
    receipt to decision of the requests decided that week (None when none was)."""

    starts: date
    requests: int
    decisions: int
    median_hours: float | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A plan's figures at one instant."""

    total: int
    by_status: dict[str, int]
    by_support: dict[str, int]
    queues: dict[str, int]  # QUEUES' keys -> how many are in each


async def dashboard(*, session: AsyncSession, principal: Principal, now: datetime) -> Dashboard:
    """The caller's plan's counts at `now` (days in UTC)."""
    record = AuthorizationRecord
    mine = record.plan == principal.plan

    async def grouped(column: InstrumentedAttribute[str]) -> dict[str, int]:
        rows = await session.execute(select(column, func.count()).where(mine).group_by(column))
        return {key: int(count) for key, count in rows}

    # Every queue in one pass over the plan's rows, each by the condition its search uses.
    at = now.astimezone(UTC)
    sums = [func.sum(case((queue_condition(name, at), 1), else_=0)) for name in QUEUES]
    counted = (await session.execute(select(*sums).where(mine))).one()

    by_status = await grouped(record.status)
    return Dashboard(
        total=sum(by_status.values()),
        by_status=by_status,
        by_support=await grouped(record.support),
        queues={name: int(count or 0) for name, count in zip(QUEUES, counted, strict=True)},
    )


async def weekly(*, session: AsyncSession, plan: str, today: date, weeks: int) -> list[Week]:
    """Requests, decisions and the median time to decision per week (Monday to Sunday, in UTC),
    the last `weeks` of them ending with `today`'s; counted and ranked in the database."""
    if not 1 <= weeks <= LONGEST_WEEKS:
        raise ValueError(f"weeks must be between 1 and {LONGEST_WEEKS}, got {weeks}")
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    starts = datetime(first.year, first.month, first.day, tzinfo=UTC)
    ends = starts + timedelta(weeks=weeks)
    # Requests received up to half a year before the first week are read too: their decisions
    # may fall in it.
    earliest = starts - timedelta(weeks=26)
    period = Period(
        first - timedelta(weeks=26), first + timedelta(weeks=weeks, days=-1), earliest, ends
    )
    dialect = session.get_bind().dialect.name
    requests = requests_received(plan, period, dialect=dialect)
    origin = literal(starts, UTCDateTime())

    def week_of(at: Any) -> ColumnElement[int]:
        return elapsed_seconds(dialect, origin, at) // WEEK_SECONDS

    # A request is a timeline entry that begins one (as `requests_received` reads them):
    # counted from the entries alone, without working out decisions.
    event = AuthorizationEvent
    received = {
        int(week): int(count)
        for week, count in await session.execute(
            select(week_of(event.at).label("week"), func.count())
            .join(AuthorizationRecord, AuthorizationRecord.id == event.authorization_id)
            .where(
                AuthorizationRecord.plan == plan,
                event.kind.in_(BEGINS),
                event.at >= origin,
                event.at < ends,
            )
            .group_by("week")
        )
    }
    decided = (
        select(
            week_of(requests.c.decided_at).label("week"),
            requests.c.seconds,
            func.row_number()
            .over(partition_by=week_of(requests.c.decided_at), order_by=requests.c.seconds)
            .label("rank"),
            func.count().over(partition_by=week_of(requests.c.decided_at)).label("size"),
        )
        .where(requests.c.decided_at >= origin, requests.c.decided_at < ends)
        .subquery("decided")
    )
    d = decided.c
    # The median: the middle row, or the mean of the two middle rows, of each week's ranking.
    middle = or_(d.rank == (d.size + 1) // 2, d.rank == (d.size + 2) // 2)
    medians = {
        int(week): (int(size), float(seconds))
        for week, size, seconds in await session.execute(
            select(d.week, func.max(d.size), func.avg(d.seconds)).where(middle).group_by(d.week)
        )
    }
    return [
        Week(
            starts=first + timedelta(weeks=index),
            requests=received.get(index, 0),
            decisions=medians[index][0] if index in medians else 0,
            median_hours=round(medians[index][1] / 3600, 1) if index in medians else None,
        )
        for index in range(weeks)
    ]
