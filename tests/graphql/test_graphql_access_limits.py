"""A shared limit through GraphQL (SQLite and PostgreSQL): a plan's balances show its own holds
and one "used elsewhere" figure for other plans, never their authorizations; a request for more
than the definition allows in one window is refused before anything is held (finding 6)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.limits import ledger
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import LimitSpec
from tests.graphql.graphql_stack import ANA, OTHER_PLAN, TODAY, Api

pytestmark = pytest.mark.temporal

RESPITE = Path(__file__).resolve().parents[2] / "benefit_definitions/dhcs/respite/v1.json"
SPEC = LimitSpec.from_json(json.loads(RESPITE.read_text())["limits"][0])
BALANCES = """{ balances(cin: "%s", support: "respite") {
  ... on Balances { limits { held consumed usedElsewhere remaining
    inWindow { held usedElsewhere countedBy { authorizationId counted } } } }
} }"""
REQUEST = """mutation($cin: String!, $quantity: Decimal!) {
  requestAuthorization(input: {cin: $cin, support: "respite", quantity: $quantity, unit: "hours",
                               idempotencyKey: "huge", birthDate: "1945-03-08"}) {
    __typename ... on ValidationErrors { message problems { pointer code } }
  }
}"""


async def _rival_holds(seeded: Any, hours: int) -> None:
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        day = TODAY + timedelta(days=1)
        posting = Posting(
            cin=ANA,
            plan=OTHER_PLAN,
            support="respite",
            start=day,
            end=day,
            amount=Decimal(hours),
            key="A-RIVAL/reserve",
            actor="test",
            authorization_id="A-RIVAL",
        )
        await ledger.reserve(posting, SPEC, session=session)


async def test_a_plan_sees_another_plans_hold_only_as_used_elsewhere(
    api_any: Api, seeded_any: Any
) -> None:
    await _rival_holds(seeded_any, 336)
    seen = await api_any.call(seeded_any.tokens.reviewer, BALANCES % ANA)
    (limit,) = seen["data"]["balances"]["limits"]
    assert (Decimal(limit["held"]), Decimal(limit["consumed"])) == (0, 0)
    assert Decimal(limit["usedElsewhere"]) == 336
    assert Decimal(limit["remaining"]) == 0
    assert Decimal(limit["inWindow"]["held"]) == 0
    assert limit["inWindow"]["countedBy"] == [{"authorizationId": None, "counted": "336"}]
    assert "A-RIVAL" not in json.dumps(seen)


async def test_a_request_for_more_than_a_year_allows_is_refused_before_anything_is_held(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    huge = await api_any.call(tokens.provider, REQUEST, {"cin": ANA, "quantity": "100000"})
    seen = await api_any.call(tokens.reviewer, BALANCES % ANA)

    refusal = huge["data"]["requestAuthorization"]
    assert refusal["__typename"] == "ValidationErrors"
    assert refusal["problems"] == [{"pointer": "/quantity", "code": "over_maximum"}]
    assert refusal["message"].startswith(
        "336 hours per calendar year: one request may ask at most 336 hours, not 100000"
    )
    assert Decimal(seen["data"]["balances"]["limits"][0]["remaining"]) == 336
