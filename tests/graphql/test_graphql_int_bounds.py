"""Every integer argument is bounded (issue #15 point 4b): a value out of its range gets an
error naming the argument and its range, never "Unexpected error"."""

from __future__ import annotations

from typing import Any

import pytest

from lieu.graphql.guards import MASKED
from tests.graphql.graphql_stack import Api

pytestmark = pytest.mark.temporal


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (
            "{ expiringAuthorizations(withinDays: 2000000000) { pageInfo { hasNextPage } } }",
            "withinDays must be between 0 and 3650",
        ),
        (
            "{ expiringAuthorizations(withinDays: -1) { pageInfo { hasNextPage } } }",
            "withinDays must be between 0 and 3650",
        ),
        (
            "{ stalledAuthorizations(quietMinutes: 2000000000) { pageInfo { hasNextPage } } }",
            "quietMinutes must be between 1 and 10080",
        ),
        (
            "{ priorAuthorizationMetrics(year: 99999) { ... on ValidationErrors { message } } }",
            "is out of range: give a calendar year from 2000 to 2999",
        ),
        (
            "{ communitySupportsByQuarter(year: -4) { ... on ValidationErrors { message } } }",
            "is out of range: give a calendar year from 2000 to 2999",
        ),
    ],
)
async def test_an_integer_out_of_its_range_is_refused_naming_the_range(
    api: Api, seeded: Any, query: str, says: str
) -> None:
    answer = await api.call(seeded.tokens.operations, query)
    text = str(answer.get("errors")) + str(answer.get("data"))
    assert says in text, answer
    assert MASKED not in text
