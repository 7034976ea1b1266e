"""GraphQL errors are logged by code and schema field: never the query, its variables or the
error's message, which quote the CINs and birth dates a caller wrote."""

from __future__ import annotations

import pytest
import strawberry
from structlog.testing import capture_logs

from lieu.graphql.error_log import LieuSchema

CIN = "97531864Q"
BORN = "1938-07-19"


@strawberry.type
class Query:
    @strawberry.field
    def member(self, cin: str, birth_date: str) -> str:
        raise KeyError(f"{cin} born {birth_date}")  # an unexpected error quoting its input


SCHEMA = LieuSchema(query=Query)


@pytest.mark.parametrize(
    "query",
    [
        f'{{ member(cin: "{CIN}", birthDate: "{BORN}") }}',  # the resolver raises
        f'{{ member(cin: "{CIN}", birthDate: "{BORN}")',  # a syntax error
        f'{{ member(cin: "{CIN}", birthDate: "{BORN}", born: "{BORN}") }}',  # a validation error
    ],
)
async def test_an_error_is_logged_without_what_the_caller_wrote(query: str) -> None:
    with capture_logs() as logged:
        result = await SCHEMA.execute(query)
    assert result.errors and CIN in str(result.errors[0].source.body)  # type: ignore[union-attr]
    assert [line["event"] for line in logged] in (
        ["graphql_unexpected_error"],
        ["graphql_request_refused"],
    )
    for line in logged:
        shown = {k: v for k, v in line.items() if k != "exc_info"}
        assert CIN not in repr(shown) and BORN not in repr(shown)


async def test_a_variable_of_the_wrong_type_is_logged_as_refused_not_as_an_exception() -> None:
    query = "query($cin: String!, $born: String!) { member(cin: $cin, birthDate: $born) }"
    born = 19380719
    with capture_logs() as logged:
        result = await SCHEMA.execute(query, variable_values={"cin": CIN, "born": born})
    assert result.errors and str(born) in str(result.errors[0])  # the caller is told
    [line] = logged
    assert line["log_level"] == "info" and "exc_info" not in line
    assert str(born) not in repr(line) and CIN not in repr(line)
