"""Units reconcile end to end (issue #10, point 2): six calendar months of transitional rent
are asked in months and held as the days of those months under the v2 baseline (the shared
6-in-12 pool reads six months as at most 184 days); before v2 is in force the same request in
months is refused with the units v1 takes. Real uvicorn, the Temporal dev server, a worker."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from tests.e2e.test_e2e_graphql_provider_journey import (
    STATUS,
    Session,
    _until,
    running,  # noqa: F401 - the fixture
)
from tests.graphql.graphql_stack import PLAN, Seeded, member_facts

pytestmark = pytest.mark.temporal

DANA = "91000003A"  # SMHS criteria met, homeless (benefit_definitions/members/dana.yaml)
REQUEST = """
mutation Request($input: AuthorizationRequestInput!) {
  requestAuthorization(input: $input) {
    __typename
    ... on Authorization { id status quantityRequested measure serviceStart }
    ... on ValidationErrors { problems { pointer code message } }
    ... on Error { message }
  }
}
"""


def rent(start: date, quantity: str, unit: str) -> dict[str, Any]:
    return {
        "cin": DANA,
        "support": "transitional-rent",
        "serviceStart": start.isoformat(),
        "quantity": quantity,
        "unit": unit,
        "idempotencyKey": f"rent-{uuid.uuid4().hex}",
        "birthDate": "1980-08-09",
    }


async def test_six_months_of_rent_are_held_as_the_days_of_six_calendar_months(
    running: tuple[str, Seeded],  # noqa: F811
) -> None:
    from gql import gql

    base, seeded = running
    facts = member_facts("dana")
    facts["housing"]["status"] = "unsheltered"  # a transitioning population on any date
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        await upsert_member(session=session, plan=PLAN, cin=DANA, facts=facts)
    provider = Session(base, seeded.tokens.provider)
    document = gql(REQUEST)

    made = await provider(document, input=rent(date(2027, 2, 15), "6", "months"))
    made = made["requestAuthorization"]
    assert made["__typename"] == "Authorization", made
    assert (made["quantityRequested"], made["measure"]) == ("181", "days")

    async def held() -> Any:
        found = (await provider(STATUS, id=made["id"]))["authorization"]
        return found if found["quantityReserved"] != "0" else None

    found = await _until(held, "the six months reserved")
    assert found["quantityReserved"] == "181", found  # all of it fits the 184-day pool

    # v1 (in force before 2027) takes days only: months are refused at the unit, in words
    refused = await provider(document, input=rent(date(2026, 12, 10), "6", "months"))
    refused = refused["requestAuthorization"]
    assert refused["__typename"] == "ValidationErrors", refused
    assert refused["problems"] == [
        {
            "pointer": "/unit",
            "code": "bad_unit",
            "message": "this support takes a quantity in days, not in months",
        }
    ]
