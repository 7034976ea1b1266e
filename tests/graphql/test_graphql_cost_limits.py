"""An operation's cost is estimated before it runs (fields, times the pages asked for, plus the
weight of the fields that do real work); one over the budget is refused with its cost, the
budget and how to lower it, and nothing of it runs: 15 aliased simulations are not simulated."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse
from sqlalchemy import func, select

from lieu.graphql.cost import LIST_ESTIMATE, WEIGHTS, operation_cost
from lieu.graphql.pagination import DEFAULT_PAGE, MAX_PAGE
from lieu.graphql.schema import build_schema
from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from lieu.settings import DEFAULT_GRAPHQL_MAX_COST
from tests.graphql.conftest import in_process
from tests.graphql.graphql_stack import Api
from tests.graphql.test_graphql_plan_team import CREATE, plan_respite

SCHEMA = build_schema()._schema


def cost_of(query: str, variables: dict[str, Any] | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables).total


def simulations(count: int) -> str:
    return (
        "{ "
        + " ".join(
            f's{i}: simulateDraft(support: "respite", version: 1, on: "2026-03-02") '
            "{ __typename ... on DraftSimulation { members } }"
            for i in range(count)
        )
        + " }"
    )


def test_scalars_cost_nothing_and_objects_one() -> None:
    assert cost_of("{ service { name } }") == 1
    assert cost_of("{ me { role plan } }") == 1


def test_a_page_multiplies_what_it_selects() -> None:
    one_item = cost_of("{ authorizations(first: 1) { nodes { id member { cin } } } }")
    hundred = cost_of("{ authorizations(first: 100) { nodes { id member { cin } } } }")
    assert (one_item, hundred) == (1 + 1 * 2, 1 + 100 * 2)


def test_a_page_left_out_counts_as_the_default_page_and_a_variable_counts_as_sent() -> None:
    query = "query($n: Int) { members(first: $n) { nodes { cin } } }"
    assert cost_of(query, {}) == 1 + DEFAULT_PAGE * 1
    assert cost_of(query, {"n": 7}) == 1 + 7
    assert cost_of(query, {"n": 10**9}) == 1 + MAX_PAGE  # refused by the page limit anyway


def test_a_list_that_does_not_page_counts_as_several_items() -> None:
    assert cost_of('{ authorization(id: "x") { ... on Authorization { timeline { at } } } }') == (
        1 + 1 * (1 + LIST_ESTIMATE * 0)
    )
    nested = '{ definitionHistory(support: "respite") { version } }'
    assert cost_of(nested) == 1


def test_fragments_and_aliases_are_counted_each_time() -> None:
    spread = """query { a: members(first: 10) { ...M } b: members(first: 10) { ...M } }
    fragment M on MemberConnection { nodes { cin } }"""
    assert cost_of(spread) == 2 * (1 + 10 * 1)


def test_expensive_fields_carry_their_weight() -> None:
    assert cost_of(simulations(1)) == WEIGHTS["simulateDraft"] + 1
    estimate = operation_cost(SCHEMA, parse(simulations(3)), None, None)
    assert estimate.expensive == {"simulateDraft": 3}
    assert cost_of(simulations(15)) > DEFAULT_GRAPHQL_MAX_COST


def test_the_refusal_says_the_cost_the_budget_and_how_to_lower_it() -> None:
    estimate = operation_cost(SCHEMA, parse(simulations(15)), None, None)
    assert estimate.explain(1_000) == (
        "this operation would cost 4,515 and the budget per request is 1,000 "
        "(LIEU_GRAPHQL_MAX_COST); the most costly: simulateDraft ×15: 4,515. To lower it: ask "
        "for smaller pages with `first`, select fewer nested lists, ask for fewer of "
        "simulateDraft at once, or split it into several requests"
    )


async def audited(engine: Any, action: str) -> int:
    async with create_session_factory(engine)() as session:
        found = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )
    return int(found or 0)


@pytest.mark.temporal
async def test_fifteen_aliased_simulations_are_refused_before_one_runs(
    api_any: Api, seeded_any: Any
) -> None:
    token = seeded_any.tokens.plan_admin
    created = await api_any.call(token, CREATE, {"d": plan_respite()})
    assert created["data"]["createDraft"]["status"] == "DRAFT"
    before = await audited(seeded_any.engine, "simulateDraft")

    refused = await api_any.call(token, simulations(15))
    assert refused["data"] is None
    error = refused["errors"][0]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 4515, "budget": 1000}
    assert "ask for fewer of simulateDraft at once" in error["message"]
    assert await audited(seeded_any.engine, "simulateDraft") == before  # not one simulated

    allowed = await api_any.call(token, simulations(2))
    assert [allowed["data"][f"s{i}"]["members"] for i in range(2)] == [2, 2], allowed
    assert await audited(seeded_any.engine, "simulateDraft") == before + 2


@pytest.mark.temporal
async def test_a_page_over_the_budget_is_refused_and_a_smaller_one_answered(
    api: Api, seeded: Any
) -> None:
    token = seeded.tokens.reviewer
    wide = " ".join(
        f"a{i}: authorizations(first: $n) {{ nodes {{ id member {{ cin }} timeline {{ at }} }} }}"
        for i in range(5)
    )
    query = f"query($n: Int) {{ {wide} }}"
    refused = await api.call(token, query, {"n": 100})
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert refused["errors"][0]["extensions"]["cost"] == 5 * (1 + 100 * 3)
    answered = await api.call(token, query, {"n": 10})
    assert "errors" not in answered, answered


@pytest.mark.temporal
async def test_the_budget_is_a_setting(seeded: Any) -> None:
    async with in_process(seeded.settings.with_(graphql_max_cost=50)) as api:
        refused = await api.call(
            seeded.tokens.plan_admin, "{ members(first: 60) { nodes { cin } } }"
        )
        assert refused["errors"][0]["extensions"]["budget"] == 50
        answered = await api.call(
            seeded.tokens.plan_admin, "{ members(first: 40) { nodes { cin } } }"
        )
        assert "errors" not in answered, answered
