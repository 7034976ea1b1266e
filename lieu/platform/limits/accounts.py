"""Finding, creating and locking a member's account on a counter, and reading what it holds.

Every write to an account first takes its lock, so two postings on one account never interleave:
on PostgreSQL a row lock (`SELECT … FOR UPDATE` on the account, created race-free by
`INSERT … ON CONFLICT DO NOTHING`); on SQLite the database write lock, which the caller's
transaction takes at BEGIN (`lieu.platform.db.engine.for_writes`). On SQLite a deferred
transaction is still safe (a second writer fails with "database is locked"), only not queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.limits.errors import InvalidPosting
from lieu.platform.limits.lanes import LaneEntry
from lieu.platform.limits.models import LimitAccount, LimitEntry, LimitException
from lieu.platform.limits.spec import Measure
from lieu.platform.limits.usage import Raise, Usage


@dataclass(frozen=True, slots=True)
class Account:
    """A member's account on one counter; `counted_total` is its usage summed over all time."""

    id: int
    cin: str
    counter: str
    measure: Measure
    counted_total: Decimal


_COLUMNS = (
    LimitAccount.id,
    LimitAccount.cin,
    LimitAccount.counter,
    LimitAccount.measure,
    LimitAccount.counted_total,
)


def dialect_insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT that can say ON CONFLICT, for the session's database."""
    name = session.get_bind().dialect.name
    return pg_insert(model) if name == "postgresql" else sqlite_insert(model)


async def lock_account(
    cin: str, counter: str, measure: Measure, *, session: AsyncSession
) -> Account:
    """The account for (cin, counter), created if new, locked until the transaction ends."""
    locked = select(*_COLUMNS).where(LimitAccount.cin == cin, LimitAccount.counter == counter)
    locked = locked.with_for_update()
    row = (await session.execute(locked)).one_or_none()
    if row is None:
        create = dialect_insert(session, LimitAccount).values(
            cin=cin, counter=counter, measure=measure, counted_total=Decimal(0), created_at=utcnow()
        )
        await session.execute(create.on_conflict_do_nothing(index_elements=["cin", "counter"]))
        row = (await session.execute(locked)).one()
    account = Account(*row)
    if account.measure is not measure:
        raise InvalidPosting(
            f"counter {counter!r} counts {account.measure.value} for this member, but the limit "
            f"counts {measure.value}; limits sharing a counter must share its measure"
        )
    return account


async def find_account(cin: str, counter: str, *, session: AsyncSession) -> Account | None:
    """The account for (cin, counter) if any, without locking it (for balance queries)."""
    query = select(*_COLUMNS).where(LimitAccount.cin == cin, LimitAccount.counter == counter)
    row = (await session.execute(query)).one_or_none()
    return None if row is None else Account(*row)


async def add_to_total(account: Account, delta: Decimal, *, session: AsyncSession) -> None:
    """Keep the account's cached total in step with an entry just posted (under its lock)."""
    await session.execute(
        update(LimitAccount)
        .where(LimitAccount.id == account.id)
        .values(counted_total=LimitAccount.counted_total + delta)
    )


async def load_usage(
    account_id: int,
    *,
    session: AsyncSession,
    first: date | None = None,
    last: date | None = None,
    authorization_id: str | None = None,
) -> list[Usage]:
    """Counted usage of entries whose dates of service meet `first`…`last`."""
    query = select(
        LimitEntry.service_start,
        LimitEntry.service_end,
        LimitEntry.counted,
        LimitEntry.authorization_id,
    ).where(LimitEntry.account_id == account_id, LimitEntry.counted != Decimal(0))
    if first is not None:
        query = query.where(LimitEntry.service_end >= first)
    if last is not None:
        query = query.where(LimitEntry.service_start <= last)
    if authorization_id is not None:
        query = query.where(LimitEntry.authorization_id == authorization_id)
    return [Usage(*row) for row in await session.execute(query)]


async def load_lane(
    account_id: int, authorization_id: str, *, session: AsyncSession
) -> list[LaneEntry]:
    """Every entry posted under one authorization on one account."""
    query = select(
        LimitEntry.kind,
        LimitEntry.service_start,
        LimitEntry.service_end,
        LimitEntry.amount,
        LimitEntry.counted,
    ).where(LimitEntry.account_id == account_id, LimitEntry.authorization_id == authorization_id)
    return [LaneEntry(*row) for row in await session.execute(query)]


async def load_raises(account_id: int, *, session: AsyncSession) -> list[Raise]:
    """The approved exceptions on an account."""
    query = select(
        LimitException.applies_from, LimitException.applies_to, LimitException.extra
    ).where(LimitException.account_id == account_id)
    return [Raise(*row) for row in await session.execute(query)]
