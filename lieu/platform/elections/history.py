"""Recording submitted changes and making them effective; every step idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.elections.changes import ChangeKind, ElectionChange
from lieu.platform.elections.models import Election, ElectionChangeRecord
from lieu.platform.elections.offerings import published_for_plan


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """A change as history shows it."""

    id: int
    plan: str
    county: str
    support: str
    kind: str
    actor: str
    reason: str
    cycle_start: date
    status: str
    submitted_at: datetime


async def record_change(
    *,
    session: AsyncSession,
    change: ElectionChange,
    cycle_start: date,
    request_id: str,
    at: datetime | None = None,
) -> int:
    """Store an accepted change as pending; the same `request_id` again returns the first id."""
    existing = await session.scalar(
        select(ElectionChangeRecord.id).where(ElectionChangeRecord.request_id == request_id)
    )
    if existing is not None:
        return existing
    record = ElectionChangeRecord(
        request_id=request_id,
        plan=change.plan,
        county=change.county,
        support=change.support,
        kind=change.kind.value,
        actor=change.actor,
        reason=change.reason,
        cycle_start=cycle_start,
        status="pending",
        submitted_at=at or utcnow(),
    )
    session.add(record)
    await session.flush()
    return record.id


async def schedule_cycle(*, session: AsyncSession, plan: str, cycle_start: date) -> int:
    """Turn the cycle's pending changes into elections dated `cycle_start`; returns how many.

    Additions open a row from the cycle date; removals end the open row on it. Runs when the
    window closes, so offerings for dates on or after the cycle answer correctly at once.
    """
    pending = list(
        await session.scalars(
            select(ElectionChangeRecord)
            .where(
                ElectionChangeRecord.plan == plan,
                ElectionChangeRecord.cycle_start == cycle_start,
                ElectionChangeRecord.status == "pending",
            )
            .order_by(ElectionChangeRecord.id)
        )
    )
    published = await published_for_plan(session=session, plan=plan)
    now = utcnow()
    for record in pending:
        if record.kind == ChangeKind.ADD.value:
            owner, version = published.get(record.support, (plan, None))
            session.add(
                Election(
                    plan=plan,
                    county=record.county,
                    support=record.support,
                    definition_plan=owner,
                    definition_version=version,
                    effective_from=cycle_start,
                    added_by_change_id=record.id,
                    created_by=record.actor,
                )
            )
        else:
            open_rows = await session.scalars(
                select(Election).where(
                    Election.plan == plan,
                    Election.county == record.county,
                    Election.support == record.support,
                    Election.effective_to.is_(None),
                )
            )
            for row in open_rows:
                row.effective_to = cycle_start
                row.ended_by_change_id = record.id
        record.status = "scheduled"
        record.scheduled_at = now
    await session.flush()
    return len(pending)


async def mark_effective(*, session: AsyncSession, plan: str, cycle_start: date) -> int:
    """Record that the cycle's scheduled changes are now in effect; returns how many."""
    scheduled = await session.scalars(
        select(ElectionChangeRecord).where(
            ElectionChangeRecord.plan == plan,
            ElectionChangeRecord.cycle_start == cycle_start,
            ElectionChangeRecord.status == "scheduled",
        )
    )
    count = 0
    now = utcnow()
    for record in scheduled:
        record.status = "effective"
        record.effective_at = now
        count += 1
    await session.flush()
    return count


async def change_history(
    *, session: AsyncSession, plan: str, county: str | None = None
) -> list[ChangeEntry]:
    """Every change a plan submitted, oldest first."""
    query = select(ElectionChangeRecord).where(ElectionChangeRecord.plan == plan)
    if county is not None:
        query = query.where(ElectionChangeRecord.county == county)
    rows = await session.scalars(query.order_by(ElectionChangeRecord.id))
    return [
        ChangeEntry(
            id=r.id,
            plan=r.plan,
            county=r.county,
            support=r.support,
            kind=r.kind,
            actor=r.actor,
            reason=r.reason,
            cycle_start=r.cycle_start,
            status=r.status,
            submitted_at=r.submitted_at,
        )
        for r in rows
    ]


async def scheduled_removals(
    *, session: AsyncSession, plan: str, cycle_start: date
) -> list[tuple[str, str]]:
    """(county, support) pairs whose offering ends on `cycle_start` (to review affected members)."""
    rows = await session.execute(
        select(Election.county, Election.support).where(
            Election.plan == plan, Election.effective_to == cycle_start
        )
    )
    return sorted((county, support) for county, support in rows)
