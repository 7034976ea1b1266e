"""The numbers a plan publishes, for its plan team and operations (not providers or reviewers):
`priorAuthorizationMetrics` and `communitySupportsByQuarter`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotAllowed, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.graphql.reports.types import (
    CommunitySupportsQuarters,
    CommunitySupportsQuartersResult,
    PriorAuthorizationMetrics,
    PriorAuthorizationMetricsResult,
)
from lieu.platform.access.roles import Role
from lieu.platform.reports.appeals import appeal_records
from lieu.platform.reports.community_supports import community_supports_by_quarter
from lieu.platform.reports.periods import PeriodError
from lieu.platform.reports.prior_authorization import prior_authorization_metrics

READERS = allow(Role.PLAN_ADMIN, Role.OPERATIONS)


R = TypeVar("R")
T = TypeVar("T")


async def _report(
    context: Context,
    action: str,
    plan: str | None,
    year: int,
    build: Callable[..., Awaitable[R]],
    shown: Callable[[R], T],
) -> T | NotAllowed | ValidationErrors:
    """Run one report for the caller's own plan (another plan's is refused), audited."""
    mine = context.caller.plan
    if plan is not None and plan != mine:
        return NotAllowed(message=f"plan {plan!r} is not yours; your token reports on {mine!r}")
    async with context.runtime.sessions() as session:
        try:
            report = await build(session=session, plan=mine, year=year, appeals=appeal_records())
        except PeriodError as wrong:
            return ValidationErrors.one("/year", "year-out-of-range", str(wrong))
    context.audit(action, f"reports:{mine}/{year}")
    return shown(report)


@strawberry.type
class ReportQueries:
    @strawberry.field(
        description="Your plan's CMS-0057-F prior authorization metrics for the requests received "
        "in `year` (the plan's local dates), overall and per support.",
        extensions=READERS,
    )
    async def prior_authorization_metrics(
        self, info: Info[Context, None], year: int, plan: str | None = None
    ) -> PriorAuthorizationMetricsResult:
        return await _report(
            info.context,
            "priorAuthorizationMetrics",
            plan,
            year,
            prior_authorization_metrics,
            PriorAuthorizationMetrics.of,
        )

    @strawberry.field(
        description="Members approved for and receiving each Community Support, per quarter of "
        "receipt on your plan's clock, in `year`.",
        extensions=READERS,
    )
    async def community_supports_by_quarter(
        self, info: Info[Context, None], year: int, plan: str | None = None
    ) -> CommunitySupportsQuartersResult:
        return await _report(
            info.context,
            "communitySupportsByQuarter",
            plan,
            year,
            community_supports_by_quarter,
            CommunitySupportsQuarters.of,
        )
