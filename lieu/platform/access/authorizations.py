"""Authorizations as a caller may see them, read from the projection (no Temporal needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.keyset import Column, Ordering, Slice, Window, read_page

IN_REVIEW = (
    Status.PENDING_REVIEW.value,
    Status.PENDING_INFORMATION.value,
    Status.PRESUMPTIVE.value,
)
DEEMED = "deemed"  # the lifecycle phase after a deemed denial, while a late decision may come
IN_FORCE = (Status.APPROVED.value, Status.ACTIVE.value, Status.AWAITING_PROVIDER.value)

_ID = Column(AuthorizationRecord.id)
NEWEST_FIRST = Ordering((Column(AuthorizationRecord.created_at, descending=True), _ID))
NEAREST_DEADLINE = Ordering((Column(AuthorizationRecord.review_deadline), _ID))
ENDING_FIRST = Ordering((Column(AuthorizationRecord.service_end), _ID))
QUIET_LONGEST = Ordering((Column(AuthorizationRecord.updated_at), _ID))


@dataclass(frozen=True, slots=True)
class AuthorizationFilter:
    """What operations (and providers, within their own) search by; empty means any."""

    statuses: Sequence[str] = field(default=())
    support: str | None = None
    provider: str | None = None
    member_cin: str | None = None
    deadline_before: datetime | None = None
    escalated: bool | None = None
    number: str | None = None  # the authorization number, exactly
    county: str | None = None
    requested: DateRange | None = None  # the day the request was received (UTC)
    decided: DateRange | None = None  # the day a decision was recorded on its timeline
    deadline: DateRange | None = None  # the day its review is due
    queue: str | None = None  # one of QUEUES: the dashboard's counts, as a filter
    npi: str | None = None  # a rendering provider's NPI, as its service reports name it
    at: datetime | None = None  # the instant a queue is judged at (default: now)


@dataclass(frozen=True, slots=True)
class DateRange:
    """Days from `first` to `last`, both included; either may be open."""

    first: date | None = None
    last: date | None = None

    def instants(self) -> tuple[datetime | None, datetime | None]:
        """The range as UTC instants `[starts, ends)`."""
        starts = datetime.combine(self.first, time(), UTC) if self.first else None
        ends = datetime.combine(self.last + timedelta(days=1), time(), UTC) if self.last else None
        return starts, ends


def scoped(principal: Principal) -> Select[AuthorizationRecord]:
    """The caller's authorizations: the plan's, and for a provider only its own."""
    query = select(AuthorizationRecord).where(AuthorizationRecord.plan == principal.plan)
    if principal.role is Role.PROVIDER:
        query = query.where(AuthorizationRecord.provider == principal.provider)
    return query


@cache
def _one_of_theirs(provider: bool) -> Select[AuthorizationRecord]:
    """One authorization by number within the caller's scope (built once, values bound per
    call: every status query asks it)."""
    query = select(AuthorizationRecord).where(
        AuthorizationRecord.id == bindparam("id"), AuthorizationRecord.plan == bindparam("plan")
    )
    if provider:
        query = query.where(AuthorizationRecord.provider == bindparam("provider"))
    return query


async def find_authorization(
    *, session: AsyncSession, principal: Principal, authorization_id: str
) -> AuthorizationRecord | None:
    """One authorization, if the caller may see it."""
    provider = principal.role is Role.PROVIDER
    values = {"id": authorization_id, "plan": principal.plan}
    if provider:
        values["provider"] = principal.provider or ""
    found: AuthorizationRecord | None = await session.scalar(_one_of_theirs(provider), values)
    return found


# The timeline entries that record a decision (as the reports read them).
DECISION_KINDS = (
    "approved",
    "reversed",
    "denied",
    "deemed_denied",
    "refused",
    "reauthorization_approved",
    "reauthorization_denied",
    "reauthorization_refused",
    "renewed",
)


def _in_range(column: Any, days: DateRange) -> list[ColumnElement[bool]]:
    starts, ends = days.instants()
    found = []
    if starts is not None:
        found.append(column >= starts)
    if ends is not None:
        found.append(column < ends)
    return found


SERVICE_REPORTED = "service_reported"  # its data names the rendering provider's NPI, if given

# The dashboard's queues, each a condition on the projection at an instant (UTC days).
QUEUES = {
    "due_today": "reviews due today",
    "overdue": "reviews past their deadline",
    "deemed": "deemed denied, a late decision still possible",
    "ending_7": "in force, ending within 7 days",
    "ending_30": "in force, ending within 30 days",
    "stalled": "escalated, or received and not moved for 10 minutes",
    "problem": "stopped at a step that failed",
}
QUIET_FOR = timedelta(minutes=10)


def queue_condition(name: str, at: datetime) -> ColumnElement[bool]:
    """The condition of the queue `name` (a key of QUEUES) at the instant `at`."""
    record = AuthorizationRecord
    today = at.astimezone(UTC).date()
    reviewing = record.status.in_(IN_REVIEW)
    in_force = record.status.in_(IN_FORCE)
    day_ends = datetime.combine(today + timedelta(days=1), time(), UTC)
    conditions: dict[str, ColumnElement[bool]] = {
        "due_today": reviewing
        & (record.review_deadline >= at)
        & (record.review_deadline < day_ends),
        "overdue": reviewing & (record.review_deadline < at),
        "deemed": record.phase == DEEMED,
        "ending_7": in_force
        & (record.service_end >= today)
        & (record.service_end <= today + timedelta(days=7)),
        "ending_30": in_force
        & (record.service_end >= today)
        & (record.service_end <= today + timedelta(days=30)),
        "stalled": record.escalated.is_(True)
        | ((record.status == Status.RECEIVED.value) & (record.updated_at < at - QUIET_FOR)),
        "problem": record.problem != "",
    }
    if name not in conditions:
        raise ValueError(f"no queue {name!r}: use one of {', '.join(QUEUES)}")
    return conditions[name]


def _filtered(principal: Principal, where: AuthorizationFilter) -> Select[AuthorizationRecord]:
    record = AuthorizationRecord
    query = scoped(principal)
    if where.queue:
        query = query.where(queue_condition(where.queue, where.at or datetime.now(UTC)))
    if where.number:
        query = query.where(record.id == where.number)
    if where.statuses:
        query = query.where(record.status.in_(list(where.statuses)))
    if where.support:
        query = query.where(record.support == where.support)
    if where.provider:
        query = query.where(record.provider == where.provider)
    if where.member_cin:
        query = query.where(record.member_cin == where.member_cin)
    if where.county:
        query = query.where(record.county == where.county)
    if where.deadline_before:
        query = query.where(record.review_deadline < where.deadline_before)
    if where.escalated is not None:
        query = query.where(record.escalated == where.escalated)
    if where.requested:
        query = query.where(*_in_range(record.created_at, where.requested))
    if where.deadline:
        query = query.where(*_in_range(record.review_deadline, where.deadline))
    if where.npi:
        event = AuthorizationEvent
        query = query.where(
            exists().where(
                event.authorization_id == record.id,
                event.kind == SERVICE_REPORTED,
                event.data["rendering_npi"].as_string() == where.npi,
            )
        )
    if where.decided:
        event = AuthorizationEvent
        query = query.where(
            exists().where(
                event.authorization_id == record.id,
                event.kind.in_(DECISION_KINDS),
                *_in_range(event.at, where.decided),
            )
        )
    return query


async def search_authorizations(
    *,
    session: AsyncSession,
    principal: Principal,
    where: AuthorizationFilter,
    window: Window,
) -> Slice[AuthorizationRecord]:
    """Matching authorizations, newest first."""
    query = _filtered(principal, where)
    return await read_page(session, query, NEWEST_FIRST, window)


async def count_authorizations(
    *, session: AsyncSession, principal: Principal, where: AuthorizationFilter
) -> int:
    """How many authorizations match (one COUNT in the database)."""
    matching = _filtered(principal, where).with_only_columns(AuthorizationRecord.id).subquery()
    found = await session.scalar(select(func.count()).select_from(matching))
    return int(found or 0)


async def review_queue(
    *,
    session: AsyncSession,
    principal: Principal,
    window: Window,
    overdue_at: datetime | None = None,
) -> Slice[AuthorizationRecord]:
    """Requests waiting for a decision, the nearest deadline first (only overdue ones if
    `overdue_at` is given); requests denied because their deadline passed are listed too (first:
    their deadline is gone), as a reviewer's late decision may still reverse them."""
    query = scoped(principal).where(
        or_(AuthorizationRecord.status.in_(IN_REVIEW), AuthorizationRecord.phase == DEEMED),
        AuthorizationRecord.review_deadline.is_not(None),
    )
    if overdue_at is not None:
        query = query.where(AuthorizationRecord.review_deadline < overdue_at)
    return await read_page(session, query, NEAREST_DEADLINE, window)


