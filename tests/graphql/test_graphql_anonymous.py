"""Without a token the schema is not described (issue #15 finding 14): introspection is refused
with how to authenticate, and validation errors carry no "Did you mean" suggestions; with a
token both work as usual."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.graphql_stack import Api

pytestmark = pytest.mark.temporal

SCHEMA = "{ __schema { queryType { name } } }"
TYPO = '{ membr(cin: "91000001A") { __typename } }'


async def test_introspection_needs_a_token(api: Api, seeded: Any) -> None:
    anonymous = await api.call(None, SCHEMA)
    assert anonymous.get("data") is None
    (error,) = anonymous["errors"]
    assert error["message"].startswith("introspection needs a token")
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    typed = await api.call(None, '{ __type(name: "Query") { name } }')
    assert typed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    signed = await api.call(seeded.tokens.provider, SCHEMA)
    assert signed["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_a_typo_gets_no_suggestion_without_a_token(api: Api, seeded: Any) -> None:
    anonymous = await api.call(None, TYPO)
    message = anonymous["errors"][0]["message"]
    assert "Cannot query field 'membr' on type 'Query'" in message
    assert "Did you mean" not in message and "member" not in message.replace("membr", "")
    signed = await api.call(seeded.tokens.provider, TYPO)
    assert "Did you mean 'member'" in signed["errors"][0]["message"]
