"""`lieu bench ledger`: reservations per second against the ceiling of a bare conditional UPDATE.

Each database (a fresh SQLite file; a temporary PostgreSQL database) runs, in one process and one
run, the same workload twice: through `lieu.platform.limits.ledger.reserve` (account lock, window
check, append-only entry with an idempotency key) and as the bare single-row conditional
`UPDATE t SET used = used + :n WHERE id = :id AND used + :n <= cap`, each in its own transaction.
Workers race on one account (contention) and then spread over many accounts. Every scenario's
cap is below the attempts, so the last reservations are refused; overspend must stay 0.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.limits.accounts import lock_account
from lieu.platform.limits.errors import LimitExceeded
from lieu.platform.limits.ledger import reserve
from lieu.platform.limits.models import LimitAccount, LimitEntry
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import ExceptionRule, LimitSpec, Measure, Window, WindowKind

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.5
SPEC = LimitSpec(
    id="bench-asthma-lifetime",
    label="Asthma remediation dollars per lifetime",
    measure=Measure.DOLLARS,
    maximum=Decimal(0),  # set per scenario with dataclasses.replace
    window=Window(WindowKind.LIFETIME),
    counter="bench-asthma-dollars",
    pool_supports=("asthma-remediation",),
    exception=ExceptionRule(),
)


@dataclass(frozen=True, slots=True)
class Row:
    """One scenario on one database: throughput of the ledger and of the ceiling."""

    database: str
    scenario: str
    workers: int
    attempts: int
    ledger_per_s: float
    ceiling_per_s: float
    granted: int
    cap: int
    overspend: int

    @property
    def ratio(self) -> float:
        """Ledger throughput as a share of the bare UPDATE's."""
        return self.ledger_per_s / self.ceiling_per_s if self.ceiling_per_s else 0.0


async def _drive(workers: int, attempts: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Run `attempts` calls of `one(i)` over `workers` concurrent workers; attempts per second."""
    numbers = itertools.count()

    async def worker() -> None:
        while (i := next(numbers)) < attempts:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return attempts / (time.perf_counter() - started)


async def _ledger(
    engine: AsyncEngine, tag: str, accounts: int, workers: int, attempts: int
) -> tuple[float, int, int]:
    from dataclasses import replace

    cap = max(1, attempts * 4 // 5 // accounts)
    spec = replace(SPEC, maximum=Decimal(cap))
    factory = create_session_factory(for_writes(engine))
    day = date(2026, 11, 23)

    async def one(i: int) -> None:
        cin = f"{tag}{i % accounts:06d}"
        posting = Posting(
            cin,
            "bench",
            "asthma-remediation",
            day,
            day,
            Decimal(1),
            f"{tag}-{i}",
            "bench",
            authorization_id=f"{tag}-a{i}",
        )
        try:
            async with factory.begin() as session:
                await reserve(posting, spec, session=session)
        except LimitExceeded:
            pass

    # Like the ceiling's rows, every account exists before the clock starts.
    async with factory.begin() as session:
        for n in range(accounts):
            await lock_account(f"{tag}{n:06d}", spec.counter, spec.measure, session=session)
    rate = await _drive(workers, attempts, one)
    async with factory() as session:
        per_account = await session.execute(
            select(LimitAccount.cin, func.sum(LimitEntry.amount))
            .join(LimitEntry)
            .where(LimitAccount.cin.startswith(tag))
            .group_by(LimitAccount.cin)
        )
        sums = [int(total) for _, total in per_account]
    return rate, sum(sums), sum(max(0, s - cap) for s in sums)


async def _ceiling(
    engine: AsyncEngine, tag: str, accounts: int, workers: int, attempts: int
) -> tuple[float, int, int]:
    cap = max(1, attempts * 4 // 5 // accounts)
    table = f"bench_ceiling_{tag}"
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE TABLE {table} "
                "(id INTEGER PRIMARY KEY, used BIGINT NOT NULL, cap BIGINT NOT NULL)"
            )
        )
        for start in range(0, accounts, 500):
            rows = [{"id": i, "cap": cap} for i in range(start, min(accounts, start + 500))]
            await conn.execute(text(f"INSERT INTO {table} VALUES (:id, 0, :cap)"), rows)
    bump = text(f"UPDATE {table} SET used = used + :n WHERE id = :id AND used + :n <= cap")
    writer = for_writes(engine)

    async def one(i: int) -> None:
        async with writer.begin() as conn:
            await conn.execute(bump, {"n": 1, "id": i % accounts})

    rate = await _drive(workers, attempts, one)
    async with engine.begin() as conn:
        used = [int(u) for (u,) in await conn.execute(text(f"SELECT used FROM {table}"))]
        await conn.execute(text(f"DROP TABLE {table}"))
    return rate, sum(used), sum(max(0, u - cap) for u in used)


async def bench_database(
    label: str, url: str, *, workers: int, attempts: int, accounts: int
) -> list[Row]:
    """Both scenarios on one (empty) database, ledger and ceiling side by side."""
    engine = create_engine(url, pool_size=workers)
    rows = []
    try:
        await migrate.upgrade(engine)
        for scenario, n in (("one account", 1), (f"{accounts} accounts", accounts)):
            tag = uuid.uuid4().hex[:6]
            ceiling, _, _ = await _ceiling(engine, tag, n, workers, attempts)
            ledger, granted, over = await _ledger(engine, tag, n, workers, attempts)
            cap = max(1, attempts * 4 // 5 // n) * n
            rows.append(
                Row(label, scenario, workers, attempts, ledger, ceiling, granted, cap, over)
            )
    finally:
        await engine.dispose()
    return rows


async def run_async(
    *,
    postgres_admin_dsn: str | None = DEFAULT_POSTGRES,
    workers: int = 16,
    attempts: int = 2000,
    accounts: int = 200,
) -> list[Row]:
    """The benchmark on SQLite and, when `postgres_admin_dsn` is given, on PostgreSQL."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        rows += await bench_database(
            "SQLite (WAL)", sqlite, workers=workers, attempts=attempts, accounts=accounts
        )
    if postgres_admin_dsn:
        name = f"lieu_b_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(postgres_admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
            base = postgres_admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
            url = f"postgresql+asyncpg://{base}/{name}"
            rows += await bench_database(
                "PostgreSQL", url, workers=workers, attempts=attempts, accounts=accounts
            )
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    return rows


