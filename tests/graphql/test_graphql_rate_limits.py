"""Each token has its own bucket of requests, each client address without a token its own, and
each caller a stricter one for expensive operations; an empty bucket is answered HTTP 429 with
`Retry-After` and a GraphQL error that says which limit and when to try again, and one caller
flooding the API does not starve another."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from lieu.graphql.rate_limits import MAX_CALLERS, Allowance, Buckets, RateLimits, TokenBucket
from lieu.platform.access.roles import Principal, Role
from lieu.settings import Settings, SettingsError
from tests.graphql.conftest import in_process
from tests.graphql.graphql_stack import PLAN, project_authorization
from tests.graphql.test_graphql_plan_team import CREATE, plan_respite

SERVICE = "{ service { name } }"
SIMULATE = (
    '{ simulateDraft(support: "respite", version: 1, on: "2026-03-02") '
    "{ __typename ... on DraftSimulation { members } } }"
)
STATUS = '{ authorization(id: "%s") { __typename ... on Authorization { status } } }'


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refills_at_its_rate_up_to_its_capacity() -> None:
    bucket = TokenBucket(capacity=2, rate=0.5, now=0.0)
    assert bucket.take(1, 0.0) == 0 and bucket.take(1, 0.0) == 0
    assert bucket.take(1, 0.0) == pytest.approx(2.0)  # one unit every 2 s
    assert bucket.take(1, 1.0) == pytest.approx(1.0)
    assert bucket.take(1, 2.0) == 0
    assert bucket.take(1, 100.0) == 0 and bucket.take(1, 100.0) == 0  # capped at 2
    assert bucket.take(1, 100.0) > 0
    assert math.isinf(bucket.take(3, 200.0))  # more than it ever holds


def test_callers_have_separate_buckets_and_idle_ones_are_forgotten_first() -> None:
    clock = Clock()
    buckets = Buckets(Allowance(per_minute=1), clock)
    assert buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(60.0)
    assert buckets.take("b") == 0
    for n in range(MAX_CALLERS + 5):
        buckets.take(f"caller-{n}")
    assert len(buckets) == MAX_CALLERS
    assert Buckets(Allowance(per_minute=0), clock).take("a", 10**6) == 0  # 0: no limit


def test_a_refusal_names_the_limit_and_when_to_try_again() -> None:
    clock = Clock()
    limits = RateLimits(
        per_token=Allowance(2), per_address=Allowance(1), expensive=Allowance(1), clock=clock
    )
    caller = Principal(token_id="t1", role=Role.PLAN_ADMIN, plan=PLAN)
    assert limits.admit(caller, "198.51.100.1") is None
    assert limits.admit(caller, "198.51.100.1") is None
    refused = limits.admit(caller, "198.51.100.1")
    assert refused is not None and refused.code == "RATE_LIMITED" and refused.retry_after == 30
    assert refused.message == (
        "too many requests for this token: at most 2 a minute (LIEU_RATE_LIMIT_PER_MINUTE); "
        "try again in 30 s"
    )
    anonymous = limits.admit(None, "198.51.100.1")
    assert anonymous is None  # the address's own bucket, not the token's
    again = limits.admit(None, "198.51.100.1")
    assert again is not None and "send your token as `Authorization: Bearer <token>`" in (
        again.message
    )
    assert limits.admit_expensive(caller, "", {"simulateDraft": 1}) is None
    expensive = limits.admit_expensive(caller, "", {"simulateDraft": 1})
    assert expensive is not None and expensive.code == "EXPENSIVE_RATE_LIMITED"
    assert "simulateDraft ×1" in expensive.message and expensive.retry_after == 60
    clock.now += 60
    assert limits.admit_expensive(caller, "", {"simulateDraft": 1}) is None


def test_the_limits_are_settings_with_defaults_and_clear_errors() -> None:
    base = {"LIEU_DATA_DIR": "/tmp/lieu-rate"}
    defaults = Settings.from_env(base)
    assert (
        defaults.rate_limit_per_minute,
        defaults.rate_limit_anonymous_per_minute,
        defaults.rate_limit_expensive_per_minute,
        defaults.graphql_max_cost,
    ) == (600, 120, 6, 1000)
    off = Settings.from_env({**base, "LIEU_RATE_LIMIT_PER_MINUTE": "0"})
    assert off.rate_limit_per_minute == 0
    with pytest.raises(SettingsError, match="LIEU_RATE_LIMIT_EXPENSIVE_PER_MINUTE='-1'"):
        Settings.from_env({**base, "LIEU_RATE_LIMIT_EXPENSIVE_PER_MINUTE": "-1"})
    with pytest.raises(SettingsError, match="LIEU_GRAPHQL_MAX_COST='0'"):
        Settings.from_env({**base, "LIEU_GRAPHQL_MAX_COST": "0"})


async def post(api: Any, token: str | None, query: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await api.http.post("/graphql", json={"query": query}, headers=headers)


@pytest.mark.temporal
async def test_a_token_past_its_limit_gets_429_and_retry_after_and_others_go_on(
    seeded: Any,
) -> None:
    settings = seeded.settings.with_(rate_limit_per_minute=3, rate_limit_anonymous_per_minute=2)
    async with in_process(settings) as api:
        tokens = seeded.tokens
        for _ in range(3):
            assert (await post(api, tokens.provider, SERVICE)).status_code == 200
        refused = await post(api, tokens.provider, SERVICE)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "20"
        error = refused.json()["errors"][0]
        assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 20}
        assert error["message"].startswith("too many requests for this token: at most 3 a minute")
        # Another token, and requests without one (their own bucket), are not held back.
        assert (await post(api, tokens.other_provider, SERVICE)).status_code == 200
        assert (await post(api, None, SERVICE)).status_code == 200
        assert (await post(api, None, SERVICE)).status_code == 200
        anonymous = await post(api, None, SERVICE)
        assert anonymous.status_code == 429
        assert "without a token from this address" in anonymous.json()["errors"][0]["message"]
        assert (await post(api, tokens.other_provider, SERVICE)).status_code == 200
        metrics = (await api.http.get("/metrics")).text
        assert 'lieu_http_requests_total{method="POST",route="/graphql",status="429"} 2.0' in (
            metrics
        )


@pytest.mark.temporal
async def test_expensive_operations_have_a_stricter_bucket(seeded: Any) -> None:
    settings = seeded.settings.with_(rate_limit_expensive_per_minute=2)
    async with in_process(settings) as api:
        token = seeded.tokens.plan_admin
        await api.call(token, CREATE, {"d": plan_respite()})
        for _ in range(2):
            answered = await post(api, token, SIMULATE)
            assert answered.json()["data"]["simulateDraft"]["members"] == 2
        refused = await post(api, token, SIMULATE)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "30"
        body = refused.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {
            "code": "EXPENSIVE_RATE_LIMITED",
            "retryAfter": 30,
        }
        assert "LIEU_RATE_LIMIT_EXPENSIVE_PER_MINUTE" in body["errors"][0]["message"]
        # Cheap requests from the same token still go through.
        assert (await post(api, token, SERVICE)).status_code == 200


@pytest.mark.temporal
async def test_two_hundred_parallel_simulations_do_not_starve_another_providers_status(
    seeded: Any,
) -> None:
    number = await project_authorization(seeded.engine, provider=seeded.tokens.other_provider_org)
    async with in_process(seeded.settings) as api:  # the default limits
        token = seeded.tokens.plan_admin
        await api.call(token, CREATE, {"d": plan_respite()})
        flood = [asyncio.create_task(post(api, token, SIMULATE)) for _ in range(200)]
        await asyncio.sleep(0)  # the flood is in flight
        status = await post(api, seeded.tokens.other_provider, STATUS % number)
        answers = await asyncio.gather(*flood)
    assert status.status_code == 200
    assert status.json()["data"]["authorization"]["status"] == "PENDING_REVIEW"
    codes = [answer.status_code for answer in answers]
    ran = [a for a in answers if a.status_code == 200]
    assert len(ran) == seeded.settings.rate_limit_expensive_per_minute, codes
    assert codes.count(429) == 200 - len(ran)
    assert all(a.json()["data"]["simulateDraft"]["members"] == 2 for a in ran)
    assert all(int(a.headers["retry-after"]) >= 1 for a in answers if a.status_code == 429)


@pytest.mark.temporal
async def test_over_a_websocket_each_operation_draws_on_the_tokens_bucket(seeded: Any) -> None:
    from gql import Client, GraphQLRequest
    from gql.transport.exceptions import TransportQueryError
    from gql.transport.websockets import WebsocketsTransport

    from tests.serving import serve

    number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
    follow = GraphQLRequest(
        "subscription($id: ID!) { authorizationStatus(id: $id) { __typename } }",
        variable_values={"id": number},
    )
    async with serve(seeded.settings.with_(rate_limit_per_minute=2)) as base:
        transport = WebsocketsTransport(
            url=base.replace("http", "ws") + "/graphql",
            init_payload={"Authorization": f"Bearer {seeded.tokens.provider}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            for _ in range(2):
                answer = await session.execute(GraphQLRequest(SERVICE))
                assert answer == {"service": {"name": "lieu"}}
            with pytest.raises(TransportQueryError) as refused:
                await session.execute(GraphQLRequest(SERVICE))
            assert refused.value.errors is not None
            assert refused.value.errors[0]["extensions"]["code"] == "RATE_LIMITED"
            with pytest.raises(TransportQueryError) as subscription:
                async for _event in session.subscribe(follow):
                    break
            assert subscription.value.errors is not None
            assert "too many requests for this token" in subscription.value.errors[0]["message"]
