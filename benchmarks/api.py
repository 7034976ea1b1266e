"""`lieu bench api`: the GraphQL API under 32 concurrent clients, against a bare endpoint.

Two provider queries over HTTP against the running app (uvicorn in a subprocess, a real database):

- **eligibility**: `eligibility(cin, support: "respite")` for a member the provider serves;
- **status**: `authorization(id) { status … }` for one of the provider's authorizations.

The same work is then asked of a **bare** Starlette JSON endpoint (also uvicorn, one process):
authenticate the bearer token, the same scoped service call, and the same audit-log insert, with
no GraphQL in between. Both servers run one process on the same database, one after the other;
the load generator (httpx, `--clients` concurrent clients) runs in this process. Reported:
throughput, p50 and p99 latency, and lieu / bare throughput (target ≥ 50%; p99 of the
eligibility check < 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.eligibility_check import check_eligibility
from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.tokens import TokenRejected, authenticate, issue_token
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.authorizations.projection import project
from lieu.platform.authorizations.records import AuthorizationState, DefinitionRef
from lieu.platform.authorizations.status import Status, Urgency
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows.devserver import free_port

ROOT = Path(__file__).resolve().parent.parent
CIN = "95000001E"
BIRTH = "1945-03-08"
ORG = "bench-cbo"
FACTS: dict[str, Any] = {
    "birth_date": BIRTH,
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


# --- the bare endpoint: same database work, no GraphQL ---------------------------------------


def bare_app() -> Starlette:
    """Starlette JSON endpoints doing what the two GraphQL queries do (uvicorn --factory)."""
    engine = create_engine(os.environ["LIEU_DATABASE_URL"])
    sessions = create_session_factory(engine)
    cache = PinnedDefinitions()

    async def caller(request: Request) -> Principal | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        async with sessions() as session:
            try:
                return await authenticate(session=session, secret=token)
            except TokenRejected:
                return None

    async def audited(principal: Principal, request: Request, action: str, target: str) -> None:
        client = request.client
        origin = Origin(client.host if client else "", request.headers.get("user-agent", ""))
        async with sessions.begin() as session:
            record(session, [AuditRecord(principal, action, target, "ok", origin)])

    async def eligibility(request: Request) -> JSONResponse:
        principal = await caller(request)
        if principal is None:
            return JSONResponse({"error": "unauthenticated"}, status_code=401)
        async with sessions() as session:
            check = await check_eligibility(
                session=session,
                cache=cache,
                principal=principal,
                cin=request.query_params["cin"],
                support="respite",
                on=datetime.now(UTC).date(),
            )
        await audited(principal, request, "eligibility", f"member:{principal.plan}/{check.cin}")
        return JSONResponse(
            {
                "outcome": check.answer.answer.value,
                "offered": check.answer.offered,
                "reasons": [{"text": r.text} for r in check.answer.assessment.reasons],
            }
        )

    async def status(request: Request) -> JSONResponse:
        principal = await caller(request)
        if principal is None:
            return JSONResponse({"error": "unauthenticated"}, status_code=401)
        number = request.path_params["number"]
        async with sessions() as session:
            row = await find_authorization(
                session=session, principal=principal, authorization_id=number
            )
        await audited(principal, request, "authorization", f"authorization:{number}")
        if row is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(
            {
                "id": row.id,
                "status": row.status,
                "quantityReserved": str(row.quantity_reserved),
                "quantityUsed": str(row.quantity_used),
                "reviewDeadline": row.review_deadline.isoformat() if row.review_deadline else None,
            }
        )

    return Starlette(
        routes=[
            Route("/eligibility", eligibility),
            Route("/authorizations/{number}", status),
        ]
    )


# --- setup and load ---------------------------------------------------------------------------


async def prepare(settings: Settings) -> tuple[str, str]:
    """Migrate, publish, seed elections, one member, one authorization, one provider token."""
    from lieu.commands.serve import migrate_database
    from lieu.commands.setup import publish_definitions, seed_elections

    await migrate_database(settings)
    await publish_definitions(settings)
    await seed_elections(settings)
    engine = create_engine(settings.database_url)
    number = f"A-{uuid.uuid4().hex[:16].upper()}"
    now = datetime.now(UTC)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            await upsert_member(session=session, plan="demo-plan", cin=CIN, facts=FACTS)
            issued = await issue_token(
                session=session, role=Role.PROVIDER, plan="demo-plan", provider=ORG, actor="bench"
            )
            await project(session=session, state=_state(number, now), seq=0)
    finally:
        await engine.dispose()
    return issued.secret, number


def _state(number: str, now: datetime) -> AuthorizationState:
    return AuthorizationState(
        authorization_id=number,
        status=Status.PENDING_REVIEW,
        plan="demo-plan",
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


@dataclass(frozen=True)
class Measured:
    """One scenario's result."""

    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    failures: int