async def expiring(
    *,
    session: AsyncSession,
    principal: Principal,
    today: date,
    within_days: int,
    window: Window,
) -> Slice[AuthorizationRecord]:
    """Authorizations in force whose service period ends within the next `within_days`."""
    query = scoped(principal).where(
        AuthorizationRecord.status.in_(IN_FORCE),
        AuthorizationRecord.service_end >= today,
        AuthorizationRecord.service_end <= today + timedelta(days=within_days),
    )
    return await read_page(session, query, ENDING_FIRST, window)


async def stalled(
    *,
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    quiet_for: timedelta,
    window: Window,
) -> Slice[AuthorizationRecord]:
    """Authorizations that look stuck: escalated past their deadline, or still `received`
    with nothing projected for `quiet_for` (no worker picked them up)."""
    query = scoped(principal).where(
        (AuthorizationRecord.escalated.is_(True))
        | (
            (AuthorizationRecord.status == Status.RECEIVED.value)
            & (AuthorizationRecord.updated_at < now - quiet_for)
        )
    )
    return await read_page(session, query, QUIET_LONGEST, window)


async def timelines(
    *, session: AsyncSession, authorization_ids: Sequence[str]
) -> dict[str, list[AuthorizationEvent]]:
    """Timelines of several authorizations in one query (ids come from scoped rows)."""
    found: dict[str, list[AuthorizationEvent]] = {i: [] for i in authorization_ids}
    if not authorization_ids:
        return found
    rows = await session.scalars(
        select(AuthorizationEvent)
        .where(AuthorizationEvent.authorization_id.in_(list(authorization_ids)))
        .order_by(AuthorizationEvent.authorization_id, AuthorizationEvent.seq)
    )
    for row in rows:
        found[row.authorization_id].append(row)
    return found
