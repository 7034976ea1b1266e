"""`lieu bench api`: server CPU per request of lieu's GraphQL API against a minimal endpoint.

Two provider reads, each asked of two servers over HTTP on loopback:

- **eligibility**: the GraphQL query `eligibility(cin, support: "respite")`, against the minimal
  endpoint's `POST /eligibility` (token lookup, the member by plan and CIN, an audit INSERT,
  commit: `benchmarks/api_minimal.py`, plain Starlette and SQLAlchemy Core);
- **status**: `authorization(id) { status … }`, against `POST /status` (the same, with the
  authorization row by id).

Both servers run under uvicorn as they ship (`lieu api --workers N`; `uvicorn --factory` for the
minimal one), pinned with `taskset` to the server cores (default: core 0); the load generator is
wrk (a Lua script written at run time POSTs the body and checks every answer), pinned to the
other cores, and this process moves itself there too, so no Python runs on the server's cores
but the server. Each run counts the server processes' CPU (utime + stime in /proc/<pid>/stat,
the uvicorn workers included) and divides by the requests wrk completed. Runs interleave lieu
and minimal (A/B/A/B) for `--reps` rounds after a warm-up of each; the figures are medians.
Then the same at one connection (`wrk -c1 -t1 --latency`) for the single-client p99.
SQLite (a file in a temporary folder) and PostgreSQL (a database of its own, created and
dropped). Targets: lieu's CPU per request at most 3× the minimal one; single-client p99 < 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.rounds import interleaved, median, ratio, read_results, results_path, write_results
from lieu.commands.errors import CommandError
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.authorizations.projection import project
from lieu.platform.authorizations.records import AuthorizationState, DefinitionRef
from lieu.platform.authorizations.status import Status, Urgency
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows.devserver import free_port

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
CIN = "95000001E"
ORG = "bench-cbo"
PLAN = "demo-plan"
FACTS: dict[str, Any] = {
    "birth_date": "1945-03-08",
    "county": "Sacramento",
    "caregiver": {"has_caregiver": True, "dependent_on_caregiver": True},
    "function": {"adl_limitations": 4, "functional_deficits": True},
    "conditions": ["dementia"],
}
ELIGIBILITY = (
    f'{{ eligibility(cin: "{CIN}", support: "respite") {{ ... on Eligibility {{ outcome '
    "offered reasons { text } } ... on Error { message } } }"
)
STATUS = (
    '{ authorization(id: "%s") { ... on Authorization { id status quantityReserved '
    "quantityUsed reviewDeadline } ... on Error { message } } }"
)
SERVERS = ("lieu", "minimal")
CPU_TARGET = 3.0  # lieu's CPU per request, at most this many times the minimal endpoint's
P99_TARGET_MS = 10.0  # single client
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(CommandError):
    """The benchmark cannot run here; the message says why and what to do (`lieu bench api`
    prints it as one line and exits 1)."""


@dataclass(frozen=True, slots=True)
class Request:
    """What wrk sends to one server for one query, and what a good answer contains."""

    path: str
    body: str
    expect: str  # a good answer's body contains this …
    refuse: str  # … and not this


@dataclass(frozen=True, slots=True)
class Run:
    """One wrk run against one server."""

    database: str
    query: str
    server: str
    connections: int
    rep: int
    requests: int
    seconds: float
    per_second: float
    cpu_us_per_request: float
    p50_ms: float
    p99_ms: float
    failures: int


# --- the database each server reads ------------------------------------------------------------


async def prepare(settings: Settings) -> tuple[str, str]:
    """Migrate, publish, seed elections, one member, one authorization, one provider token."""
    from lieu.commands.serve import migrate_database
    from lieu.commands.setup import publish_definitions, seed_elections

    await migrate_database(settings)
    await publish_definitions(settings)
    await seed_elections(settings)
    engine = create_engine(settings.database_url)
    number = f"A-{uuid.uuid4().hex[:16].upper()}"
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            await upsert_member(session=session, plan=PLAN, cin=CIN, facts=FACTS)
            issued = await issue_token(
                session=session, role=Role.PROVIDER, plan=PLAN, provider=ORG, actor="bench"
            )
            await project(session=session, state=_state(number, datetime.now(UTC)), seq=0)
    finally:
        await engine.dispose()
    return issued.secret, number


def _state(number: str, now: datetime) -> AuthorizationState:
    return AuthorizationState(
        authorization_id=number,
        status=Status.PENDING_REVIEW,
        plan=PLAN,
        support="respite",
        definition=DefinitionRef("dhcs", "respite", 1, "0" * 64),
        member_cin=CIN,
        provider=ORG,
        county="sacramento",
        urgency=Urgency.STANDARD,
        measure="hours",
        quantity_requested=Decimal(40),
        quantity_approved=None,
        quantity_reserved=Decimal(40),
        quantity_used=Decimal(0),
        service_start=now.date(),
        service_end=now.date() + timedelta(days=364),
        presumptive_until=None,
        review_deadline=now + timedelta(days=5),
        escalated=False,
        extension_used=False,
        loop_status="sent",
        loop_reason=None,
        renewals_used=0,
        requested_by="bench",
        received_at=now,
        timeline=[],
    )


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh database URL of `kind` (sqlite or postgres), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    name = f"lieu_bench_api_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        try:
            connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=5)
        except (OSError, asyncpg.PostgresError) as failure:
            raise BenchError(
                f"PostgreSQL is not reachable at {POSTGRES_ADMIN} ({failure}); start it, or "
                "run with --databases sqlite"
            ) from None
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- servers, their CPU, and wrk ---------------------------------------------------------------


class Server:
    """A server process tree pinned to `cores`, started in its own session."""

    def __init__(
        self, command: list[str], env: dict[str, str], port: int, cores: str, log: Path
    ) -> None:
        self.port = port
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                ["taskset", "-c", cores, *command],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the server on port {self.port} exited ({self.process.returncode})"
                )
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/nothing", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers (404)
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise BenchError(
            f"the server on port {self.port} did not answer within 60 s: {self.log_tail()}"
        )

    def log_tail(self) -> str:
        """The last lines the server printed, on one line."""
        lines = self.log.read_text("utf-8", errors="replace").strip().splitlines()
        return " / ".join(lines[-5:]) or "(nothing printed)"

    def pids(self) -> list[int]:
        """The server process and its descendants (uvicorn's workers)."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(stat.parent.name))
        found, stack = [], [self.process.pid]
        while stack:
            pid = stack.pop()
            found.append(pid)
            stack.extend(children.get(pid, []))
        return found

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    """utime + stime of each process, in clock ticks."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
    return ticks


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = [==[Bearer {token}]==]
wrk.headers["User-Agent"] = "lieu-bench"
local expect, refuse = [==[{expect}]==], [==[{refuse}]==]
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) failures = 0 end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, expect, 1, true)
     or string.find(body, refuse, 1, true) then
    failures = failures + 1
  end
end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  local e = summary.errors
  io.write(string.format(
    'LIEU_BENCH {{"requests": %d, "duration_us": %d, "socket_errors": %d, "failures": %d, ' ..
    '"p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    failed, latency:percentile(50), latency:percentile(99)))
end
"""


def write_script(folder: Path, name: str, request: Request, token: str) -> Path:
    """The wrk Lua script that POSTs `request` and counts answers that are not good."""
    path = folder / f"{name}.lua"
    path.write_text(
        WRK_SCRIPT.format(
            body=request.body, token=token, expect=request.expect, refuse=request.refuse
        ),
        "utf-8",
    )
    return path


def wrk(url: str, script: Path, connections: int, seconds: int, cores: str) -> dict[str, Any]:
    """One wrk run (one thread per connection up to the load cores), its summary."""
    threads = max(1, min(connections, len(cores.split(","))))
    command = ["taskset", "-c", cores, "wrk", f"-t{threads}", f"-c{connections}",
               f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", str(script),
               url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("LIEU_BENCH "):
            summary: dict[str, Any] = json.loads(line.removeprefix("LIEU_BENCH "))
            return summary
    raise BenchError(f"wrk gave no summary (exit {done.returncode}): {done.stderr.strip()}")


def measure(
    server: Server, url: str, script: Path, connections: int, seconds: int, cores: str
) -> tuple[dict[str, Any], float]:
    """A wrk run, and the server's CPU seconds over it (processes alive at both ends)."""
    pids = server.pids()
    before = cpu_ticks(pids)
    summary = wrk(url, script, connections, seconds, cores)
    after = cpu_ticks(pids)
    ticks = sum(after[pid] - before[pid] for pid in after if pid in before)
    return summary, ticks / CLOCK_TICKS


# --- the benchmark -----------------------------------------------------------------------------


def requests_for(number: str) -> dict[str, dict[str, Request]]:
    """query → server → what wrk sends."""
    eligibility = json.dumps({"query": ELIGIBILITY})
    status = json.dumps({"query": STATUS % number})
    return {
        "eligibility": {
            "lieu": Request("/graphql", eligibility, '"outcome"', '"errors"'),
            "minimal": Request("/eligibility", json.dumps({"cin": CIN}), '"facts"', '"error"'),
        },
        "status": {
            "lieu": Request("/graphql", status, '"status"', '"errors"'),
            "minimal": Request("/status", json.dumps({"id": number}), '"status"', '"error"'),
        },
    }


def cores_of(args: argparse.Namespace) -> tuple[str, str]:
    """The server's and the load generator's cores; this process moves to the load cores."""
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise BenchError(
                f"{tool} is not installed; `make system-deps` installs it (Debian package "
                f"{'wrk' if tool == 'wrk' else 'util-linux'})"
            )
    available = sorted(os.sched_getaffinity(0))
    server = args.server_cores or str(available[0])
    load = args.load_cores or ",".join(str(c) for c in available if str(c) not in server.split(","))
    if not load:
        raise BenchError(
            f"only core(s) {server} are available; the load generator needs a core of its own "
            "(give --server-cores and --load-cores on a machine with at least two)"
        )
    os.sched_setaffinity(0, {int(c) for c in load.split(",")})
    return server, load


def run_database(
    kind: str, args: argparse.Namespace, workdir: Path, cores: tuple[str, str]
) -> list[Run]:
    """Every run on one database: warm-up, interleaved load runs, then single-client runs."""
    server_cores, load_cores = cores
    runs: list[Run] = []
    with database(kind, workdir) as url:
        env = {
            **os.environ,
            "LIEU_DATABASE_URL": url,
            "LIEU_DATA_DIR": str(workdir),
            "LIEU_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # never contacted by reads
            "LIEU_LOG_LEVEL": "warning",
            # wrk sends thousands of requests a second with one token: the per-token bucket
            # stays in the path (its cost is measured) but at its largest allowance.
            "LIEU_RATE_LIMIT_PER_MINUTE": "1000000",
            "PYTHONPATH": str(ROOT),
        }
        token, number = asyncio.run(prepare(Settings.from_env(env)))
        asked = requests_for(number)
        scripts = {
            (query, server): write_script(workdir, f"{kind}-{query}-{server}", request, token)
            for query, by_server in asked.items()
            for server, request in by_server.items()
        }
        lieu_port = args.port or free_port()
        minimal_port = args.port + 1 if args.port else free_port()
        workers = str(args.workers)
        servers = {
            "lieu": Server(
                [sys.executable, "-m", "lieu", "api", "--port", str(lieu_port),
                 "--workers", workers], env, lieu_port, server_cores, workdir / "lieu.log",
            ),
            "minimal": Server(
                [sys.executable, "-m", "uvicorn", "--factory",
                 "benchmarks.api_minimal:create_app", "--port", str(minimal_port),
                 "--workers", workers, "--log-level", "warning", "--no-access-log"],
                env, minimal_port, server_cores, workdir / "minimal.log",
            ),
        }  # fmt: skip
        try:

            def url_of(query: str, server: str) -> str:
                return f"http://127.0.0.1:{servers[server].port}{asked[query][server].path}"

            for query in asked:
                for server in SERVERS:  # warm-up: caches filled, code paths imported
                    wrk(url_of(query, server), scripts[query, server], 8, args.warmup, load_cores)
            pairs = [(query, server) for query in asked for server in SERVERS]
            for connections in (args.connections, 1):
                for rep, (query, server) in interleaved(args.reps, pairs):
                    summary, cpu = measure(
                        servers[server], url_of(query, server), scripts[query, server],
                        connections, args.seconds, load_cores,
                    )  # fmt: skip
                    runs.append(_run(kind, query, server, connections, rep, summary, cpu))
                    _progress(runs[-1])
        finally:
            for each in servers.values():
                each.stop()
    return runs


def _run(
    kind: str, query: str, server: str, connections: int, rep: int, summary: dict[str, Any],
    cpu: float,
) -> Run:  # fmt: skip
    requests = int(summary["requests"])
    seconds = summary["duration_us"] / 1e6
    return Run(
        database=kind,
        query=query,
        server=server,
        connections=connections,
        rep=rep,
        requests=requests,
        seconds=round(seconds, 3),
        per_second=round(requests / seconds, 1),
        cpu_us_per_request=round(cpu * 1e6 / max(requests, 1), 1),
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        # a run that completed nothing (a stalled server) is a failure, not a fast run
        failures=int(summary["failures"]) + int(summary["socket_errors"]) + (requests == 0),
    )


def _progress(run: Run) -> None:
    print(
        f"{run.database} {run.query} {run.server} c={run.connections} rep {run.rep}: "
        f"{run.per_second:.0f}/s, {run.cpu_us_per_request:.0f} µs CPU/request, "
        f"p99 {run.p99_ms:.1f} ms, {run.failures} failures",
        file=sys.stderr,
        flush=True,
    )


def summarize(runs: list[Run], connections: int) -> list[dict[str, Any]]:
    """Per database and query: each server's medians, the CPU ratio and single-client p99."""

    def values(database: str, query: str, server: str, clients: int, key: str) -> list[float]:
        return [
            getattr(r, key)
            for r in sorted(runs, key=lambda r: r.rep)
            if (r.database, r.query, r.server, r.connections) == (database, query, server, clients)
        ]

    def median_of(database: str, query: str, server: str, clients: int, key: str) -> float:
        return median(values(database, query, server, clients, key))

    rows = []
    for database, query in dict.fromkeys((r.database, r.query) for r in runs):
        row: dict[str, Any] = {"database": database, "query": query}
        for server in SERVERS:
            row[server] = {
                "per_second": median_of(database, query, server, connections, "per_second"),
                "cpu_us_per_request": median_of(
                    database, query, server, connections, "cpu_us_per_request"
                ),
                "p50_ms": median_of(database, query, server, connections, "p50_ms"),
                "p99_ms": median_of(database, query, server, connections, "p99_ms"),
                "single_client_p99_ms": median_of(database, query, server, 1, "p99_ms"),
                "single_client_cpu_us_per_request": median_of(
                    database, query, server, 1, "cpu_us_per_request"
                ),
                "failures": sum(
                    r.failures
                    for r in runs
                    if (r.database, r.query, r.server) == (database, query, server)
                ),
            }
        cpu = ratio(  # each round's lieu run against the minimal run next to it
            values(database, query, "lieu", connections, "cpu_us_per_request"),
            values(database, query, "minimal", connections, "cpu_us_per_request"),
        )
        row["cpu_ratio"] = cpu.median
        row["cpu_ratio_range"] = [] if math.isnan(cpu.low) else [cpu.low, cpu.high]
        row["cpu_target_met"] = row["cpu_ratio"] <= CPU_TARGET
        row["p99_target_met"] = row["lieu"]["single_client_p99_ms"] < P99_TARGET_MS
        rows.append(row)
    return rows


def table(summary: list[dict[str, Any]], arguments: dict[str, Any], measured_on: str) -> str:
    """The markdown table of the medians (from a run, or from its JSON)."""
    label = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    lines = [
        f"lieu's GraphQL API against a minimal Starlette + SQLAlchemy Core endpoint doing the "
        f"essential work (token lookup, one indexed SELECT, one audit INSERT, commit); wrk, "
        f"{arguments['connections']} connections, then 1; {arguments['seconds']} s per run, "
        f"median of {arguments['reps']}, interleaved; uvicorn --workers {arguments['workers']}; "
        f"{measured_on}.",
        "",
        f"| database | query | server | requests/s | CPU µs/request | p50 ms | p99 ms | "
        f"1-client p99 ms | failures | CPU vs minimal (target ≤ {CPU_TARGET:g}×) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary:
        for server in SERVERS:
            m = row[server]
            if server == "lieu":
                mark = "✓" if row["cpu_target_met"] else "✗"
                spread = row.get("cpu_ratio_range") or []
                within = f" ({spread[0]:.2f}–{spread[1]:.2f})" if len(spread) == 2 else ""
                ratio = f"{row['cpu_ratio']:.2f}×{within} {mark}"
                p99 = f"{m['single_client_p99_ms']:.1f} {'✓' if row['p99_target_met'] else '✗'}"
            else:
                ratio, p99 = "1×", f"{m['single_client_p99_ms']:.1f}"
            lines.append(
                f"| {label[row['database']]} | {row['query']} | {server} | "
                f"{m['per_second']:,.0f} | {m['cpu_us_per_request']:,.0f} | {m['p50_ms']:.1f} | "
                f"{m['p99_ms']:.1f} | {p99} | {m['failures']} | {ratio} |"
            )
    lines += [
        "",
        f"Single-client p99 target: < {P99_TARGET_MS:g} ms (✓ met, ✗ missed); in brackets, the "
        "lowest and highest of the rounds' ratios.",
    ]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lieu bench api", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both)",
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections under load")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per server")
    parser.add_argument("--reps", type=int, default=5, help="interleaved rounds (median; >= 3)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--server-cores", default="", help="taskset list (default: first core)")
    parser.add_argument("--load-cores", default="", help="taskset list for wrk (default: rest)")
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="lieu's port (the minimal endpoint takes the next); default free ones",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="write the results here (default benchmarks/results/api.json; --quick: nowhere)",
    )
    parser.add_argument(
        "--table-from",
        type=Path,
        default=None,
        metavar="JSON",
        help="print the table of an earlier run's --json file, measuring nothing",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: SQLite, 1 s runs, one round, 4 connections",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.quick:
        args.databases, args.connections, args.seconds, args.warmup, args.reps = (
            "sqlite",
            4,
            1,
            1,
            1,
        )
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in ("sqlite", "postgres")]
    if unknown or not kinds:
        parser.error(f"--databases takes sqlite and/or postgres, not {args.databases!r}")
    args.kinds = kinds
    return args


def run(argv: list[str]) -> str:
    """Run the benchmark; return its markdown table (and write --json when asked)."""
    args = parse(argv)
    if args.table_from is not None:
        try:
            earlier = read_results(args.table_from, "api")
            return table(earlier["summary"], earlier["arguments"], earlier["date"])
        except (ValueError, KeyError, TypeError) as unreadable:
            raise BenchError(str(unreadable)) from None
    cores = cores_of(args)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="lieu-bench-api-") as folder:
        for kind in args.kinds:
            workdir = Path(folder) / kind
            workdir.mkdir()
            runs += run_database(kind, args, workdir, cores)
    summary = summarize(runs, args.connections)
    path = results_path("api", args.json, quick=args.quick)
    if path is not None:
        report = {
            "server_cores": cores[0],
            "load_cores": cores[1],
            "arguments": {
                k: v for k, v in vars(args).items() if k not in ("json", "kinds", "table_from")
            },
            "targets": {
                "cpu_ratio_at_most": CPU_TARGET,
                "single_client_p99_ms_under": P99_TARGET_MS,
            },
            "summary": summary,
            "runs": [asdict(r) for r in runs],
        }
        write_results(path, "api", report)
    return table(summary, report_arguments(args), date.today().isoformat())


def report_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The arguments a table names."""
    return {k: getattr(args, k) for k in ("connections", "seconds", "reps", "workers")}


def main(argv: list[str]) -> int:
    """`python benchmarks/api.py …`: print the table; a BenchError is one line and exit 1."""
    try:
        print(run(argv))
    except BenchError as error:
        print(f"lieu bench api: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
