"""The Temporal server restarts mid-run (a dev server persisted to a file, stopped and started
again on the same port) while clients request and decide authorizations through `lieu api`:
while it is down `/healthz` answers 503 naming Temporal and a decision answers a retryable
error (HTTP 503, `Retry-After`, code UNAVAILABLE; not "Unexpected error"); once it is back the
clients' commands, sent again with the same keys, are each done once and every workflow
completes with the ledger exact."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port
from tests.graphql.graphql_stack import seeded_stack
from tests.reliability.faults_stack import (
    DECIDE,
    REQUEST,
    RETRYABLE_CODES,
    Retrying,
    approve_input,
    cins,
    counted,
    enroll,
    healthz,
    ledger_matches,
    request_input,
    settled,
    until_healthz,
)
from tests.serving import serve
from tests.workers import WorkerEnv, spawn_worker, stopped_at_the_end

pytestmark = pytest.mark.temporal

MEMBERS = 6
DOWN_SECONDS = 3.0


@pytest.mark.long
async def test_a_temporal_restart_mid_run_answers_retry_and_loses_nothing(
    settings: Settings, sqlite_url: str, tmp_path: Path
) -> None:
    server = DevServer(
        port=free_port(),
        ui_port=None,
        db_file=tmp_path / "temporal.db",
        log_file=tmp_path / "temporal.log",
    ).start()
    queue = f"restart-{uuid.uuid4().hex[:8]}"
    ready = settings.with_(temporal_address=server.address, task_queue=queue)
    try:
        async for stack in seeded_stack(ready):
            tokens = stack.tokens
            first, second = cins(96000000, MEMBERS // 2), cins(96000100, MEMBERS // 2)
            await enroll(stack.engine, first + second)
            worker_env = WorkerEnv(sqlite_url, server.address, queue)
            with stopped_at_the_end(spawn_worker(worker_env), 20):
                async with serve(ready) as base:
                    call = Retrying(base, retry_for=60.0)
                    try:
                        await until_healthz(call.http, base, 200, 30)
                        numbers: dict[str, str] = {}
                        for cin in first:
                            made = await call(tokens.provider, REQUEST, input=request_input(cin))
                            numbers[cin] = made["requestAuthorization"]["id"]

                        await asyncio.to_thread(server.stop)  # mid-run: three wait for review
                        await until_healthz(call.http, base, 503, 15)
                        _status, body = await healthz(call.http, base)
                        assert body["failing"] == ["temporal"], body
                        cin = first[0]
                        answer = await call.http.post(
                            f"{base}/graphql",
                            json={
                                "query": DECIDE,
                                "variables": {"input": approve_input(numbers[cin], cin)},
                            },
                            headers={"Authorization": f"Bearer {tokens.reviewer}"},
                        )
                        assert answer.status_code == 503, answer.text[:300]
                        assert int(answer.headers["retry-after"]) > 0
                        errors = answer.json()["errors"]
                        assert {e["extensions"]["code"] for e in errors} <= RETRYABLE_CODES
                        assert "Temporal" in errors[0]["message"], errors

                        sending = [
                            asyncio.create_task(
                                call(tokens.reviewer, DECIDE, input=approve_input(number, cin))
                            )
                            for cin, number in numbers.items()
                        ] + [
                            asyncio.create_task(
                                call(tokens.provider, REQUEST, input=request_input(cin))
                            )
                            for cin in second
                        ]
                        await asyncio.sleep(DOWN_SECONDS)
                        await asyncio.to_thread(server.start)
                        await until_healthz(call.http, base, 200, 60)
                        answers = await asyncio.wait_for(asyncio.gather(*sending), 90)
                        for cin, made in zip(second, answers[len(first) :], strict=True):
                            numbers[cin] = made["requestAuthorization"]["id"]

                        held: dict[str, Decimal] = {}
                        for cin, number in numbers.items():
                            status = "AWAITING_PROVIDER" if cin in first else "PENDING_REVIEW"
                            found = await settled(call, tokens.reviewer, number, status)
                            held[cin] = Decimal(found["quantityReserved"])
                        await ledger_matches(call, tokens.reviewer, held, {})
                        assert call.tally.server_errors == [], call.tally.server_errors
                        print(
                            f"Temporal restart: {call.tally.sent} sent, {call.tally.answered} "
                            f"answered, retried {dict(call.tally.retried)}"
                        )
                    finally:
                        await call.close()
            rows, _ = await counted(stack.engine)
            assert rows == MEMBERS
    finally:
        server.stop()