async def load(
    call: Callable[[httpx.AsyncClient], Awaitable[bool]], clients: int, seconds: float
) -> Measured:
    """`clients` concurrent loops calling `call` for `seconds` (after a short warm-up)."""
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        for _ in range(20):
            await call(http)
        stop = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal failures
            while time.perf_counter() < stop:
                started = time.perf_counter()
                ok = await call(http)
                latencies.append(time.perf_counter() - started)
                failures += not ok

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return Measured(
        requests=len(ordered),
        per_second=len(ordered) / elapsed,
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        failures=failures,
    )


def serve(target: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """uvicorn --factory `target` on `port`, one process, waiting until it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", target, "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/nothing", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{target} did not start on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(15)


async def measure(args: argparse.Namespace, workdir: Path) -> dict[tuple[str, str], Measured]:
    database = args.database or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    env = {
        **os.environ,
        "LIEU_DATABASE_URL": database,
        "LIEU_DATA_DIR": str(workdir),
        "LIEU_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PYTHONPATH": str(ROOT),
    }
    settings = Settings.from_env(env)
    token, number = await prepare(settings)
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "lieu-bench"}
    results: dict[tuple[str, str], Measured] = {}

    port = free_port()
    graphql = f"http://127.0.0.1:{port}/graphql"

    async def gql(http: httpx.AsyncClient, query: str) -> bool:
        answer = await http.post(graphql, json={"query": query}, headers=headers)
        return answer.status_code == 200 and "errors" not in answer.json()

    process = serve("lieu.app:create_app", env, port)
    try:
        results["eligibility", "lieu GraphQL"] = await load(
            lambda h: gql(h, ELIGIBILITY), args.clients, args.seconds
        )
        results["status", "lieu GraphQL"] = await load(
            lambda h: gql(h, STATUS % number), args.clients, args.seconds
        )
    finally:
        stop(process)

    port = free_port()
    base = f"http://127.0.0.1:{port}"

    async def bare(http: httpx.AsyncClient, path: str) -> bool:
        return (await http.get(base + path, headers=headers)).status_code == 200

    process = serve("benchmarks.api:bare_app", env, port)
    try:
        results["eligibility", "bare Starlette"] = await load(
            lambda h: bare(h, f"/eligibility?cin={CIN}"), args.clients, args.seconds
        )
        results["status", "bare Starlette"] = await load(
            lambda h: bare(h, f"/authorizations/{number}"), args.clients, args.seconds
        )
    finally:
        stop(process)
    return results


def run(argv: list[str]) -> str:
    """Run the benchmark and return its markdown table."""
    parser = argparse.ArgumentParser(prog="lieu bench api")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario and server")
    parser.add_argument("--database", default="", help="a LIEU_DATABASE_URL (default: SQLite)")
    parser.add_argument("--quick", action="store_true", help="a short run, for tests")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.seconds = 4, 1.0
    with tempfile.TemporaryDirectory(prefix="lieu-bench-api-") as workdir:
        results = asyncio.run(measure(args, Path(workdir)))
    backend = "PostgreSQL" if args.database.startswith("postgresql") else "SQLite"
    lines = [
        f"GraphQL API vs a bare Starlette endpoint doing the same database work (token lookup, "
        f"scoped query, audit insert): {args.clients} concurrent clients, {args.seconds:g} s per "
        f"scenario, one uvicorn process each, {backend}, {date.today().isoformat()}.",
        "",
        "| query | server | requests | per second | p50 ms | p99 ms | failures | vs bare |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for query in ("eligibility", "status"):
        floor = results[query, "bare Starlette"].per_second
        for server in ("lieu GraphQL", "bare Starlette"):
            m = results[query, server]
            lines.append(
                f"| {query} | {server} | {m.requests} | {m.per_second:.0f} | {m.p50_ms:.1f} | "
                f"{m.p99_ms:.1f} | {m.failures} | {m.per_second / floor:.0%} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(sys.argv[1:]))