def measure(**options: object) -> list[Row]:
    """`run_async` for synchronous callers."""
    return asyncio.run(run_async(**options))  # type: ignore[arg-type]


def table(rows: Sequence[Row]) -> str:
    """The results as a markdown table."""
    lines = [
        "| database | scenario | workers | attempts | ledger res/s | ceiling upd/s | ratio "
        "| granted / cap | overspend |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.database} | {r.scenario} | {r.workers} | {r.attempts} | {r.ledger_per_s:,.0f} | "
            f"{r.ceiling_per_s:,.0f} | {r.ratio:.0%} | {r.granted} / {r.cap} | {r.overspend} |"
        )
    return "\n".join(lines)


def run(argv: Sequence[str]) -> str:
    """`lieu bench ledger [options]`: the markdown table, with a line per result below target."""
    rows = _measure_from(argv)
    failed = [r for r in rows if r.overspend or r.granted != r.cap or r.ratio < TARGET_RATIO]
    notes = [
        f"below target: {r.database} {r.scenario}: ratio {r.ratio:.0%}, overspend {r.overspend}"
        for r in failed
    ]
    return "\n".join([table(rows), *(["", *notes] if notes else [])])


def _measure_from(argv: Sequence[str] | None) -> list[Row]:
    parser = argparse.ArgumentParser(prog="lieu bench ledger", description=__doc__)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin DSN; '' to skip")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--attempts", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="small run, for tests")
    args = parser.parse_args(argv)
    if args.quick:
        args.workers, args.attempts, args.accounts = 4, 100, 20
    return measure(
        postgres_admin_dsn=args.postgres or None,
        workers=args.workers,
        attempts=args.attempts,
        accounts=args.accounts,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 on overspend or below the target ratio."""
    rows = _measure_from(argv)
    print(table(rows))
    failed = [r for r in rows if r.overspend or r.granted != r.cap or r.ratio < TARGET_RATIO]
    for r in failed:
        print(
            f"below target: {r.database} {r.scenario}: ratio {r.ratio:.0%}, overspend {r.overspend}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
