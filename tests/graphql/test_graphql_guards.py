"""Malformed, oversized and abusive queries are rejected with clear errors, and nothing is
written (no member, no audit line); unexpected failures are masked."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from lieu.graphql.guards import MAX_ALIASES, MAX_BODY_BYTES, MAX_DEPTH, MAX_TOKENS
from lieu.graphql.schema import build_schema
from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from lieu.platform.members.models import Member
from tests.graphql.graphql_stack import ANA, Api

pytestmark = pytest.mark.temporal
IMPORT = (
    'mutation { importMembers(jsonl: "{\\"cin\\": \\"93000001C\\", \\"facts\\": {}}") '
    "{ __typename } }"
)


async def counts(engine: Any) -> tuple[int, int]:
    async with create_session_factory(engine)() as session:
        members = await session.scalar(select(func.count()).select_from(Member))
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
    return int(members or 0), int(audit or 0)


def deep_query(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"authorizations {{ nodes {{ {inner} }} }}"
    return "{ " + inner + " }"


ABUSE = [
    ("malformed", "mutation { importMembers(jsonl: ", "Syntax Error"),
    ("unknown field", "{ importMembers }", "Cannot query field 'importMembers' on type 'Query'"),
    (
        "too many tokens",
        "mutation { " + " ".join(f"a{i}: __typename" for i in range(MAX_TOKENS)) + IMPORT[10:],
        f"Document contains more than {MAX_TOKENS} tokens",
    ),
    (
        "too many aliases",
        "mutation { " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1)) + IMPORT[10:],
        f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}",
    ),
    (
        "too deep",
        f'{{ authorization(id: "x") {{ ... on Authorization {{ member {{ facts }} '
        f"timeline {{ {'data ' * 1} }} }} }} {deep_query(MAX_DEPTH)[2:]}",
        f"exceeds maximum operation depth of {MAX_DEPTH}",
    ),
]


@pytest.mark.parametrize(("name", "query", "message"), ABUSE, ids=[a[0] for a in ABUSE])
async def test_abusive_queries_are_rejected_clearly_and_write_nothing(
    api: Api, seeded: Any, name: str, query: str, message: str
) -> None:
    before = await counts(seeded.engine)
    answer = await api.call(seeded.tokens.plan_admin, query)
    assert answer.get("data") is None, answer
    assert any(message in e["message"] for e in answer["errors"]), answer["errors"]
    assert await counts(seeded.engine) == before


async def test_an_oversized_body_is_refused_before_it_is_read(api: Api, seeded: Any) -> None:
    before = await counts(seeded.engine)
    big = "x" * (MAX_BODY_BYTES + 1)
    response = await api.http.post(
        "/graphql",
        json={"query": IMPORT, "variables": {"pad": big}},
        headers={"Authorization": f"Bearer {seeded.tokens.plan_admin}"},
    )
    assert response.status_code == 413
    assert "over" in response.json()["errors"][0]["message"]
    assert await counts(seeded.engine) == before


async def test_an_invalid_import_writes_nothing_and_lists_every_problem(
    api: Api, seeded: Any
) -> None:
    lines = "\n".join(
        [
            '{"cin": "93000001C", "facts": {"county": "Kern"}}',
            '{"cin": "93000002C", "facts": {"county": "Atlantis"}}',
            "{oops",
        ]
    )
    before = await counts(seeded.engine)
    answer = await api.call(
        seeded.tokens.plan_admin,
        "mutation($j: String!) { importMembers(jsonl: $j) { __typename "
        "... on ValidationErrors { message problems { pointer message } } } }",
        {"j": lines},
    )
    result = answer["data"]["importMembers"]
    assert result["__typename"] == "ValidationErrors"
    assert result["message"] == "2 problem(s); nothing was imported"
    assert [p["pointer"] for p in result["problems"]] == ["/1/facts/county", "/2"]
    members, _audit = await counts(seeded.engine)
    assert members == before[0]


async def test_a_bad_cursor_is_a_clear_client_error(api: Api, seeded: Any) -> None:
    answer = await api.call(
        seeded.tokens.reviewer, '{ authorizations(after: "bogus") { nodes { id } } }'
    )
    assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "is not a cursor of authorizations" in answer["errors"][0]["message"]


async def test_an_unexpected_failure_is_masked(
    api: Api, seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(**_: Any) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("lieu.graphql.members.queries.visible_member", broken)
    answer = await api.call(seeded.tokens.reviewer, f'{{ member(cin: "{ANA}") {{ __typename }} }}')
    assert answer["errors"][0]["message"].startswith("Unexpected error; it has been logged")
    assert "hunter2" not in str(answer)


async def test_a_query_asked_again_is_not_validated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import strawberry.schema.schema as strawberry_schema

    validated: list[str] = []
    validate = strawberry_schema.validate

    def counting(schema: Any, document: Any, rules: Any, *args: Any, **kwargs: Any) -> Any:
        validated.append(type(document).__name__)
        return validate(schema, document, rules, *args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    schema = build_schema.__wrapped__()  # a schema of its own: its caches start empty
    too_deep = deep_query(MAX_DEPTH)
    for _ in range(3):
        assert (await schema.execute("{ service { name } }")).errors is None
        refused = await schema.execute(too_deep)
        assert refused.errors and "exceeds maximum operation depth" in refused.errors[0].message
    assert len(validated) == 2  # each query once; the limits' rules are the same every time
