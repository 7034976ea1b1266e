"""Authorizations as a caller may see them, read from the projection (no Temporal needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, or_, select
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


async def search_authorizations(
    *,
    session: AsyncSession,
    principal: Principal,
    where: AuthorizationFilter,
    window: Window,
) -> Slice[AuthorizationRecord]:
    """Matching authorizations, newest first."""
    query = scoped(principal)
    if where.statuses:
        query = query.where(AuthorizationRecord.status.in_(list(where.statuses)))
    if where.support:
        query = query.where(AuthorizationRecord.support == where.support)
    if where.provider:
        query = query.where(AuthorizationRecord.provider == where.provider)
    if where.member_cin:
        query = query.where(AuthorizationRecord.member_cin == where.member_cin)
    if where.deadline_before:
        query = query.where(AuthorizationRecord.review_deadline < where.deadline_before)
    if where.escalated is not None:
        query = query.where(AuthorizationRecord.escalated == where.escalated)
    return await read_page(session, query, NEWEST_FIRST, window)


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
