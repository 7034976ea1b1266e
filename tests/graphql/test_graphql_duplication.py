"""A provider's request that would duplicate a service is refused through GraphQL as a conflict
that names the rule and its reason, and nothing is written (issue #10, point 6)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from tests.graphql.graphql_stack import ANA, PLAN, Api, member_facts
from tests.graphql.test_graphql_decimals import written
from tests.platform.authorizations.test_authorization_duplication import authorized

pytestmark = pytest.mark.temporal

REQUEST = (
    "mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) { "
    "__typename ... on Conflict { code message } ... on Authorization { id status } } }"
)
START = date(2027, 1, 11)  # the v2 baselines (and their duplication rules) are in force


def meals(cin: str, birth: str, key: str) -> dict[str, Any]:
    return {
        "input": {
            "cin": cin,
            "support": "medically-tailored-meals",
            "serviceStart": START.isoformat(),
            "quantity": "84",  # demo-plan allows 84 meals per authorization
            "unit": "meals",
            "idempotencyKey": key,
            "birthDate": birth,
        }
    }


async def test_meals_for_a_member_in_hospice_are_refused_with_the_plans_reason(
    api: Api, seeded: Any
) -> None:
    hana = "91000077A"
    facts = member_facts("grace", county="Sacramento", enrollments=["hospice"])
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        await upsert_member(session=session, plan=PLAN, cin=hana, facts=facts)
    before = await written(seeded.engine)
    answer = await api.call(
        seeded.tokens.provider, REQUEST, meals(hana, facts["birth_date"], "hospice-meals")
    )
    result = answer["data"]["requestAuthorization"]
    assert result["__typename"] == "Conflict", result
    assert result["code"] == "duplicate_program"
    assert "not given to a member enrolled in hospice" in result["message"]
    assert "(rule not-in-hospice)" in result["message"]
    assert (await written(seeded.engine))[0] == before[
        0
    ]  # no authorization (the refusal is audited)


async def test_meals_during_a_recuperative_care_stay_are_refused_naming_the_stay(
    api: Api, seeded: Any
) -> None:
    stay = await authorized(
        seeded.engine, ANA, "recuperative-care", START, START + timedelta(days=29), "active"
    )
    answer = await api.call(seeded.tokens.provider, REQUEST, meals(ANA, "1945-03-08", "rc-meals"))
    result = answer["data"]["requestAuthorization"]
    assert result["__typename"] == "Conflict", result
    assert result["code"] == "duplicate_support"
    assert stay in result["message"] and "during the stay" in result["message"]
