"""The database becomes unreachable for a while (a TCP proxy between lieu and PostgreSQL is cut;
the shared server itself is never stopped): `/healthz` answers 503 naming the database, GraphQL
answers a retryable error (HTTP 503, `Retry-After`, code UNAVAILABLE: never a bare 500 or
"Unexpected error"), and once the proxy lets connections through again everything recovers:
the commands clients sent again with the same idempotency keys are done once, every workflow
completes and the ledger holds exactly what the authorizations say."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
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
from tests.reliability.tcp_proxy import tcp_proxy
from tests.serving import serve
from tests.workers import WorkerEnv, spawn_worker, stopped_at_the_end

pytestmark = [pytest.mark.temporal, pytest.mark.postgres]

OUTAGE_SECONDS = 6.0
ELIGIBILITY = """query($cin: String!) { eligibility(cin: $cin, support: "respite",
  birthDate: "1945-03-08") { __typename ... on Eligibility { outcome } } }"""


@pytest.mark.long
async def test_an_unreachable_database_gives_503s_that_say_retry_and_loses_nothing(
    settings: Settings, postgres_url: str, temporal_dev_server: DevServer, tmp_path: Path
) -> None:
    direct = settings.with_(
        database_url=postgres_url,
        temporal_address=temporal_dev_server.address,
        task_queue=f"outage-{uuid.uuid4().hex[:8]}",
    )
    url = make_url(postgres_url)
    async for stack in seeded_stack(direct):
        tokens = stack.tokens
        before, during = cins(94000000, 3), cins(94000100, 3)
        await enroll(stack.engine, before + during)
        async with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
            proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
            through = direct.with_(database_url=proxied)
            worker_env = WorkerEnv(proxied, direct.temporal_address, direct.task_queue)
            with stopped_at_the_end(spawn_worker(worker_env), 20):
                async with serve(through) as base:
                    call = Retrying(base, retry_for=45.0)
                    try:
                        await until_healthz(call.http, base, 200, 30)
                        numbers: dict[str, str] = {}
                        for cin in before:
                            made = await call(tokens.provider, REQUEST, input=request_input(cin))
                            numbers[cin] = made["requestAuthorization"]["id"]

                        proxy.cut()  # the database is gone: connections reset, new ones refused
                        went = await until_healthz(call.http, base, 503, 10)
                        _status, body = await healthz(call.http, base)
                        assert body["failing"] == ["database"], body

                        # while it is gone: every call is told to come back, not a bare 500
                        for query, variables, token in [
                            (ELIGIBILITY, {"cin": during[0]}, tokens.provider),
                            (REQUEST, {"input": request_input(during[0])}, tokens.provider),
                            (
                                DECIDE,
                                {"input": approve_input(numbers[before[0]], before[0])},
                                tokens.reviewer,
                            ),
                        ]:
                            answer = await call.http.post(
                                f"{base}/graphql",
                                json={"query": query, "variables": variables},
                                headers={"Authorization": f"Bearer {token}"},
                            )
                            _says_retry(answer)
                        admin = await call.http.get(f"{base}/admin/login")
                        assert admin.status_code in (200, 503), admin.status_code

                        # clients keep sending (same keys) through the outage and after it
                        sending = [
                            asyncio.create_task(
                                call(tokens.provider, REQUEST, input=request_input(cin))
                            )
                            for cin in during
                        ] + [
                            asyncio.create_task(
                                call(tokens.reviewer, DECIDE, input=approve_input(number, cin))
                            )
                            for cin, number in numbers.items()
                        ]
                        await asyncio.sleep(OUTAGE_SECONDS)
                        proxy.mend()
                        back = await until_healthz(call.http, base, 200, 30)
                        answers = await asyncio.wait_for(asyncio.gather(*sending), 60)
                        for cin, answer in zip(during, answers, strict=False):
                            numbers[cin] = answer["requestAuthorization"]["id"]
                        for answer in answers[len(during) :]:
                            assert answer["decideReview"]["__typename"] == "Authorization"
                        # the same requests again: the same authorizations, none new
                        for cin in during:
                            again = await call(tokens.provider, REQUEST, input=request_input(cin))
                            assert again["requestAuthorization"]["id"] == numbers[cin]

                        held: dict[str, Decimal] = {}
                        for cin, number in numbers.items():
                            status_ = "AWAITING_PROVIDER" if cin in before else "PENDING_REVIEW"
                            found = await settled(call, tokens.reviewer, number, status_)
                            held[cin] = Decimal(found["quantityReserved"])
                        await ledger_matches(call, tokens.reviewer, held, {})
                        assert call.tally.server_errors == [], call.tally.server_errors
                        assert proxy.refused > 0  # the outage was real: connections were refused
                        print(
                            f"database outage: 503 after {went:.1f}s, back {back:.1f}s after "
                            f"mending; {call.tally.sent} sent, {call.tally.answered} answered, "
                            f"retried {dict(call.tally.retried)}"
                        )
                    finally:
                        await call.close()
        rows, _entries = await counted(stack.engine)
        assert rows == len(before) + len(during)  # one row per authorization, none twice


def _says_retry(answer: httpx.Response) -> None:
    """A 503 with Retry-After and an UNAVAILABLE error that says to send it again."""
    assert answer.status_code == 503, (answer.status_code, answer.text[:300])
    assert int(answer.headers["retry-after"]) > 0
    errors = answer.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} <= RETRYABLE_CODES, errors
    assert "send the same request again" in errors[0]["message"], errors
    assert "Traceback" not in answer.text and "asyncpg" not in answer.text
