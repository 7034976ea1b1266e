"""`lieu bench ledger`: reservations per second of the limit ledger against the bare SQL ceiling.

On each database (a fresh SQLite file; a temporary PostgreSQL database), for each scenario
(workers racing on one account, then spread over many), rounds alternate the two contenders
(ceiling, ledger, ceiling, ledger, …), each round on accounts of its own:

- **ledger**: `lieu.platform.limits.ledger.reserve(posting, spec, session=...)` in a session
  transaction per attempt, as the authorization activity calls it;
- **ceiling**: per attempt, one transaction on a bare connection that runs the conditional
  `UPDATE limit_accounts SET total = total + :n WHERE cin = :cin AND counter = :counter AND
  total + :n <= :cap` and, when it charged the account, the `INSERT INTO limit_entries` of the
  entry the ledger records (the same columns and values), then COMMIT. On PostgreSQL the two are
  one statement (a data-modifying CTE: one round trip, as the ledger's own hot path does); on
  SQLite, two statements on the same connection.

Every attempt asks for 1 unit; each account's cap is 80% of the attempts that reach it, so the
last ones are refused, and the overspend (units granted over the caps) must be 0. A figure is the
median over `--reps` rounds; the ratio is ledger over ceiling, with the range of the rounds' own.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.rounds import (
    MIN_ROUNDS,
    interleaved,
    median,
    ratio,
    read_results,
    results_path,
    write_results,
)
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.limits.accounts import lock_account
from lieu.platform.limits.errors import LimitExceeded
from lieu.platform.limits.ledger import reserve
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import ExceptionRule, LimitSpec, Measure, Window, WindowKind
from lieu.platform.limits.usage import hundredths

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.5
CONTENDERS = ("ceiling", "ledger")
DAY = date(2026, 11, 23)
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
_CHARGE = (
    "UPDATE limit_accounts SET counted_total_hundredths = counted_total_hundredths + :n "
    "WHERE cin = :cin AND counter = :counter AND counted_total_hundredths + :n <= :cap"
)
_COLUMNS = (
    "kind, idempotency_key, plan, support, limit_id, service_start, service_end, "
    "amount_hundredths, counted_hundredths, authorization_id, claim_line, source, reason, "
    "actor, recorded_at"
)
_VALUES = (
    ":kind, :key, :plan, :support, :limit_id, :start, :end, :n, :n, :authorization_id, NULL, "
    ":source, NULL, :actor, :recorded_at"
)
_CEILING = {
    "sqlite": (
        text(_CHARGE + " RETURNING id"),
        text(f"INSERT INTO limit_entries (account_id, {_COLUMNS}) VALUES (:account_id, {_VALUES})"),
    ),
    "postgresql": (
        text(
            f"WITH charged AS ({_CHARGE} RETURNING id) "
            f"INSERT INTO limit_entries (account_id, {_COLUMNS}) SELECT id, {_VALUES} FROM charged"
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Run:
    """One contender's round of one scenario on one database."""

    database: str
    scenario: str
    contender: str
    rep: int
    workers: int
    attempts: int
    per_second: float
    granted: int
    cap: int
    overspend: int


