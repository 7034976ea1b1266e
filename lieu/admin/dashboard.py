"""The overview's dashboard: counts by status and support, the queues' counts (each a "see all"
link to the search), election windows, failed workflows, and charts of the last weeks; each part
only for the roles its GraphQL field answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from lieu.admin.access import DASHBOARD
from lieu.admin.charts import Chart, bar_chart
from lieu.admin.failures import ENDED_BADLY
from lieu.platform.access.authorizations import QUEUES
from lieu.platform.access.roles import Principal
from lieu.platform.elections.calendar import Cycle, ElectionCalendar
from lieu.platform.reports.dashboard import Dashboard, dashboard
from lieu.workflows.repair import plan_workflows

WEEKS = 12
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


def charts_of(figures: Dashboard) -> list[Chart]:
    """The three charts of the weeks: requests, decisions, median hours to decide."""
    labels = [week.starts.strftime("%m-%d") for week in figures.weeks]
    return [
        bar_chart(
            "requests",
            "Requests received per week",
            "requests",
            list(zip(labels, [float(w.requests) for w in figures.weeks], strict=True)),
        ),
        bar_chart(
            "decisions",
            "Decisions per week",
            "decisions",
            list(zip(labels, [float(w.decisions) for w in figures.weeks], strict=True)),
        ),
        bar_chart(
            "median",
            "Median time from receipt to decision, by week decided",
            "hours",
            list(zip(labels, [w.median_hours for w in figures.weeks], strict=True)),
        ),
    ]


async def board(
    *,
    session: AsyncSession,
    client: Client | None,
    principal: Principal,
    now: datetime,
    definitions_dir: Path,
) -> Board:
    """The dashboard for the caller's role."""
    counts, charts = DASHBOARD["counts"].allows(principal), DASHBOARD["charts"].allows(principal)
    figures = (
        await dashboard(session=session, principal=principal, now=now, weeks=WEEKS)
        if counts or charts
        else None
    )
    failed, failed_problem = (
        await failed_workflows(client, principal.plan)
        if DASHBOARD["failures"].allows(principal)
        else (None, "")
    )
    return Board(
        counts=counts,
        figures=figures,
        queue_words=QUEUES,
        charts=charts_of(figures) if figures is not None and charts else [],
        windows=(
            election_windows(definitions_dir, now.date())
            if DASHBOARD["elections"].allows(principal)
            else None
        ),
        failed=failed,
        failed_problem=failed_problem,
    )
