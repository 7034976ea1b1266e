"""A decimal is bounded at the edge (at most 2 places, below 10^9) however it is sent, refused in
words as a GraphQL error, cheaply, and nothing is written; serializing never expands an exponent."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from graphql import GraphQLError
from sqlalchemy import func, select

from lieu.graphql.scalars import (
    MAGNITUDE_BOUND,
    MAX_PLACES,
    parse_decimal,
    serialize_decimal,
)
from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import ANA, TODAY, Api

pytestmark = pytest.mark.temporal

RESULT = "{ __typename ... on Error { message } }"
BY_VARIABLE = (
    "mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) "
    f"{RESULT} }}"
)


def literal(quantity: str) -> str:
    """A request whose quantity is the GraphQL literal `quantity`, as typed."""
    return (
        f'mutation {{ requestAuthorization(input: {{ cin: "{ANA}", support: "respite", '
        f'serviceStart: "{TODAY.isoformat()}", idempotencyKey: "decimals", quantity: {quantity} '
        f'unit: "hours" }}) {RESULT} }}'
    )


def request(quantity: object) -> dict[str, Any]:
    """The variables of a request for `quantity`, as sent."""
    return {
        "input": {
            "cin": ANA,
            "support": "respite",
            "serviceStart": TODAY.isoformat(),
            "idempotencyKey": "decimals",
            "quantity": quantity,
            "unit": "hours",
        }
    }


async def written(engine: Any) -> tuple[int, int]:
    async with create_session_factory(engine)() as session:
        authorizations = await session.scalar(select(func.count()).select_from(AuthorizationRecord))
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(authorizations or 0), int(audit or 0)


def messages(answer: dict[str, Any]) -> str:
    assert answer.get("data") is None, answer
    return " | ".join(error["message"] for error in answer["errors"])


THREE_PLACES = "0.001 has 3 decimal places; at most 2 are allowed"
TOO_LARGE = "1e999999999 is too large; a decimal must be below 1,000,000,000 (10^9)"
HUGE_INTEGER = "1" * 5001

LITERALS = [
    ("a string", '"0.001"', THREE_PLACES),
    ("a float", "0.001", THREE_PLACES),
    ("a huge exponent string", '"1e999999999"', TOO_LARGE),
    ("a huge exponent float", "1e999999999", TOO_LARGE),
    ("a 5,001-digit integer", HUGE_INTEGER, "(5001 characters) is too long for a decimal"),
    ("one billion", "1000000000", "1000000000 is too large"),
]


@pytest.mark.parametrize(("name", "quantity", "message"), LITERALS, ids=[c[0] for c in LITERALS])
async def test_an_out_of_bounds_literal_quantity_is_refused_in_words_and_nothing_is_written(
    api: Api, seeded: Any, name: str, quantity: str, message: str
) -> None:
    before = await written(seeded.engine)
    answer = await api.call(seeded.tokens.provider, literal(quantity))
    assert message in messages(answer)
    assert "Unexpected error" not in messages(answer)
    assert await written(seeded.engine) == before


VARIABLES = [  # the quantity as it appears in the request body's JSON
    ("a string", '"0.001"', THREE_PLACES),
    ("a JSON number", "0.001", THREE_PLACES),
    ("a huge exponent string", '"1e999999999"', TOO_LARGE),
    ("a huge exponent number", "1e999999999", "inf is not a finite number"),
    ("a 5,001-digit string", f'"{HUGE_INTEGER}"', "(5001 characters) is too long for a decimal"),
    ("an integer of one billion", "1000000000", "1000000000 is too large"),
]


async def post_raw(api: Api, token: str, quantity_json: str) -> Any:
    """POST a request whose quantity variable is `quantity_json`, verbatim."""
    body = json.dumps({"query": BY_VARIABLE, "variables": request(0)})
    return await api.http.post(
        "/graphql",
        content=body.replace('"quantity": 0', f'"quantity": {quantity_json}'),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(("name", "quantity", "message"), VARIABLES, ids=[c[0] for c in VARIABLES])
async def test_an_out_of_bounds_variable_quantity_is_refused_in_words_and_nothing_is_written(
    api: Api, seeded: Any, name: str, quantity: str, message: str
) -> None:
    before = await written(seeded.engine)
    answer = (await post_raw(api, seeded.tokens.provider, quantity)).json()
    assert message in messages(answer)
    assert "Variable '$input' has invalid value at .quantity: " in messages(answer)
    assert await written(seeded.engine) == before


async def test_a_huge_exponent_gets_a_small_answer_fast(api: Api, seeded: Any) -> None:
    started = time.monotonic()
    response = await post_raw(api, seeded.tokens.provider, '"1e999999999"')
    assert time.monotonic() - started < 2
    assert len(response.content) < 2_000
    assert TOO_LARGE in response.text


async def test_a_json_number_of_5001_digits_is_refused_before_it_is_converted(
    api: Api, seeded: Any
) -> None:
    response = await post_raw(api, seeded.tokens.provider, HUGE_INTEGER)
    assert response.status_code == 400
    assert "a number of 5001 digits; numbers may have at most 100" in response.text


def test_the_bounds_are_inclusive_of_two_places_and_exclusive_of_one_billion() -> None:
    assert (MAX_PLACES, MAGNITUDE_BOUND) == (2, 1_000_000_000)
    assert parse_decimal("999999999.99") == Decimal("999999999.99")
    assert parse_decimal(-999_999_999) == Decimal(-999_999_999)
    assert parse_decimal("12.500") == Decimal("12.5"), "trailing zeros are not places"
    assert parse_decimal(12.5) == Decimal("12.5")
    for refused in ("1000000000", "-1e9", "0.125", 1e9, 0.001):
        with pytest.raises(GraphQLError, match=r"too large|decimal places"):
            parse_decimal(refused)


def test_serializing_never_writes_an_exponent_out_digit_by_digit() -> None:
    assert serialize_decimal(Decimal("336.00")) == "336"
    assert serialize_decimal(Decimal("0E-999999999")) == "0"
    assert serialize_decimal(Decimal("1E+999999999")) == "1E+999999999"
    assert serialize_decimal(Decimal("1E-999999999")) == "1E-999999999"
