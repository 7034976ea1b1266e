"""Many reservations racing for the last of a cap: never overspent, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.limits.errors import LimitExceeded
from lieu.platform.limits.ledger import reserve
from lieu.platform.limits.models import LimitAccount, LimitEntry
from lieu.platform.limits.postings import Entry, Posting
from lieu.platform.limits.spec import LimitSpec

TASKS = 50
ROUNDS = 3


@pytest.fixture
async def racing_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine with a connection for each racing task (PostgreSQL), on a migrated database."""
    engine = create_engine(database_url, pool_size=TASKS // 2)
    await migrate.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def race(
    factory: async_sessionmaker[AsyncSession], spec: LimitSpec, postings: list[Posting]
) -> list[Entry | None]:
    """Post each reservation in its own transaction, all at once; None where refused."""
    gate = asyncio.Event()

    async def one(item: Posting) -> Entry | None:
        await gate.wait()
        try:
            async with factory.begin() as session:
                return await reserve(item, spec, session=session)
        except LimitExceeded:
            return None

    tasks = [asyncio.create_task(one(p)) for p in postings]
    await asyncio.sleep(0.05)
    gate.set()
    return await asyncio.gather(*tasks)


def hours(cin: str, n: int, amount: Decimal) -> Posting:
    day = date(2026, 10, 1)
    return Posting(
        cin, "plan-a", "respite", day, day, amount, f"{cin}-{n}", "race", authorization_id=f"a{n}"
    )


async def stored(factory: async_sessionmaker[AsyncSession], cin: str) -> tuple[Decimal, Decimal]:
    async with factory() as session:
        summed = await session.scalar(
            select(func.sum(LimitEntry.amount)).join(LimitAccount).where(LimitAccount.cin == cin)
        )
        cached = await session.scalar(
            select(LimitAccount.counted_total).where(LimitAccount.cin == cin)
        )
    return Decimal(summed or 0), Decimal(cached or 0)


async def test_racing_reservations_never_exceed_the_cap(
    racing_engine: AsyncEngine, respite: LimitSpec
) -> None:
    factory = create_session_factory(for_writes(racing_engine))
    rng = random.Random(4)
    for round_ in range(ROUNDS):
        cin = f"9800000{round_}R"
        amounts = [Decimal(rng.choice(["7.25", "10.00", "12.50", "3.75"])) for _ in range(TASKS)]
        results = await race(factory, respite, [hours(cin, n, a) for n, a in enumerate(amounts)])
        granted = sum((e.amount for e in results if e is not None), Decimal(0))
        assert granted <= respite.maximum
        assert respite.maximum - granted < max(amounts)  # refusals only once nearly full
        assert await stored(factory, cin) == (granted, granted)


async def test_racing_day_ranges_never_exceed_a_rolling_window(
    racing_engine: AsyncEngine, six_in_twelve: LimitSpec
) -> None:
    factory = create_session_factory(for_writes(racing_engine))
    for round_ in range(ROUNDS):
        cin = f"9810000{round_}D"
        start = date(2026, 1, 1)
        postings = [
            Posting(
                cin,
                "plan-a",
                "recuperative-care",
                start + timedelta(days=7 * n),
                start + timedelta(days=7 * n + 6),
                Decimal(7),
                f"{cin}-{n}",
                "race",
                authorization_id=f"d{n}",
            )
            for n in range(TASKS)
        ]
        results = await race(factory, six_in_twelve, postings)
        assert sum(1 for e in results if e is not None) == 180 // 7  # 25 weeks = 175 days


@pytest.mark.parametrize("which", ["respite", "asthma"])
async def test_racing_replays_of_one_key_record_one_entry(
    racing_engine: AsyncEngine, which: str, request: pytest.FixtureRequest
) -> None:
    spec: LimitSpec = request.getfixturevalue(which)
    factory = create_session_factory(for_writes(racing_engine))
    same = replace(hours("98200000K", 0, Decimal("5.00")), support=spec.pool_supports[0])
    results = await race(factory, spec, [same] * TASKS)
    assert len({e.id for e in results if e is not None}) == 1
    assert sum(1 for e in results if e is not None and not e.replayed) == 1
    assert await stored(factory, same.cin) == (Decimal("5.00"), Decimal("5.00"))
