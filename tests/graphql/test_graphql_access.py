"""Access that matches the relationship, through GraphQL (SQLite and PostgreSQL): a provider sees
a member while it has a live authorization for them, not for ever after one request; wrong birth
dates are counted in the database and lock the check with an answer that says when to try
again; operations see and clear the lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.graphql.graphql_stack import ANA, Api, project_authorization

pytestmark = pytest.mark.temporal

MEMBER = '{ member(cin: "%s") { __typename ... on Member { cin } } }'
AUTHORIZATION = '{ authorization(id: "%s") { ... on Authorization { member { cin } } } }'
ELIGIBILITY = """query($cin: String!, $birth: Date) {
  eligibility(cin: $cin, support: "respite", birthDate: $birth) {
    __typename
    ... on Error { message }
    ... on IdentityLocked { retryAt }
  }
}"""
LOCKOUTS = "{ identityLockouts { id scope provider cin misses lockedUntil } }"
CLEAR = 'mutation { clearIdentityLockout(id: "%s") { __typename ... on IdentityLockout { cin } } }'
RIGHT, WRONG = "1945-03-08", "1950-01-01"


async def _age(seeded: Any, number: str, days: int) -> None:
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == number)
            .values(updated_at=datetime.now(UTC) - timedelta(days=days))
        )


async def test_a_denied_request_stops_showing_the_member_after_the_grace_period(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    number = await project_authorization(
        seeded_any.engine, provider=tokens.provider_org, status=Status.DENIED
    )
    within = await api_any.call(tokens.provider, MEMBER % ANA)
    await _age(seeded_any, number, 61)
    after = await api_any.call(tokens.provider, MEMBER % ANA)
    through_authorization = await api_any.call(tokens.provider, AUTHORIZATION % number)
    by_birth_date = await api_any.call(tokens.provider, ELIGIBILITY, {"cin": ANA, "birth": RIGHT})

    assert within["data"]["member"] == {"__typename": "Member", "cin": ANA}
    assert after["data"]["member"]["__typename"] == "NotFound"
    # the authorization stays the provider's own, but the member's facts are no longer shown
    assert through_authorization["data"]["authorization"] == {"member": None}
    assert by_birth_date["data"]["eligibility"]["__typename"] == "Eligibility"


async def test_a_pending_authorization_keeps_the_member_visible_however_old(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    number = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    await _age(seeded_any, number, 400)
    seen = await api_any.call(tokens.provider, MEMBER % ANA)
    assert seen["data"]["member"]["cin"] == ANA


async def test_five_wrong_birth_dates_lock_the_check_and_operations_clear_it(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    misses = [
        await api_any.call(tokens.provider, ELIGIBILITY, {"cin": ANA, "birth": WRONG})
        for _ in range(5)
    ]
    locked = await api_any.call(tokens.provider, ELIGIBILITY, {"cin": ANA, "birth": RIGHT})
    other_org = await api_any.call(tokens.other_provider, ELIGIBILITY, {"cin": ANA, "birth": RIGHT})
    listed = await api_any.call(tokens.operations, LOCKOUTS)
    (lockout,) = listed["data"]["identityLockouts"]
    cleared = await api_any.call(tokens.operations, CLEAR % lockout["id"])
    again = await api_any.call(tokens.provider, ELIGIBILITY, {"cin": ANA, "birth": RIGHT})
    cleared_twice = await api_any.call(tokens.operations, CLEAR % lockout["id"])

    assert {m["data"]["eligibility"]["__typename"] for m in misses} == {"NotFound"}
    answer = locked["data"]["eligibility"]
    assert answer["__typename"] == "IdentityLocked"
    retry_at = datetime.fromisoformat(answer["retryAt"])
    assert timedelta(hours=23) < retry_at - datetime.now(UTC) <= timedelta(hours=24)
    assert "try again after then" in answer["message"]
    assert other_org["data"]["eligibility"]["__typename"] == "Eligibility"
    assert lockout["scope"] == "organization"
    assert (lockout["provider"], lockout["cin"], lockout["misses"]) == (
        tokens.provider_org,
        ANA,
        5,
    )
    assert cleared["data"]["clearIdentityLockout"] == {"__typename": "IdentityLockout", "cin": ANA}
    assert again["data"]["eligibility"]["__typename"] == "Eligibility"
    assert cleared_twice["data"]["clearIdentityLockout"]["__typename"] == "NotFound"
    async with create_session_factory(seeded_any.engine)() as session:
        audited = await session.execute(
            select(AuditEntry.action, AuditEntry.outcome)
            .where(AuditEntry.action.in_(["identityLockout", "clearIdentityLockout"]))
            .order_by(AuditEntry.id)
        )
        assert [tuple(row) for row in audited] == [
            ("identityLockout", "locked"),
            ("clearIdentityLockout", "ok"),
            ("clearIdentityLockout", "not_found"),
        ]


async def test_wrong_birth_dates_in_one_aliased_request_are_all_counted(
    api_any: Api, seeded_any: Any
) -> None:
    aliases = " ".join(
        f'e{n}: eligibility(cin: "{ANA}", support: "respite", birthDate: "1950-01-{n + 1:02d}")'
        " { __typename }"
        for n in range(6)
    )
    answer = await api_any.call(seeded_any.tokens.provider, "{ " + aliases + " }")
    kinds = [answer["data"][f"e{n}"]["__typename"] for n in range(6)]
    # the aliases run at once, but their checks are counted one after the other: five are
    # compared, the sixth is refused
    assert sorted(kinds) == ["IdentityLocked"] + ["NotFound"] * 5


async def test_a_request_with_wrong_birth_dates_is_counted_and_then_refused_as_locked(
    api_any: Api, seeded_any: Any
) -> None:
    request = """mutation($cin: String!, $k: String!, $birth: Date) {
      requestAuthorization(input: {cin: $cin, support: "respite", quantity: "8", unit: "hours",
                                   idempotencyKey: $k, birthDate: $birth}) {
        __typename ... on Error { message } ... on Conflict { code }
      }
    }"""
    tokens = seeded_any.tokens
    answers = [
        await api_any.call(tokens.provider, request, {"cin": ANA, "k": f"k{n}", "birth": WRONG})
        for n in range(5)
    ]
    locked = await api_any.call(
        tokens.provider, request, {"cin": ANA, "k": "k-right", "birth": RIGHT}
    )
    assert {a["data"]["requestAuthorization"]["__typename"] for a in answers} == {"NotFound"}
    refusal = locked["data"]["requestAuthorization"]
    assert (refusal["__typename"], refusal["code"]) == ("Conflict", "identity_locked")
    assert "locked for CIN" in refusal["message"]
