"""The bad-input corpus, through the real GraphQL endpoint on SQLite and PostgreSQL: malformed
definitions (createDraft, validateDefinition), member files (importMembers), prior-use files
(importPriorUse), malformed GraphQL requests, and every hostile string of strings.json in every
string argument of the provider's, reviewer's and operations' commonest calls.

Every input gets a clear error (a typed Error with a message, or a GraphQL error with one), no
HTTP 500, nothing a stack trace or a driver would say, and nothing is written: the rows of every
table are counted before and after (the audit log excepted: a refused attempt is audited)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.app import create_app
from lieu.graphql.guards import MASKED
from lieu.runtime import Runtime
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.graphql.graphql_stack import ANA, Seeded, Tokens, seeded_stack

pytestmark = pytest.mark.temporal

CORPUS = Path(__file__).resolve().parent
HOSTILE: list[str] = json.loads((CORPUS / "strings.json").read_text())["strings"]
# Refusals are audited, and a birth date that does not match counts as a miss toward the
# lockout (docs/security.md, "Who may see what"): both are records of the attempt, kept on
# purpose. Nothing else may move.
UNCOUNTED = {"audit_log", "alembic_version", "identity_misses"}
# what a caller must never read: a traceback, a driver's or the ORM's words, raw SQL
# (an echo of the caller's own input is fine: a hostile CIN may be quoted back in "no member ...")
LEAKS = (
    "Traceback",
    'File "',
    "sqlalchemy",
    "asyncpg",
    "sqlite3",
    "psycopg",
    "[SQL:",
    "[parameters:",
)


@pytest.fixture
async def stack(
    settings: Settings, database_url: str, temporal_dev_server: DevServer
) -> AsyncIterator[Seeded]:
    ready = settings.with_(
        database_url=database_url,
        temporal_address=temporal_dev_server.address,
        task_queue=f"corpus-{uuid.uuid4().hex[:8]}",
    )
    async for seeded in seeded_stack(ready):
        yield seeded


@pytest.fixture
async def http(stack: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(stack.settings)
    runtime = await Runtime.open(stack.settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://lieu.test", timeout=60
        ) as client:
            yield client
    finally:
        await runtime.close()


async def _rows(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        return {
            name: int((await conn.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one())
            for name in sorted(set(names) - UNCOUNTED)
        }


def _token(tokens: Tokens, role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {getattr(tokens, role)}"} if role else {}


async def _refused(
    http: httpx.AsyncClient, headers: dict[str, str], body: object, what: str
) -> dict[str, Any]:
    """POST one request; assert it was refused clearly; return the body."""
    answer = await http.post(
        "/graphql",
        content=json.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
    )
    _no_leak(answer, what)
    if answer.status_code >= 400 and "json" not in answer.headers.get("content-type", ""):
        assert answer.text.strip(), what  # refused before GraphQL (a 400 that says why)
        return {}
    read: dict[str, Any] = answer.json()
    errors = read.get("errors") or []
    if errors:
        assert all(e.get("message", "").strip() for e in errors), (what, errors)
        return read
    results = [v for v in (read.get("data") or {}).values() if isinstance(v, dict)]
    assert results, (what, read)
    for result in results:
        assert result.get("message", "").strip(), (what, "accepted, not refused", result)
    return read


def _no_leak(answer: httpx.Response, what: str) -> None:
    """No server error, no masked "Unexpected error", nothing from inside the server."""
    assert answer.status_code < 500, (what, answer.status_code, answer.text[:300])
    assert MASKED not in answer.text, (what, answer.text[:300])
    for leak in LEAKS:
        assert leak not in answer.text, (what, leak, answer.text[:500])


def _files(folder: str, *patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in (CORPUS / folder).glob(pattern))


CREATE = """mutation($d: JSON!) { createDraft(document: $d) { __typename ... on Error { message }
  ... on DraftWithProblems { problems { pointer message } } } }"""
VALIDATE = """query($d: JSON!) { validateDefinition(document: $d) { valid
  problems { pointer code message } } }"""
MEMBERS = """mutation($j: String!) { importMembers(jsonl: $j) { __typename
  ... on Error { message } ... on ValidationErrors { problems { pointer message } } } }"""
PRIOR = """mutation($c: String!, $f: PriorUseFormat!) { importPriorUse(content: $c, format: $f) {
  __typename ... on Error { message } } }"""


async def test_malformed_definitions_are_refused_with_problems_and_store_nothing(
    stack: Seeded, http: httpx.AsyncClient
) -> None:
    before = await _rows(stack.engine)
    headers = _token(stack.tokens, "plan_admin")
    for path in _files("definitions", "*.json"):
        document = json.loads(path.read_text())["document"]
        answer = await _refused(
            http, headers, {"query": CREATE, "variables": {"d": document}}, path.name
        )
        draft = (answer.get("data") or {}).get("createDraft") or {}
        assert draft.get("__typename") != "DraftWithProblems", (path.name, draft)
        checked = await http.post(
            "/graphql",
            content=json.dumps({"query": VALIDATE, "variables": {"d": document}}),
            headers={**headers, "Content-Type": "application/json"},
        )
        _no_leak(checked, path.name)
        report = checked.json() if "json" in checked.headers.get("content-type", "") else {}
        if report.get("data"):  # refused at the edge (NUL, lone surrogate) is clear too
            found = report["data"]["validateDefinition"]
            assert found["valid"] is False and found["problems"], (path.name, found)
            assert all(p["message"] for p in found["problems"]), path.name
    assert await _rows(stack.engine) == before


async def test_malformed_member_and_prior_use_files_are_refused_whole(
    stack: Seeded, http: httpx.AsyncClient
) -> None:
    before = await _rows(stack.engine)
    admin, operations = _token(stack.tokens, "plan_admin"), _token(stack.tokens, "operations")
    for path in _files("members", "*.jsonl"):
        body = {"query": MEMBERS, "variables": {"j": path.read_text()}}
        answer = await _refused(http, admin, body, path.name)
        imported = (answer.get("data") or {}).get("importMembers") or {}
        assert imported.get("__typename") != "MembersImported", (path.name, imported)
    for path in _files("prior_use", "*.csv", "*.jsonl"):
        kind = "CSV" if path.suffix == ".csv" else "JSONL"
        body = {"query": PRIOR, "variables": {"c": path.read_text(), "f": kind}}
        answer = await _refused(http, operations, body, path.name)
        imported = (answer.get("data") or {}).get("importPriorUse") or {}
        assert imported.get("__typename") != "PriorUseImported", (path.name, imported)
    assert await _rows(stack.engine) == before


async def test_malformed_graphql_requests_get_clear_errors_and_change_nothing(
    stack: Seeded, http: httpx.AsyncClient
) -> None:
    before = await _rows(stack.engine)
    for path in _files("graphql", "*.json"):
        case = json.loads(path.read_text())
        body = {"query": case["query"], "variables": case["variables"]}
        answer = await http.post(
            "/graphql",
            content=json.dumps(body),
            headers={**_token(stack.tokens, case["role"]), "Content-Type": "application/json"},
        )
        _no_leak(answer, path.name)
        if answer.status_code >= 400 and "json" not in answer.headers.get("content-type", ""):
            assert answer.text.strip(), path.name  # a plain-text refusal still says why
            continue
        read = answer.json()
        errors = read.get("errors") or []
        results = [v for v in (read.get("data") or {}).values() if isinstance(v, dict)]
        assert errors or results, (path.name, read)
        assert all(e.get("message", "").strip() for e in errors), (path.name, errors)
        assert all(r.get("message", "").strip() for r in results), (path.name, results)
    assert await _rows(stack.engine) == before


def _request(**changed: str) -> dict[str, Any]:
    base = {
        "cin": ANA,
        "support": "respite",
        "quantity": "40",
        "unit": "hours",
        "idempotencyKey": f"corpus-{uuid.uuid4().hex}",
        "birthDate": "1945-03-08",
    }
    return {"input": base | changed}


REQUEST = """mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) {
  __typename ... on Error { message } } }"""
# (role, query, variables for a hostile string s): each argument where any of them is wrong
CALLS: list[tuple[str, str, Any]] = [
    (
        "provider",
        'query($s: String!) { eligibility(cin: $s, support: "respite") { __typename '
        "... on Error { message } } }",
        lambda s: {"s": s},
    ),
    (
        "provider",
        f'query($s: String!) {{ eligibility(cin: "{ANA}", support: $s) {{ __typename '
        "... on Error { message } } }",
        lambda s: {"s": s},
    ),
    ("provider", REQUEST, lambda s: _request(cin=s)),
    ("provider", REQUEST, lambda s: _request(support=s)),
    ("provider", REQUEST, lambda s: _request(unit=s)),
    ("provider", REQUEST, lambda s: _request(quantity=s)),
    ("provider", REQUEST, lambda s: _request(serviceStart=s)),
    ("provider", REQUEST, lambda s: _request(birthDate=s)),
    (
        "reviewer",
        "query($s: String!) { member(cin: $s) { __typename ... on Error { message } } }",
        lambda s: {"s": s},
    ),
    (
        "reviewer",
        'query($s: String!) { balances(cin: $s, support: "respite") { __typename '
        "... on Error { message } } }",
        lambda s: {"s": s},
    ),
    (
        "reviewer",
        "mutation($s: ID!) { decideReview(input: {authorizationId: $s, idempotencyKey: "
        '"corpus", decision: APPROVE, reason: "r"}) { __typename ... on Error { message } } }',
        lambda s: {"s": s},
    ),
    (
        "operations",
        "mutation($s: ID!) { cancelAuthorization(input: {authorizationId: $s, idempotencyKey: "
        '"corpus", reason: "r"}) { __typename ... on Error { message } } }',
        lambda s: {"s": s},
    ),
]


async def test_hostile_strings_in_every_string_argument_get_clear_errors_and_write_nothing(
    stack: Seeded, http: httpx.AsyncClient
) -> None:
    before = await _rows(stack.engine)
    tried = 0
    for role, query, variables in CALLS:
        headers = _token(stack.tokens, role)
        for hostile in [*HOSTILE, "9" * 100_000]:
            what = f"{query.split('{')[1].split('(')[0].strip()} with {hostile[:40]!r}"
            await _refused(http, headers, {"query": query, "variables": variables(hostile)}, what)
            tried += 1
    assert tried == len(CALLS) * (len(HOSTILE) + 1)
    assert await _rows(stack.engine) == before
