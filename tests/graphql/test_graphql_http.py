"""A request body lieu will not read (not UTF-8, nested absurdly deep) gets a 400 that says why,
never a 500, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from lieu.graphql.guards import MAX_JSON_DEPTH
from tests.graphql.graphql_stack import Api
from tests.graphql.test_graphql_guards import counts

pytestmark = pytest.mark.temporal
QUERY = b'{"query": "mutation($d: JSON!) { createDraft(document: $d) { __typename } }", '


async def post(api: Api, token: str, body: bytes) -> Any:
    return await api.http.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


async def test_a_body_that_is_not_utf8_is_a_400_naming_the_byte(api: Api, seeded: Any) -> None:
    before = await counts(seeded.engine)
    body = QUERY + b'"variables": {"d": "caf\xe9"}}'  # Latin-1, not UTF-8
    response = await post(api, seeded.tokens.plan_admin, body)
    assert response.status_code == 400
    assert response.text == (
        f"the request body is not valid UTF-8 (byte 0xe9 at offset {body.index(0xE9)}); "
        "send JSON encoded as UTF-8"
    )
    assert await counts(seeded.engine) == before


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 100_000], ids=["just too deep", "absurdly deep"])
async def test_a_body_nested_too_deep_is_a_400(api: Api, seeded: Any, depth: int) -> None:
    before = await counts(seeded.engine)
    nested = b"[" * depth + b"]" * depth
    response = await post(
        api, seeded.tokens.plan_admin, QUERY + b'"variables": {"d": ' + nested + b"}}"
    )
    assert response.status_code == 400
    assert (
        response.text == f"the request body nests objects or arrays more than {MAX_JSON_DEPTH} deep"
    )
    assert await counts(seeded.engine) == before


async def test_a_body_that_is_not_json_still_says_where(api: Api, seeded: Any) -> None:
    response = await post(api, seeded.tokens.plan_admin, QUERY + b'"variables": {"d": }')
    assert response.status_code == 400
    assert response.text.startswith("the request body is not JSON: Expecting value: line 1")


async def test_a_client_gone_before_its_body_arrived_gets_no_answer_and_no_error(
    api: Api, seeded: Any
) -> None:
    from lieu.app import create_app

    app = create_app(seeded.settings)
    app.state.runtime = api.runtime
    sent: list[Any] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"40")],
        "client": ("203.0.113.7", 40000),
        "server": ("lieu.test", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # neither raises nor renders a traceback
    assert sent == []
