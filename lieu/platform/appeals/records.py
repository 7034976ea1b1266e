"""Reading appeals as their workflows projected them, and recording grievances: each call scoped
to what the caller's token may see (a plan's staff its plan, a provider its own members'
authorizations)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.roles import Principal, Role
from lieu.platform.appeals.models import AppealRecord, Grievance
from lieu.platform.appeals.terms import AppealTerms
from lieu.platform.db.keyset import Column, Ordering, Slice, Window, read_page
from lieu.platform.plans.calendar import PlanCalendar

# What a grievance is about (DHCS grievance categories, shortened).
CATEGORIES = (
    "access",  # getting the service or an appointment
    "quality_of_care",
    "provider",  # a provider's conduct or communication
    "plan_service",  # the plan's own service: calls, letters, delays
    "timeliness",  # e.g. disagreeing with an extension the plan took
    "other",
)
MAX_TEXT = 10_000


class GrievanceError(ValueError):
    """A grievance cannot be recorded or changed as asked; `code` names the problem."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


APPEALS_DUE_FIRST = Ordering((Column(AppealRecord.deadline), Column(AppealRecord.id)))
GRIEVANCES_DUE_FIRST = Ordering((Column(Grievance.resolve_by), Column(Grievance.id)))


def _scoped(statement: Select[AppealRecord], principal: Principal) -> Select[AppealRecord]:
    statement = statement.where(AppealRecord.plan == principal.plan)
    if principal.role is Role.PROVIDER:
        statement = statement.where(AppealRecord.provider == (principal.provider or ""))
    return statement


async def find_appeal(
    *, session: AsyncSession, principal: Principal, appeal_id: str
) -> AppealRecord | None:
    """The appeal if the caller may see it (None either way otherwise)."""
    statement = _scoped(select(AppealRecord).where(AppealRecord.id == appeal_id), principal)
    return (await session.scalars(statement)).first()


async def appeals_of(
    *, session: AsyncSession, authorization_ids: list[str]
) -> dict[str, list[AppealRecord]]:
    """The appeals of each authorization, oldest first."""
    rows = await session.scalars(
        select(AppealRecord)
        .where(AppealRecord.authorization_id.in_(authorization_ids))
        .order_by(AppealRecord.received_at, AppealRecord.id)
    )
    found: dict[str, list[AppealRecord]] = {key: [] for key in authorization_ids}
    for row in rows:
        found[row.authorization_id].append(row)
    return found


async def list_appeals(
    *,
    session: AsyncSession,
    principal: Principal,
    status: str | None,
    window: Window,
) -> Slice[AppealRecord]:
    """The caller's appeals, those due soonest first."""
    statement = _scoped(select(AppealRecord), principal)
    if status is not None:
        statement = statement.where(AppealRecord.status == status)
    return await read_page(session, statement, APPEALS_DUE_FIRST, window)


# --- grievances ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewGrievance:
    plan: str
    member_cin: str
    category: str
    description: str
    filed_by: str
    idempotency_key: str
    authorization_id: str | None = None


def grievance_id(plan: str, key: str) -> str:
    return "G-" + hashlib.sha256(f"{plan}\x1f{key}".encode()).hexdigest()[:16].upper()


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise GrievanceError(f"{field}_required", f"{field} is empty: say it in words")
    if len(text) > MAX_TEXT:
        raise GrievanceError(
            f"{field}_too_long", f"{field} is {len(text)} characters; at most {MAX_TEXT}"
        )
    return text


async def file_grievance(
    *,
    session: AsyncSession,
    grievance: NewGrievance,
    received_at: datetime,
    terms: AppealTerms,
    calendar: PlanCalendar,
) -> Grievance:
    """Record a grievance with the dates its acknowledgement and resolution are due (the same
    idempotency key gives back the one recorded)."""
    if grievance.category not in CATEGORIES:
        raise GrievanceError(
            "bad_category",
            f"category {grievance.category!r} is not one of {', '.join(CATEGORIES)}",
        )
    if not grievance.idempotency_key.strip():
        raise GrievanceError("key_required", "every command needs an idempotency key")
    description = _text(grievance.description, "description")
    number = grievance_id(grievance.plan, grievance.idempotency_key)
    received = calendar.local_date(received_at)
    existing = await session.get(Grievance, number)
    if existing is not None:
        return existing
    row = Grievance(
        id=number,
        plan=grievance.plan,
        member_cin=grievance.member_cin,
        authorization_id=grievance.authorization_id,
        category=grievance.category,
        description=description,
        filed_by=grievance.filed_by,
        received_at=received_at,
        acknowledge_by=calendar.day_ends(received + timedelta(days=terms.acknowledge_days)),
        resolve_by=calendar.day_ends(received + timedelta(days=terms.resolve_days)),
        resolution="",
        idempotency_key=grievance.idempotency_key,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:  # the same key at the same moment: the first one stands
        await session.rollback()
        raced = await session.get(Grievance, number)
        assert raced is not None
        return raced
    return row


async def _grievance(session: AsyncSession, principal: Principal, number: str) -> Grievance:
    row = await session.get(Grievance, number, with_for_update=True)
    if row is None or row.plan != principal.plan:
        raise GrievanceError("not_found", f"no grievance {number} that you may see")
    return row


async def acknowledge_grievance(
    *, session: AsyncSession, principal: Principal, number: str, at: datetime
) -> Grievance:
    """Record the acknowledgement sent to the member (once; again is the same answer)."""
    row = await _grievance(session, principal, number)
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = at, principal.actor
        await session.flush()
    return row


async def resolve_grievance(
    *, session: AsyncSession, principal: Principal, number: str, resolution: str, at: datetime
) -> Grievance:
    """Record the resolution (acknowledging it too if that was not recorded)."""
    text = _text(resolution, "resolution")
    row = await _grievance(session, principal, number)
    if row.resolved_at is not None:
        if row.resolution != text:
            raise GrievanceError(
                "already_resolved",
                f"grievance {number} was resolved on {row.resolved_at.isoformat()}; a "
                "resolution is recorded once",
            )
        return row
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = at, principal.actor
    row.resolved_at, row.resolved_by, row.resolution = at, principal.actor, text
    await session.flush()
    return row


async def list_grievances(
    *,
    session: AsyncSession,
    principal: Principal,
    open_only: bool,
    overdue_at: datetime | None,
    window: Window,
) -> Slice[Grievance]:
    """The plan's grievances, due soonest first; `overdue_at`: only those past a due date then
    (acknowledgement or resolution) and not done."""
    statement = select(Grievance).where(Grievance.plan == principal.plan)
    if open_only:
        statement = statement.where(Grievance.resolved_at.is_(None))
    if overdue_at is not None:
        statement = statement.where(
            Grievance.resolved_at.is_(None),
            (Grievance.resolve_by < overdue_at)
            | (Grievance.acknowledged_at.is_(None) & (Grievance.acknowledge_by < overdue_at)),
        )
    return await read_page(session, statement, GRIEVANCES_DUE_FIRST, window)
