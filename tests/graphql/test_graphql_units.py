"""A request always carries its unit: one the definition can read is converted to its measure,
any other is refused at `/unit` with the units the support takes, and nothing is written
(issue #10, point 2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.graphql_stack import ANA, TODAY, Api
from tests.graphql.test_graphql_decimals import messages, written

pytestmark = pytest.mark.temporal

REQUEST = (
    "mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) { "
    "__typename ... on Authorization { quantityRequested measure } "
    "... on ValidationErrors { message problems { pointer code message } } } }"
)


def asking(quantity: str, unit: str | None, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cin": ANA,
        "support": "respite",
        "serviceStart": TODAY.isoformat(),
        "quantity": quantity,
        "idempotencyKey": key,
        "birthDate": "1945-03-08",
    }
    if unit is not None:
        data["unit"] = unit
    return {"input": data}


@pytest.mark.parametrize(
    ("unit", "says"),
    [
        ("days", "this support takes a quantity in hours, not in days"),
        (
            "fortnights",
            "'fortnights' is not a unit lieu knows; this support takes a quantity in hours",
        ),
    ],
)
async def test_a_unit_the_definition_cannot_read_is_refused_at_the_unit_and_nothing_is_written(
    api: Api, seeded: Any, unit: str, says: str
) -> None:
    before = await written(seeded.engine)
    answer = await api.call(seeded.tokens.provider, REQUEST, asking("2", unit, f"unit-{unit}"))
    result = answer["data"]["requestAuthorization"]
    assert result["__typename"] == "ValidationErrors", result
    assert result["problems"] == [{"pointer": "/unit", "code": "bad_unit", "message": says}]
    assert (await written(seeded.engine))[0] == before[0]


async def test_a_request_without_its_unit_is_refused_by_the_schema(api: Api, seeded: Any) -> None:
    answer = await api.call(seeded.tokens.provider, REQUEST, asking("8", None, "no-unit"))
    assert "to include required field 'unit'" in messages(answer)
