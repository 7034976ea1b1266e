"""Tokens are stored hashed, expire, can be revoked, and carry a role and a scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lieu.platform.access.models import ApiToken
from lieu.platform.access.roles import Role, ScopeError
from lieu.platform.access.tokens import TokenRejected, authenticate, issue_token, revoke_token
from lieu.platform.db.engine import create_session_factory
from lieu.settings import DEFAULT_CACHE_SECONDS
from tests.graphql.conftest import in_process
from tests.graphql.graphql_stack import Api

pytestmark = pytest.mark.temporal
ME = '{ me { role plan provider } eligibility(cin: "x", support: "respite") { __typename } }'


async def test_only_the_hash_of_a_token_is_stored(seeded_any: Any) -> None:
    async with create_session_factory(seeded_any.engine).begin() as session:
        issued = await issue_token(
            session=session, role=Role.REVIEWER, plan="demo-plan", actor="test"
        )
        stored = await session.scalar(select(ApiToken).where(ApiToken.id == issued.token.id))
    assert stored is not None and issued.secret.startswith(f"lieu_{stored.id}_")
    assert issued.secret not in stored.secret_hash and len(stored.secret_hash) == 64


async def test_an_expired_token_is_refused_saying_so(seeded_any: Any) -> None:
    past = datetime.now(UTC) - timedelta(days=10)
    async with create_session_factory(seeded_any.engine).begin() as session:
        issued = await issue_token(
            session=session,
            role=Role.REVIEWER,
            plan="demo-plan",
            expires_in_days=1,
            actor="test",
            now=past,
        )
        with pytest.raises(TokenRejected, match="expired on"):
            await authenticate(session=session, secret=issued.secret)


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _revoke(seeded: Any, token: str) -> None:
    async with create_session_factory(seeded.engine).begin() as session:
        await revoke_token(session=session, token_id=token.split("_")[1])


def _refused_as_revoked(answer: dict[str, Any]) -> None:
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "was revoked on" in answer["errors"][0]["message"]


async def test_a_token_revoked_elsewhere_is_refused_once_the_cache_bound_has_passed(
    api_any: Api, seeded_any: Any
) -> None:
    clock = Clock()
    api_any.runtime.tokens.clock = clock
    bound = api_any.runtime.settings.cache_seconds
    assert bound == DEFAULT_CACHE_SECONDS == 5
    token = seeded_any.tokens.reviewer
    assert (await api_any.call(token, "{ me { role } }"))["data"]["me"] == {"role": "REVIEWER"}
    await _revoke(seeded_any, token)  # as `lieu tokens revoke` does, from another process
    clock.now += bound - 0.5
    assert (await api_any.call(token, "{ me { role } }"))["data"]["me"] == {"role": "REVIEWER"}
    clock.now += 0.5
    _refused_as_revoked(await api_any.call(token, ME))


async def test_with_the_cache_off_a_revoked_token_is_refused_at_once(seeded: Any) -> None:
    async with in_process(seeded.settings.with_(cache_seconds=0)) as api:
        token = seeded.tokens.reviewer
        assert (await api.call(token, "{ me { role } }"))["data"]["me"] == {"role": "REVIEWER"}
        await _revoke(seeded, token)
        _refused_as_revoked(await api.call(token, ME))


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer lieu_nope_nope", "not valid"),
        ("Bearer garbage", "malformed"),
        ("Basic dXNlcjpwYXNz", "must read `Bearer <token>`"),
    ],
)
async def test_a_bad_authorization_header_is_refused_with_the_reason(
    api_any: Api, header: str, reason: str
) -> None:
    response = await api_any.http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": header}
    )
    body = response.json()
    assert body["data"] is None
    assert reason in body["errors"][0]["message"]


def test_a_provider_token_needs_an_organization_and_others_must_not_have_one() -> None:
    from lieu.platform.access.roles import check_scope

    with pytest.raises(ScopeError, match="--provider"):
        check_scope(Role.PROVIDER, "demo-plan", None)
    with pytest.raises(ScopeError, match="only provider tokens"):
        check_scope(Role.REVIEWER, "demo-plan", "cbo-1")
    with pytest.raises(ScopeError, match="--plan"):
        check_scope(Role.OPERATIONS, "", None)


async def test_a_reviewer_token_carries_its_review_roles_and_only_a_reviewer_has_them(
    seeded_any: Any,
) -> None:
    async with create_session_factory(seeded_any.engine).begin() as session:
        director = await issue_token(
            session=session,
            role=Role.REVIEWER,
            plan="demo-plan",
            actor="test",
            review_roles=("medical_director",),
        )
        nurse = await issue_token(
            session=session, role=Role.REVIEWER, plan="demo-plan", actor="test"
        )
        assert (await authenticate(session=session, secret=director.secret)).review_roles == (
            "medical_director",
        )
        # a reviewer with none named reviews for utilization management, as every baseline asks
        assert (await authenticate(session=session, secret=nurse.secret)).review_roles == (
            "utilization_management",
        )
        with pytest.raises(ScopeError, match="review roles are for reviewer tokens"):
            await issue_token(
                session=session,
                role=Role.OPERATIONS,
                plan="demo-plan",
                actor="test",
                review_roles=("medical_director",),
            )
