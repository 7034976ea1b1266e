"""The reports as GraphQL types: the CMS-0057-F prior authorization metrics and the Community
Supports counted per quarter (docs/reports.md says what each figure counts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from lieu.graphql.errors import NotAllowed, ValidationErrors
from lieu.platform.reports import community_supports as quarters
from lieu.platform.reports import figures, prior_authorization


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="A count of requests out of a total, and its percent.")
class ShareOfRequests:
    count: int
    of: int
    percent: float | None = strawberry.field(
        description="To one decimal, rounded half up; null when the total is 0."
    )

    @classmethod
    def of_share(cls, share: figures.Share) -> ShareOfRequests:
        return cls(count=share.count, of=share.of, percent=_float(share.percent))


@strawberry.type(description="Hours from a request's receipt to its decision.")
class TimeToDecision:
    decisions: int
    average_hours: float | None = strawberry.field(description="To one decimal; null without any.")
    median_hours: float | None = strawberry.field(description="To one decimal; null without any.")

    @classmethod
    def of(cls, time: figures.DecisionTime) -> TimeToDecision:
        return cls(
            decisions=time.decisions,
            average_hours=_float(time.average_hours),
            median_hours=_float(time.median_hours),
        )


@strawberry.type(description="The CMS-0057-F figures of one support, or of all supports.")
class PriorAuthorizationFigures:
    support: str | None = strawberry.field(description="Null: all supports together.")
    standard_decided: int
    standard_approved: ShareOfRequests
    standard_denied: ShareOfRequests
    standard_approved_after_appeal: ShareOfRequests | None = strawberry.field(
        description="Null while lieu records no appeals: not computed, never 0."
    )
    approved_after_extension: ShareOfRequests = strawberry.field(
        description="Of all requests decided, standard and expedited: extended, then approved."
    )
    expedited_decided: int
    expedited_approved: ShareOfRequests
    expedited_denied: ShareOfRequests
    standard_time: TimeToDecision
    expedited_time: TimeToDecision
    received: int = strawberry.field(description="Requests received in the year, decided or not.")
    undecided: int
    decided_without_review: int = strawberry.field(
        description="Decisions lieu's rules made without a reviewer (counted as decisions)."
    )
    reauthorizations: int = strawberry.field(description="Decided requests to reauthorize.")

    @classmethod
    def of(cls, f: prior_authorization.PriorAuthorizationFigures) -> PriorAuthorizationFigures:
        appeal = f.standard_approved_after_appeal
        after_appeal = None if appeal is None else ShareOfRequests.of_share(appeal)
        return cls(
            support=f.support,
            standard_decided=f.standard_decided,
            standard_approved=ShareOfRequests.of_share(f.standard_approved),
            standard_denied=ShareOfRequests.of_share(f.standard_denied),
            standard_approved_after_appeal=after_appeal,
            approved_after_extension=ShareOfRequests.of_share(f.approved_after_extension),
            expedited_decided=f.expedited_decided,
            expedited_approved=ShareOfRequests.of_share(f.expedited_approved),
            expedited_denied=ShareOfRequests.of_share(f.expedited_denied),
            standard_time=TimeToDecision.of(f.standard_time),
            expedited_time=TimeToDecision.of(f.expedited_time),
            received=f.received,
            undecided=f.undecided,
            decided_without_review=f.decided_without_review,
            reauthorizations=f.reauthorizations,
        )


@strawberry.type(description="A plan's prior authorization metrics for a year (CMS-0057-F).")
class PriorAuthorizationMetrics:
    plan: str
    year: int
    time_zone: str = strawberry.field(description="The plan's clock, which dates receipts.")
    source: str
    appeals_recorded: bool
    overall: PriorAuthorizationFigures
    supports: list[PriorAuthorizationFigures] = strawberry.field(
        description="Each support with requests in the year, by code."
    )
    notes: list[str] = strawberry.field(description="What counts, in words.")

    @classmethod
    def of(cls, report: prior_authorization.PriorAuthorizationReport) -> PriorAuthorizationMetrics:
        return cls(
            plan=report.plan,
            year=report.year,
            time_zone=report.time_zone,
            source=report.source,
            appeals_recorded=report.appeals_recorded,
            overall=PriorAuthorizationFigures.of(report.overall),
            supports=[PriorAuthorizationFigures.of(f) for f in report.supports],
            notes=list(report.notes),
        )


@strawberry.type(description="Members approved for and receiving a support in one quarter.")
class SupportQuarter:
    support: str | None = strawberry.field(description="Null: all supports together.")
    quarter: int
    first: str = strawberry.field(description="The quarter's first local date, ISO.")
    last: str = strawberry.field(description="The quarter's last local date, ISO.")
    members_approved: int
    members_receiving: int

    @classmethod
    def of(cls, row: quarters.QuarterCount) -> SupportQuarter:
        return cls(
            support=row.support,
            quarter=row.quarter,
            first=row.first,
            last=row.last,
            members_approved=row.members_approved,
            members_receiving=row.members_receiving,
        )


@strawberry.type(description="A plan's year of Community Supports, quarter by quarter of receipt.")
class CommunitySupportsQuarters:
    plan: str
    year: int
    time_zone: str
    rows: list[SupportQuarter] = strawberry.field(
        description="All supports (support null) first, then each support, Q1 to Q4."
    )
    notes: list[str]

    @classmethod
    def of(cls, report: quarters.CommunitySupportsReport) -> CommunitySupportsQuarters:
        return cls(
            plan=report.plan,
            year=report.year,
            time_zone=report.time_zone,
            rows=[SupportQuarter.of(row) for row in report.rows],
            notes=list(report.notes),
        )


PriorAuthorizationMetricsResult = Annotated[
    PriorAuthorizationMetrics | NotAllowed | ValidationErrors,
    strawberry.union("PriorAuthorizationMetricsResult"),
]
CommunitySupportsQuartersResult = Annotated[
    CommunitySupportsQuarters | NotAllowed | ValidationErrors,
    strawberry.union("CommunitySupportsQuartersResult"),
]
