"""The ledger's hot writes as prepared Core statements: charge an account, append an entry.

For a lifetime limit the account's cached total is the whole check, so a reservation is one
conditional UPDATE (which also takes the account's row lock) plus one INSERT — on PostgreSQL
both in one statement, so the row lock is held for a single round trip before COMMIT. Anything
the UPDATE refuses (no account yet, over the plain cap) takes the general path.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.limits.models import EntryKind, ExactAmount, LimitAccount, LimitEntry, Source
from lieu.platform.limits.spec import Measure

_accounts = cast(Table, LimitAccount.__table__)
_entries = cast(Table, LimitEntry.__table__)
_total = _accounts.c.counted_total_hundredths

_CHARGE = (
    update(_accounts)
    .where(
        and_(
            _accounts.c.cin == bindparam("p_cin"),
            _accounts.c.counter == bindparam("p_counter"),
            _accounts.c.measure == bindparam("p_measure", type_=_accounts.c.measure.type),
            _total + bindparam("p_amount", type_=ExactAmount())
            <= bindparam("p_cap", type_=ExactAmount()),
        )
    )
    .values({_total: _total + bindparam("p_amount", type_=ExactAmount())})
    .returning(_accounts.c.id)
)
_REFUND = (
    update(_accounts)
    .where(_accounts.c.id == bindparam("p_account_id"))
    .values({_total: _total - bindparam("p_amount", type_=ExactAmount())})
)
_APPEND = {
    "postgresql": pg_insert(_entries)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_entries.c.id),
    "sqlite": sqlite_insert(_entries)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_entries.c.id),
}


_FIELDS = [c.name for c in _entries.c if c.name not in ("id", "account_id")]
_charged = _CHARGE.cte("charged")
_appended = (
    pg_insert(_entries)
    .from_select(
        ["account_id", *_FIELDS],
        select(_charged.c.id, *(bindparam(f"e_{n}", type_=_entries.c[n].type) for n in _FIELDS)),
    )
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_entries.c.id)
    .cte("appended")
)
_CHARGE_AND_APPEND = select(
    select(_charged.c.id).scalar_subquery().label("account_id"),
    select(_appended.c.id).scalar_subquery().label("entry_id"),
)


async def charge_and_append(
    row: dict[str, Any],
    cap: Decimal,
    measure: Measure,
    cin: str,
    counter: str,
    *,
    session: AsyncSession,
) -> tuple[int | None, int | None]:
    """Charge the account and append the entry: (account id or None if not charged, entry id or
    None if not appended). Charged but not appended means the key was already recorded."""
    conn = await session.connection()
    if conn.dialect.name != "postgresql":
        charged = await try_charge(cin, counter, measure, row["amount"], cap, session=session)
        if charged is None:
            return None, None
        return charged, await append_entry(session=session, **{**row, "account_id": charged})
    params: dict[str, object] = {"p_cin": cin, "p_counter": counter, "p_measure": measure}
    params |= {"p_amount": row["amount"], "p_cap": cap}
    params |= {f"e_{column}": value for column, value in _columns(row).items()}
    account_id, entry_id = (await conn.execute(_CHARGE_AND_APPEND, params)).one()
    return account_id, entry_id


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    """An entry's fields by column name (amounts are stored as hundredths)."""
    return {
        "kind": row["kind"],
        "idempotency_key": row["key"],
        "plan": row["plan"],
        "support": row["support"],
        "limit_id": row["limit_id"],
        "service_start": row["start"],
        "service_end": row["end"],
        "amount_hundredths": row["amount"],
        "counted_hundredths": row["counted"],
        "authorization_id": row["authorization_id"],
        "claim_line": row["claim_line"],
        "source": row["source"],
        "reason": row["reason"],
        "actor": row["actor"],
        "recorded_at": row["recorded_at"],
    }


async def try_charge(
    cin: str,
    counter: str,
    measure: Measure,
    amount: Decimal,
    cap: Decimal,
    *,
    session: AsyncSession,
) -> int | None:
    """Add `amount` to an existing account's total if it stays within `cap`: its id, or None."""
    conn = await session.connection()
    params: dict[str, object] = {"p_cin": cin, "p_counter": counter, "p_measure": measure}
    params |= {"p_amount": amount, "p_cap": cap}
    result = await conn.execute(_CHARGE, params)
    return cast(int | None, result.scalar_one_or_none())


async def refund(account_id: int, amount: Decimal, *, session: AsyncSession) -> None:
    """Take back a charge whose entry turned out to be a replay."""
    conn = await session.connection()
    await conn.execute(_REFUND, {"p_account_id": account_id, "p_amount": amount})


async def append_entry(
    *,
    session: AsyncSession,
    account_id: int,
    kind: EntryKind,
    key: str,
    plan: str,
    support: str,
    limit_id: str,
    start: date,
    end: date,
    amount: Decimal,
    counted: Decimal,
    authorization_id: str | None,
    claim_line: str | None,
    source: Source,
    reason: str | None,
    actor: str,
    recorded_at: datetime,
) -> int | None:
    """Append one entry; its id, or None when its idempotency key is already recorded."""
    conn = await session.connection()
    row = {"account_id": account_id} | _columns(
        {
            "kind": kind,
            "key": key,
            "plan": plan,
            "support": support,
            "limit_id": limit_id,
            "start": start,
            "end": end,
            "amount": amount,
            "counted": counted,
            "authorization_id": authorization_id,
            "claim_line": claim_line,
            "source": source,
            "reason": reason,
            "actor": actor,
            "recorded_at": recorded_at,
        }
    )
    result = await conn.execute(_APPEND[conn.dialect.name], row)
    return cast(int | None, result.scalar_one_or_none())
