"""The numbers a plan publishes, for its plan team and operations (not providers or reviewers):
`priorAuthorizationMetrics` and `communitySupportsByQuarter`."""

from __future__ import annotations

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


def _foreign(context: Context, plan: str | None) -> NotAllowed | None:
    mine = context.caller.plan
    if plan is None or plan == mine:
        return None
    return NotAllowed(message=f"plan {plan!r} is not yours; your token reports on {mine!r}")


def _bad_year(wrong: PeriodError) -> ValidationErrors:
    return ValidationErrors.one("/year", "year-out-of-range", str(wrong))


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
        context = info.context
        if (refused := _foreign(context, plan)) is not None:
            return refused
        mine = context.caller.plan
        async with context.runtime.sessions() as session:
            try:
                report = await prior_authorization_metrics(
                    session=session, plan=mine, year=year, appeals=appeal_records()
                )
            except PeriodError as wrong:
                return _bad_year(wrong)
        context.audit("priorAuthorizationMetrics", f"reports:{mine}/{year}")
        return PriorAuthorizationMetrics.of(report)

    @strawberry.field(
        description="Members approved for and receiving each Community Support, per quarter of "
        "receipt on your plan's clock, in `year`.",
        extensions=READERS,
    )
    async def community_supports_by_quarter(
        self, info: Info[Context, None], year: int, plan: str | None = None
    ) -> CommunitySupportsQuartersResult:
        context = info.context
        if (refused := _foreign(context, plan)) is not None:
            return refused
        mine = context.caller.plan
        async with context.runtime.sessions() as session:
            try:
                report = await community_supports_by_quarter(
                    session=session, plan=mine, year=year, appeals=appeal_records()
                )
            except PeriodError as wrong:
                return _bad_year(wrong)
        context.audit("communitySupportsByQuarter", f"reports:{mine}/{year}")
        return CommunitySupportsQuarters.of(report)