async def _drive(workers: int, attempts: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Run `attempts` calls of `one(i)` over `workers` concurrent workers; attempts per second."""
    numbers = itertools.count()

    async def worker() -> None:
        while (i := next(numbers)) < attempts:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return attempts / (time.perf_counter() - started)


def _cap(attempts: int, accounts: int) -> int:
    return max(1, attempts * 4 // 5 // accounts)


async def _open_accounts(engine: AsyncEngine, tag: str, accounts: int) -> None:
    """The round's accounts, every one created before the clock starts (for both contenders)."""
    factory = create_session_factory(for_writes(engine))
    async with factory.begin() as session:
        for n in range(accounts):
            await lock_account(f"{tag}{n:06d}", SPEC.counter, SPEC.measure, session=session)


async def _granted(engine: AsyncEngine, tag: str, cap: int) -> tuple[int, int]:
    """Units recorded in the round's entries, and how many of them went over the caps (each
    account's entries are summed, and checked against its cached total)."""
    query = text(
        "SELECT a.counted_total_hundredths, COALESCE(SUM(e.amount_hundredths), 0) "
        "FROM limit_accounts a LEFT JOIN limit_entries e ON e.account_id = a.id "
        "WHERE a.cin LIKE :tag AND a.counter = :counter GROUP BY a.id, a.counted_total_hundredths"
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query, {"tag": f"{tag}%", "counter": SPEC.counter})).all()
    if any(int(total) != int(summed) for total, summed in rows):
        raise RuntimeError(f"round {tag}: an account's total differs from its entries' sum")
    units = [int(summed) // 100 for _, summed in rows]
    return sum(units), sum(max(0, u - cap) for u in units)


async def _ledger(
    engine: AsyncEngine, tag: str, accounts: int, workers: int, attempts: int
) -> float:
    """Reservations through the ledger, one session transaction each."""
    spec = replace(SPEC, maximum=Decimal(_cap(attempts, accounts)))
    factory = create_session_factory(for_writes(engine))

    async def one(i: int) -> None:
        posting = Posting(
            cin=f"{tag}{i % accounts:06d}",
            plan="bench",
            support="asthma-remediation",
            start=DAY,
            end=DAY,
            amount=Decimal(1),
            key=f"{tag}-{i}",
            actor="bench",
            authorization_id=f"{tag}-a{i}",
        )
        try:
            async with factory.begin() as session:
                await reserve(posting, spec, session=session)
        except LimitExceeded:
            pass

    return await _drive(workers, attempts, one)


async def _ceiling(
    engine: AsyncEngine, tag: str, accounts: int, workers: int, attempts: int
) -> float:
    """The bare conditional UPDATE plus the entry's INSERT, one transaction each."""
    writer = for_writes(engine)
    statements = _CEILING[engine.dialect.name]
    sqlite = engine.dialect.name == "sqlite"
    now = datetime.now(UTC)
    fixed: dict[str, Any] = {
        "n": hundredths(Decimal(1)),
        "cap": hundredths(Decimal(_cap(attempts, accounts))),
        "counter": SPEC.counter,
        "kind": "reserve",
        "plan": "bench",
        "support": "asthma-remediation",
        "limit_id": SPEC.id,
        # the values as SQLAlchemy stores them on each database (ISO text on SQLite)
        "start": DAY.isoformat() if sqlite else DAY,
        "end": DAY.isoformat() if sqlite else DAY,
        "source": "authorization",
        "actor": "bench",
        "recorded_at": now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now,
    }

    async def one(i: int) -> None:
        values = fixed | {
            "cin": f"{tag}{i % accounts:06d}",
            "key": f"{tag}-{i}",
            "authorization_id": f"{tag}-a{i}",
        }
        async with writer.begin() as conn:
            if sqlite:
                charged = (await conn.execute(statements[0], values)).scalar()
                if charged is not None:
                    await conn.execute(statements[1], values | {"account_id": charged})
            else:
                await conn.execute(statements[0], values)

    return await _drive(workers, attempts, one)


async def bench_database(
    label: str, url: str, *, workers: int, attempts: int, accounts: int, reps: int
) -> list[Run]:
    """Both scenarios on one (empty) database, ceiling and ledger in alternating rounds after a
    warm-up of each."""
    engine = create_engine(url, pool_size=workers)
    contenders = {"ceiling": _ceiling, "ledger": _ledger}
    runs = []
    try:
        await migrate.upgrade(engine)
        for contender in CONTENDERS:  # warm-up: statements compiled, pool filled; not counted
            tag = uuid.uuid4().hex[:6]
            await _open_accounts(engine, tag, workers)
            await contenders[contender](engine, tag, workers, workers, min(attempts, 10 * workers))
        for scenario, n in (("one account", 1), (f"{accounts} accounts", accounts)):
            for rep, contender in interleaved(reps, CONTENDERS):
                tag = uuid.uuid4().hex[:6]
                await _open_accounts(engine, tag, n)
                rate = await contenders[contender](engine, tag, n, workers, attempts)
                granted, over = await _granted(engine, tag, _cap(attempts, n))
                cap = _cap(attempts, n) * n
                runs.append(
                    Run(
                        label, scenario, contender, rep, workers, attempts, rate, granted, cap, over
                    )
                )
                print(
                    f"{label} {scenario} {contender} round {rep}/{reps}: {rate:,.0f}/s, "
                    f"granted {granted} / {cap}, overspend {over}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        await engine.dispose()
    return runs


async def run_async(
    *,
    postgres_admin_dsn: str | None = DEFAULT_POSTGRES,
    workers: int = 16,
    attempts: int = 2000,
    accounts: int = 200,
    reps: int = 5,
) -> list[Run]:
    """The benchmark on SQLite and, when `postgres_admin_dsn` is given, on PostgreSQL."""
    options = {"workers": workers, "attempts": attempts, "accounts": accounts, "reps": reps}
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        runs += await bench_database("SQLite (WAL)", sqlite, **options)
    if postgres_admin_dsn:
        name = f"lieu_b_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(postgres_admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
            base = postgres_admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
            url = f"postgresql+asyncpg://{base}/{name}"
            runs += await bench_database("PostgreSQL", url, **options)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    return runs


def summarize(runs: Sequence[Run]) -> list[dict[str, Any]]:
    """Per database and scenario: each contender's median rate, the ratio, and correctness."""
    rows = []
    for database, scenario in dict.fromkeys((r.database, r.scenario) for r in runs):
        mine = sorted((r for r in runs if (r.database, r.scenario) == (database, scenario)),
                      key=lambda r: r.rep)  # fmt: skip
        rates = {c: [r.per_second for r in mine if r.contender == c] for c in CONTENDERS}
        share = ratio(rates["ledger"], rates["ceiling"])
        ledger_runs = [r for r in mine if r.contender == "ledger"]
        rows.append(
            {
                "database": database,
                "scenario": scenario,
                "workers": mine[0].workers,
                "attempts": mine[0].attempts,
                "ceiling_per_s": median(rates["ceiling"]),
                "ledger_per_s": median(rates["ledger"]),
                "ratio": share.as_dict(),
                # every round of both must grant exactly the cap and never more
                "exact": all(r.granted == r.cap and r.overspend == 0 for r in mine),
                "granted": ledger_runs[0].granted,
                "cap": ledger_runs[0].cap,
                "overspend": max(r.overspend for r in mine),
                "target_met": share.median >= TARGET_RATIO,
            }
        )
    return rows


def table(summary: Sequence[dict[str, Any]], arguments: dict[str, Any], measured_on: str) -> str:
    """The markdown table of the medians (from a run, or from its JSON)."""
    lines = [
        f"The limit ledger's `reserve` against the bare SQL ceiling (conditional UPDATE of the "
        f"balance + the entry's INSERT, one transaction); {arguments['workers']} concurrent "
        f"workers, {arguments['attempts']} attempts per round, median of {arguments['reps']} "
        f"interleaved rounds; {measured_on}.",
        "",
        f"| database | scenario | ceiling res/s | ledger res/s | ledger / ceiling (target ≥ "
        f"{TARGET_RATIO:.0%}) | granted / cap | overspend |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in summary:
        share = row["ratio"]
        spread = "" if math.isnan(share["low"]) else f" ({share['low']:.0%}–{share['high']:.0%})"
        mark = "✓" if row["target_met"] else "✗"
        lines.append(
            f"| {row['database']} | {row['scenario']} | {row['ceiling_per_s']:,.0f} | "
            f"{row['ledger_per_s']:,.0f} | {share['median']:.0%}{spread} {mark} | "
            f"{row['granted']} / {row['cap']}{'' if row['exact'] else ' ✗'} | {row['overspend']} |"
        )
    lines += ["", "In brackets, the lowest and highest of the rounds' ratios."]
    return "\n".join(lines)


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lieu bench ledger", description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin DSN; '' to skip")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--attempts", type=int, default=2000, help="per round")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5, help=f"rounds (median; >= {MIN_ROUNDS})")
    parser.add_argument(
        "--json", type=Path, default=None,
        help="write the results here (default benchmarks/results/ledger.json; --quick: nowhere)",
    )  # fmt: skip
    parser.add_argument(
        "--table-from", type=Path, default=None, metavar="JSON",
        help="print the table of an earlier run's JSON, measuring nothing",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 4 workers, 100 attempts, 1 round"
    )
    args = parser.parse_args(list(argv))
    if args.quick:
        args.workers, args.attempts, args.accounts, args.reps = 4, 100, 20, 1
    elif args.reps < MIN_ROUNDS:
        parser.error(f"--reps must be at least {MIN_ROUNDS} (a median of fewer says little)")
    return args


def _arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in ("workers", "attempts", "accounts", "reps", "quick")}


def _measure(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """The summary, the arguments and the date: measured now (and written as JSON), or read
    from an earlier run's JSON with --table-from."""
    if args.table_from is not None:
        earlier = read_results(args.table_from, "ledger")
        return earlier["summary"], earlier["arguments"], str(earlier["date"])
    runs = asyncio.run(
        run_async(
            postgres_admin_dsn=args.postgres or None,
            workers=args.workers,
            attempts=args.attempts,
            accounts=args.accounts,
            reps=args.reps,
        )
    )
    summary = summarize(runs)
    path = results_path("ledger", args.json, quick=args.quick)
    if path is not None:
        report = {"arguments": _arguments(args), "target_ratio_at_least": TARGET_RATIO}
        report |= {"summary": summary, "runs": [asdict(r) for r in runs]}
        write_results(path, "ledger", report)
    return summary, _arguments(args), date.today().isoformat()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (✗ marks a ratio below target); exit 1 on overspend or a cap not granted
    exactly."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    try:
        summary, arguments, measured_on = _measure(args)
    except (ValueError, KeyError, TypeError) as unreadable:
        print(f"lieu bench ledger: {unreadable}", file=sys.stderr)
        return 1
    print(table(summary, arguments, measured_on))
    wrong = [r for r in summary if r["overspend"] or not r["exact"]]
    for r in wrong:
        print(
            f"lieu bench ledger: {r['database']} {r['scenario']}: granted {r['granted']} of a cap "
            f"of {r['cap']}, overspend {r['overspend']}",
            file=sys.stderr,
        )
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
