"""A GraphQL body is capped at 1 MiB as it arrives, so a chunked upload with no Content-Length
is refused with 413 after reading little more than the cap; an upload keeps its larger limit;
and unauthenticated garbage (100,000 levels of nesting, a 5,001-digit integer, bytes that are
not UTF-8) gets a 4xx or a GraphQL error that says why, never a 500, and writes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lieu.graphql.guards import MAX_BODY_BYTES, MAX_NUMBER_DIGITS
from tests.graphql.graphql_stack import Api
from tests.graphql.test_graphql_guards import counts
from tests.serving import serve

pytestmark = pytest.mark.temporal
CHUNK = 64 * 1024
IMPORT = "mutation($j: String!) { importMembers(jsonl: $j) { __typename } }"


class Endless:
    """A JSON body sent in chunks, without end (up to `most` bytes); counts what was taken."""

    def __init__(self, most: int = 60 * 1024 * 1024) -> None:
        self.most = most
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        head = json.dumps({"query": IMPORT, "variables": {"j": ""}})[:-3].encode() + b'"'
        self.sent += len(head)
        yield head
        while self.sent < self.most:
            self.sent += CHUNK
            yield b"x" * CHUNK
        yield b'"}}'


async def test_the_cap_is_one_mebibyte() -> None:
    assert MAX_BODY_BYTES == 1024 * 1024


async def test_a_chunked_body_past_the_cap_is_refused_without_being_read_whole(
    api_any: Api, seeded_any: Any
) -> None:
    before = await counts(seeded_any.engine)
    body = Endless()
    response = await api_any.http.post(
        "/graphql",
        content=body.__aiter__(),
        headers={
            "Authorization": f"Bearer {seeded_any.tokens.plan_admin}",
            "Content-Type": "application/json",
        },
    )
    assert "content-length" not in response.request.headers  # chunked: no length announced
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BODY_TOO_LARGE"
    assert error["message"].startswith(f"the request body is over {MAX_BODY_BYTES} bytes")
    assert "lieu members import" in error["message"]
    assert body.sent <= MAX_BODY_BYTES + 2 * CHUNK  # not 60 MB: reading stopped at the cap
    assert await counts(seeded_any.engine) == before


async def test_a_chunked_body_under_the_cap_is_answered(api: Api, seeded: Any) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        text = json.dumps({"query": "{ service { name } }"}).encode()
        for start in range(0, len(text), 7):
            yield text[start : start + 7]

    response = await api.http.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["service"]["name"] == "lieu"


async def test_over_a_real_socket_the_refusal_comes_before_the_body_ends(seeded: Any) -> None:
    # A client sends chunk after chunk (Transfer-Encoding: chunked) and never the last one:
    # the 413 arrives once the cap is passed; a check made after reading the whole body would
    # never answer.
    async with serve(seeded.settings) as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: lieu.test\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        async for chunk in Endless(most=MAX_BODY_BYTES + 4 * CHUNK).__aiter__():
            if chunk == b'"}}':
                break  # the end is never sent
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert head.startswith(b"HTTP/1.1 413"), head
        length = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
        )
        answer = json.loads(await asyncio.wait_for(reader.readexactly(length), 10))
        assert answer["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
        writer.close()
        assert sent > MAX_BODY_BYTES
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:  # still serving
            again = await http.post("/graphql", json={"query": "{ service { name } }"})
            assert again.status_code == 200


async def test_an_upload_keeps_its_own_larger_limit(api: Api, seeded: Any) -> None:
    # A multipart document upload over the JSON cap is read (and judged on its merits: here
    # the authorization does not exist), not refused as a body too large.
    operations = json.dumps(
        {
            "query": 'mutation($f: Upload!) { attachDocument(authorizationId: "A-NONE", '
            'requirement: "order", file: $f, idempotencyKey: "k") { __typename } }',
            "variables": {"f": None},
        }
    )
    response = await api.http.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("order.txt", b"a" * (MAX_BODY_BYTES + CHUNK), "text/plain")},
        headers={"Authorization": f"Bearer {seeded.tokens.provider}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["attachDocument"]["__typename"] == "NotFound"


def nested_query(levels: int) -> str:
    return "{ " + "service { " * levels + "name" + " }" * levels + " }"


GARBAGE: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "100,000 levels of JSON nesting",
        {
            "content": b'{"query": "{ service { name } }", "variables": {"d": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}"
        },
        400,
        "nests objects or arrays more than",
    ),
    (
        "100,000 levels of GraphQL nesting",
        {"json": {"query": nested_query(100_000)[: MAX_BODY_BYTES - 100]}},
        200,
        "Document is nested too deeply",
    ),
    (
        "a 5,001-digit integer in the variables",
        {"content": b'{"query": "{ service { name } }", "variables": {"n": ' + b"9" * 5001 + b"}}"},
        400,
        f"numbers may have at most {MAX_NUMBER_DIGITS}",
    ),
    (
        "a 5,001-digit integer in the query",
        {"json": {"query": "{ members(first: " + "9" * 5001 + ") { nodes { cin } } }"}},
        200,
        "a number in the query has 5,001 digits; numbers may have at most 100",
    ),
    (
        "a 5,001-digit negative integer in a variable's default",
        {
            "json": {
                "query": "query($n: Int = -" + "9" * 5001 + ") { members(first: $n) { "
                "nodes { cin } } }"
            }
        },
        200,
        "a number in the query has 5,001 digits; numbers may have at most 100",
    ),
    (
        "bytes that are not UTF-8 in the body",
        {"content": b'{"query": "{ service { name \xff\xfe } }"}'},
        400,
        "the request body is not valid UTF-8 (byte 0xff",
    ),
    (
        "bytes that are not UTF-8 in the query string",
        {"method": "GET", "url": "/graphql?query=%7B%20service%20%7B%20name%20%FF%20%7D%20%7D"},
        200,
        "Syntax Error",
    ),
    (
        "bytes that are not UTF-8 in a multipart upload's operations",
        {
            "data": {"operations": b'{"query": "\xff"}', "map": "{}"},
            "files": {"0": ("a.txt", b"a", "text/plain")},
        },
        200,  # Starlette reads a form field that is not UTF-8 as Latin-1: a syntax error here
        "Syntax Error: Unexpected character: U+00FF",
    ),
]


@pytest.mark.parametrize(
    ("name", "request_", "status", "message"), GARBAGE, ids=[g[0] for g in GARBAGE]
)
async def test_unauthenticated_garbage_gets_a_clear_refusal_never_a_500(
    api_any: Api, seeded_any: Any, name: str, request_: dict[str, Any], status: int, message: str
) -> None:
    before = await counts(seeded_any.engine)
    arguments = dict(request_)
    method = arguments.pop("method", "POST")
    url = arguments.pop("url", "/graphql")
    headers = {"User-Agent": "garbage/1"}
    if "content" in arguments:
        headers["Content-Type"] = "application/json"
    response = await api_any.http.request(method, url, headers=headers, **arguments)
    assert response.status_code == status, (name, response.status_code, response.text[:300])
    assert message in response.text, response.text[:500]
    assert "Traceback" not in response.text
    assert "Unexpected error" not in response.text
    assert await counts(seeded_any.engine) == before
