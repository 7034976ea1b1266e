"""`lieu api` and `lieu worker` as the embedded stack runs them (one SQLite file, shared by both
processes), under load: clients request and decide authorizations concurrently, so the API's
audit writes and the worker's projections and ledger postings contend for SQLite's one writer.
Mid-run the worker is killed (SIGKILL) with activities in flight, then the API with mutations in
flight; both are started again and the clients send every unanswered command again with the
same idempotency key. Then every authorization is accounted for: one row each, in the state its
commands lead to, the ledger holding exactly what each authorization reserves, and no answer on
the way was a server error a retry would not have fixed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port
from tests.graphql.graphql_stack import Tokens, seeded_stack
from tests.reliability.faults_stack import (
    DECIDE,
    REQUEST,
    Retrying,
    approve_input,
    cins,
    counted,
    enroll,
    ledger_matches,
    request_input,
    settled,
    until_healthz,
)
from tests.workers import WorkerEnv, kill, spawn_worker, stopped_at_the_end

pytestmark = pytest.mark.temporal

MEMBERS = 16


def _api(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "lieu", "api", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


async def _story(call: Retrying, tokens: Tokens, cin: str, numbers: dict[str, str]) -> str:
    """Request 40 hours of respite, then approve it (each command sent until answered)."""
    made = (await call(tokens.provider, REQUEST, input=request_input(cin)))["requestAuthorization"]
    assert made["__typename"] == "Authorization", made
    numbers[cin] = made["id"]
    decided = await call(tokens.reviewer, DECIDE, input=approve_input(made["id"], cin))
    assert decided["decideReview"]["__typename"] == "Authorization", decided
    return str(made["id"])


async def _requested(numbers: dict[str, str], count: int, seconds: float = 60.0) -> None:
    """Wait until `count` requests have been answered."""
    deadline = asyncio.get_running_loop().time() + seconds
    while len(numbers) < count:
        assert asyncio.get_running_loop().time() < deadline, f"fewer than {count} requests"
        await asyncio.sleep(0.05)


@pytest.mark.long
async def test_killed_worker_and_api_on_sqlite_under_load_lose_and_repeat_nothing(
    settings: Settings, sqlite_url: str, temporal_dev_server: DevServer, tmp_path: Path
) -> None:
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    ready = settings.with_(temporal_address=temporal_dev_server.address, task_queue=queue)
    port = free_port()
    env = {
        **os.environ,
        "LIEU_DATABASE_URL": sqlite_url,
        "LIEU_TEMPORAL_ADDRESS": temporal_dev_server.address,
        "LIEU_TASK_QUEUE": queue,
        "LIEU_DATA_DIR": str(ready.data_dir),
        "LIEU_LOG_LEVEL": "warning",
    }
    worker_env = WorkerEnv(sqlite_url, temporal_dev_server.address, queue)
    async for stack in seeded_stack(ready):
        members = cins(95000000, MEMBERS)
        await enroll(stack.engine, members)
        base = f"http://127.0.0.1:{port}"
        call = Retrying(base, retry_for=75.0)  # a killed worker's activity returns after 30 s
        numbers: dict[str, str] = {}
        worker = spawn_worker(worker_env)
        api = _api(env, port, tmp_path / "api.log")
        try:
            await until_healthz(call.http, base, 200, 60)
            running = [
                asyncio.create_task(_story(call, stack.tokens, cin, numbers)) for cin in members
            ]
            await _requested(numbers, MEMBERS // 4)
            kill(worker)  # mid-step: activities (assess, reserve, project) are in flight
            worker = spawn_worker(worker_env)
            await _requested(numbers, MEMBERS // 2)
            kill(api)  # mid-mutation: requests and decisions are in flight
            api = _api(env, port, tmp_path / "api.log")
            finished = await asyncio.wait_for(asyncio.gather(*running), 120)
            assert sorted(finished) == sorted(numbers.values())
            assert len(set(finished)) == MEMBERS

            held: dict[str, Decimal] = {}
            for cin, number in numbers.items():
                found = await settled(call, stack.tokens.reviewer, number, "AWAITING_PROVIDER")
                held[cin] = Decimal(found["quantityReserved"])
                again = await call(stack.tokens.provider, REQUEST, input=request_input(cin))
                assert again["requestAuthorization"]["id"] == number  # the same, not a new one
            await ledger_matches(call, stack.tokens.reviewer, held, {})
            assert call.tally.server_errors == [], call.tally.server_errors
            assert call.tally.retried["connection"] > 0  # the clients did meet the dead API
            print(
                f"killed worker and API on SQLite: {MEMBERS} authorizations, "
                f"{call.tally.sent} sent, {call.tally.answered} answered, "
                f"retried {dict(call.tally.retried)}"
            )
        finally:
            await call.close()
            with stopped_at_the_end(api, 20), stopped_at_the_end(worker, 20):
                pass
        engine = create_engine(sqlite_url)
        try:
            rows, _ = await counted(engine)
        finally:
            await engine.dispose()
        assert rows == MEMBERS
