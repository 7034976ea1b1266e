"""What operations monitor, as counts from the authorization projection: authorizations by status,
reviews past their deadline, authorizations ending soon, workflows stopped on a problem, deemed
denials, and webhook deliveries pending or failed. `/metrics` serves them as Prometheus gauges
(labels: plan, support, status; never a member's identifier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.webhooks.outbox import outcome_counts

# A review's clock runs in these statuses (the deadline is set and no decision is made yet).
UNDER_REVIEW = (
    Status.PENDING_REVIEW,
    Status.PRESUMPTIVE,
    Status.PENDING_INFORMATION,
    Status.AWAITING_DOCUMENTS,
)
# The service runs (or is about to) in these; `service_end` is when it stops.
IN_SERVICE = (Status.APPROVED, Status.ACTIVE, Status.AWAITING_PROVIDER)
ENDING_WITHIN_DAYS = 30


@dataclass(frozen=True, slots=True)
class OperationsFigures:
    """The counts, each keyed by its labels."""

    by_status: dict[tuple[str, str, str], int]  # (plan, support, status) -> authorizations
    overdue_reviews: dict[tuple[str, str], int]  # (plan, support) -> past their review deadline
    ending_soon: dict[tuple[str, str], int]  # (plan, support) -> service ends within 30 days
    with_problem: dict[tuple[str, str], int]  # (plan, support) -> stopped on a problem
    deemed_denials: dict[tuple[str, str], int]  # (plan, support) -> deemed denied, ever
    # (plan, outcome) -> webhook deliveries "pending" (not yet answered 2xx) or "failed"
    webhook_deliveries: dict[tuple[str, str], int] = field(default_factory=dict)


async def operations_figures(
    session: AsyncSession, *, now: datetime, today: date
) -> OperationsFigures:
    """The figures as the projection holds them at `now` (`today`: the date the 30 days of
    "ending soon" count from)."""
    record = AuthorizationRecord
    by_status = {
        (plan, support, status): count
        for plan, support, status, count in await session.execute(
            select(record.plan, record.support, record.status, func.count()).group_by(
                record.plan, record.support, record.status
            )
        )
    }

    async def per_support(*where: ColumnElement[bool]) -> dict[tuple[str, str], int]:
        rows = await session.execute(
            select(record.plan, record.support, func.count())
            .where(*where)
            .group_by(record.plan, record.support)
        )
        return {(plan, support): count for plan, support, count in rows}

    overdue = await per_support(
        record.status.in_([s.value for s in UNDER_REVIEW]),
        record.review_deadline.is_not(None),
        record.review_deadline < now,
    )
    ending = await per_support(
        record.status.in_([s.value for s in IN_SERVICE]),
        record.service_end.is_not(None),
        record.service_end >= today,
        record.service_end <= today + timedelta(days=ENDING_WITHIN_DAYS),
    )
    problem = await per_support(record.problem != "")
    deemed_rows = await session.execute(
        select(record.plan, record.support, func.count(func.distinct(record.id)))
        .join(AuthorizationEvent, AuthorizationEvent.authorization_id == record.id)
        .where(AuthorizationEvent.kind == "deemed_denied")
        .group_by(record.plan, record.support)
    )
    deemed = {(plan, support): count for plan, support, count in deemed_rows}
    webhooks = await outcome_counts(session)
    return OperationsFigures(by_status, overdue, ending, problem, deemed, webhooks)
