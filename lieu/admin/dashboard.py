"""The overview's dashboard: counts by status and support, the queues' counts (each a "see all"
link to the search), election windows, failed workflows, and charts of the last weeks; each part
only for the roles its GraphQL field answers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from lieu.admin.access import DASHBOARD
from lieu.admin.charts import Chart, bar_chart
from lieu.admin.failures import ENDED_BADLY
from lieu.platform.access.authorizations import QUEUES
from lieu.platform.access.roles import Principal
from lieu.platform.elections.calendar import Cycle, ElectionCalendar
from lieu.platform.reports.dashboard import Dashboard, Week, dashboard, weekly
from lieu.workflows.repair import plan_workflows

WEEKS = 12
CHARTS_FRESH_SECONDS = 60.0
FAILED_SHOWN = 100  # the dashboard counts failed workflows up to this many ("100 or more")


@dataclass(frozen=True, slots=True)
class Windows:
    """The plan's election windows: the one open today (if any) and the next to open."""

    open_now: Cycle | None
    next_open: Cycle | None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Board:
    """What the dashboard shows the caller (None: a part the role may not see)."""

    counts: bool  # whether the role sees the counts (plan_admin sees only the charts)
    figures: Dashboard | None
    queue_words: dict[str, str]
    charts: list[Chart]
    windows: Windows | None
    failed: int | None
    failed_problem: str = ""


def election_windows(definitions_dir: Path, today: date) -> Windows:
    """The election calendar's window open on `today`, and the next one."""
    path = definitions_dir / "elections" / "calendar.json"
    try:
        calendar = ElectionCalendar.load(path)
    except (OSError, ValueError) as unreadable:
        return Windows(None, None, f"the election calendar {path} cannot be read: {unreadable}")
    cycle = calendar.next_open_cycle(today)
    return Windows(cycle if cycle.is_open(today) else None, cycle)


async def failed_workflows(client: Client | None, plan: str) -> tuple[int | None, str]:
    """How many of the plan's workflows failed or timed out (up to FAILED_SHOWN), or why it is
    not known."""
    if client is None:
        return None, "Temporal is down (see Health)"
    try:
        found = [
            execution
            for status in ENDED_BADLY
            for execution in await plan_workflows(client, plan, status, limit=FAILED_SHOWN)
        ]
    except RPCError as down:
        return None, f"Temporal did not answer ({down.message})"
    return min(len(found), FAILED_SHOWN), ""


class WeeksCache:
    """The charts' weekly figures per plan, kept CHARTS_FRESH_SECONDS: they are the slowest
    figures (decisions are worked out from every timeline of the weeks) and a week's bars do not
    need to be fresher than a minute. One per app (`app.state`), so tests' apps share nothing."""

    def __init__(self, fresh_seconds: float = CHARTS_FRESH_SECONDS) -> None:
        self.fresh_seconds = fresh_seconds
        self._kept: dict[tuple[str, date], tuple[float, list[Week]]] = {}

    async def get(self, session: AsyncSession, plan: str, today: date) -> list[Week]:
        """The plan's weeks ending with `today`'s, from the cache while fresh."""
        key = (plan, today)
        kept = self._kept.get(key)
        if kept is not None and time.monotonic() - kept[0] < self.fresh_seconds:
            return kept[1]
        weeks = await weekly(session=session, plan=plan, today=today, weeks=WEEKS)
        self._kept = {k: v for k, v in self._kept.items() if k[1] == today}  # drop other days'
        self._kept[key] = (time.monotonic(), weeks)
        return weeks


def charts_of(weeks: list[Week]) -> list[Chart]:
    """The three charts of the weeks: requests, decisions, median hours to decide."""
    labels = [week.starts.strftime("%m-%d") for week in weeks]
    return [
        bar_chart(
            "requests",
            "Requests received per week",
            "requests",
            list(zip(labels, [float(w.requests) for w in weeks], strict=True)),
        ),
        bar_chart(
            "decisions",
            "Decisions per week",
            "decisions",
            list(zip(labels, [float(w.decisions) for w in weeks], strict=True)),
        ),
        bar_chart(
            "median",
            "Median time from receipt to decision, by week decided",
            "hours",
            list(zip(labels, [w.median_hours for w in weeks], strict=True)),
        ),
    ]


def weeks_cache(state: Any) -> WeeksCache:
    """The app's cache of the charts' weeks (made on first use)."""
    cache: WeeksCache | None = getattr(state, "dashboard_weeks", None)
    if cache is None:
        cache = WeeksCache()
        state.dashboard_weeks = cache
    return cache


async def board(
    *,
    session: AsyncSession,
    client: Client | None,
    principal: Principal,
    now: datetime,
    definitions_dir: Path,
    cache: WeeksCache,
) -> Board:
    """The dashboard for the caller's role (the charts' weeks from `cache`)."""
    counts, charts = DASHBOARD["counts"].allows(principal), DASHBOARD["charts"].allows(principal)
    figures = await dashboard(session=session, principal=principal, now=now) if counts else None
    weeks = await cache.get(session, principal.plan, now.date()) if charts else []
    failed, failed_problem = (
        await failed_workflows(client, principal.plan)
        if DASHBOARD["failures"].allows(principal)
        else (None, "")
    )
    return Board(
        counts=counts,
        figures=figures,
        queue_words=QUEUES,
        charts=charts_of(weeks) if charts else [],
        windows=(
            election_windows(definitions_dir, now.date())
            if DASHBOARD["elections"].allows(principal)
            else None
        ),
        failed=failed,
        failed_problem=failed_problem,
    )
