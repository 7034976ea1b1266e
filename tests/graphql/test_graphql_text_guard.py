"""No NUL or unpaired surrogate gets past the edge in any string argument: literals and
variables, nested inputs, lists, JSON documents (keys too), member imports. Each refusal names
the argument path and the position, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from lieu.graphql.text_guard import HOW_TO_FIX, MAX_REPORTED
from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.models import DefinitionVersion
from lieu.platform.members.models import Member
from tests.graphql.graphql_stack import Api, project_authorization

pytestmark = pytest.mark.temporal

RESULT = "{ __typename ... on Error { message } }"
CANCEL = f"mutation($input: ReasonInput!) {{ cancelAuthorization(input: $input) {RESULT} }}"
DRAFT = f"mutation($d: JSON!) {{ createDraft(document: $d) {RESULT} }}"
IMPORT = f"mutation($j: String!) {{ importMembers(jsonl: $j) {RESULT} }}"


async def written(engine: Any) -> dict[str, object]:
    """Everything a refused request could have written."""
    async with create_session_factory(engine)() as session:
        counts: dict[str, object] = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (AuditEntry, AuthorizationEvent, DefinitionVersion, Member)
        }
        counts["statuses"] = list(
            await session.scalars(select(AuthorizationRecord.status).order_by("id"))
        )
    return counts


async def call(
    api: Api, token: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST as JSON with `\\uXXXX` escapes, which (unlike UTF-8) can carry a lone surrogate."""
    response = await api.http.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables or {}}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    answer: dict[str, Any] = response.json()
    return answer


def refusals(answer: dict[str, Any]) -> list[str]:
    assert answer.get("data") is None, answer
    assert all(e["extensions"]["code"] == "BAD_REQUEST" for e in answer["errors"]), answer
    return [error["message"] for error in answer["errors"]]


async def test_a_nul_in_a_literal_reason_is_refused_naming_the_argument(
    api: Api, seeded: Any
) -> None:
    number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
    before = await written(seeded.engine)
    query = (
        f'mutation {{ cancelAuthorization(input: {{authorizationId: "{number}", '
        f'idempotencyKey: "k", reason: "member\\u0000moved"}}) {RESULT} }}'
    )
    answer = await call(api, seeded.tokens.operations, query)
    assert refusals(answer) == [
        "argument `input.reason` of field `cancelAuthorization` contains a NUL character "
        f"(U+0000) at character 7; {HOW_TO_FIX}"
    ]
    assert await written(seeded.engine) == before


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("member\x00moved", "a NUL character (U+0000) at character 7"),
        ("\ud800 moved", "an unpaired surrogate (U+D800) at character 1"),
        ("moved \udfff", "an unpaired surrogate (U+DFFF) at character 7"),
    ],
    ids=["nul", "lone high surrogate", "lone low surrogate"],
)
async def test_bad_text_in_a_variable_reason_is_refused_on_both_databases(
    api_any: Api, seeded_any: Any, reason: str, problem: str
) -> None:
    engine, tokens = seeded_any.engine, seeded_any.tokens
    number = await project_authorization(engine, provider=tokens.provider_org)
    before = await written(engine)
    answer = await call(
        api_any, tokens.operations, CANCEL, {"input": {"authorizationId": number, "reason": reason}}
    )
    assert refusals(answer) == [f"variable `$input.reason` contains {problem}; {HOW_TO_FIX}"]
    assert await written(engine) == before


async def test_a_nul_nested_in_a_json_literal_is_refused_with_its_path(
    api: Api, seeded: Any
) -> None:
    before = await written(seeded.engine)
    query = (
        'mutation { createDraft(document: {support: "respite", eligibility: '
        f'{{criteria: [{{id: "a"}}, {{id: "b", label: "x\\u0000"}}]}}}}) {RESULT} }}'
    )
    [message] = refusals(await call(api, seeded.tokens.plan_admin, query))
    assert message.startswith(
        "argument `document.eligibility.criteria[1].label` of field `createDraft` contains a "
        "NUL character (U+0000) at character 2"
    )
    assert await written(seeded.engine) == before


async def test_bad_text_anywhere_in_a_json_variable_is_refused_keys_included(
    api: Api, seeded: Any
) -> None:
    before = await written(seeded.engine)
    document = {
        "support": "respite",
        "eligibility": {"criteria": [{"id": "a"}, {"id": "b", "label": "ok \ud83d"}]},
        "facts": {"bad\x00key": 1, "spaced key": ["fine", "x\x00"]},
    }
    messages = refusals(await call(api, seeded.tokens.plan_admin, DRAFT, {"d": document}))
    assert [m.split(";")[0] for m in messages] == [
        "variable `$d.eligibility.criteria[1].label` contains an unpaired surrogate (U+D83D) "
        "at character 4",
        "variable `$d.facts` has a key that contains a NUL character (U+0000) at character 4",
        'variable `$d.facts["spaced key"][1]` contains a NUL character (U+0000) at character 2',
    ]
    assert await written(seeded.engine) == before
    fine = {"title": "Café 😀 señora", "note": "line\nbreak\ttab", "pair": "\ud83d\ude00"}
    answer = await call(
        api,
        seeded.tokens.plan_admin,
        "query($d: JSON!) { validateDefinition(document: $d) { __typename } "
        'b: validateDefinition(document: {title: "Café \\ud83d\\ude00 \\u00e9"}) '
        "{ __typename } }",
        {"d": fine},
    )
    assert "errors" not in answer, "text that is valid Unicode passes"


async def test_a_nul_in_a_member_import_is_refused_and_no_member_is_stored(
    api: Api, seeded: Any
) -> None:
    before = await written(seeded.engine)
    jsonl = '{"cin": "93000001C", "facts": {"county": "Kern"}}\n{"cin": "93000002C\x00"}'
    [message] = refusals(await call(api, seeded.tokens.plan_admin, IMPORT, {"j": jsonl}))
    assert message.startswith("variable `$j` contains a NUL character (U+0000) at character 69")
    assert await written(seeded.engine) == before


async def test_a_flood_of_bad_strings_gets_a_bounded_list_of_errors(api: Api, seeded: Any) -> None:
    document = {"labels": ["\x00"] * 5_000}
    messages = refusals(await call(api, seeded.tokens.plan_admin, DRAFT, {"d": document}))
    assert len(messages) == MAX_REPORTED + 1
    assert messages[0].startswith("variable `$d.labels[0]` contains a NUL character")
    assert messages[-1] == f"more text problems; only the first {MAX_REPORTED} are listed"
