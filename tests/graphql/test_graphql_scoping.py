"""Scope: a provider sees only the members and authorizations it is party to; a plan sees only
its own; personal health information never crosses a plan boundary (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.graphql_stack import ANA, OTHER_PLAN, RAY, Api, project_authorization

pytestmark = pytest.mark.temporal

AUTHORIZATION = '{ authorization(id: "%s") { __typename ... on Authorization { memberCin } } }'
MEMBER = '{ member(cin: "%s") { __typename ... on Member { cin facts } } }'
LIST = "{ authorizations { nodes { id provider } } }"


async def test_a_provider_sees_its_own_authorizations_and_not_another_providers(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    mine = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    theirs = await project_authorization(seeded_any.engine, provider=tokens.other_provider_org)

    own = await api_any.call(tokens.provider, AUTHORIZATION % mine)
    other = await api_any.call(tokens.provider, AUTHORIZATION % theirs)
    listed = await api_any.call(tokens.provider, LIST)

    assert own["data"]["authorization"] == {"__typename": "Authorization", "memberCin": ANA}
    assert other["data"]["authorization"]["__typename"] == "NotFound"
    assert [n["id"] for n in listed["data"]["authorizations"]["nodes"]] == [mine]


async def test_a_reviewer_sees_every_authorization_of_the_plan(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    mine = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    theirs = await project_authorization(seeded_any.engine, provider=tokens.other_provider_org)
    listed = await api_any.call(tokens.reviewer, LIST)
    assert {n["id"] for n in listed["data"]["authorizations"]["nodes"]} == {mine, theirs}


async def test_a_provider_sees_a_member_only_when_party_to_them(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    before = await api_any.call(tokens.provider, MEMBER % ANA)
    await project_authorization(seeded_any.engine, provider=tokens.provider_org, cin=ANA)
    after = await api_any.call(tokens.provider, MEMBER % ANA)
    ray = await api_any.call(tokens.provider, MEMBER % RAY)

    assert before["data"]["member"]["__typename"] == "NotFound"
    assert after["data"]["member"]["cin"] == ANA
    assert ray["data"]["member"]["__typename"] == "NotFound"


async def test_a_provider_identifies_a_new_member_by_birth_date_for_eligibility(
    api_any: Api, seeded_any: Any
) -> None:
    query = '{ eligibility(cin: "%s", support: "respite", birthDate: "%s") { __typename } }'
    right = await api_any.call(seeded_any.tokens.provider, query % (ANA, "1945-03-08"))
    wrong = await api_any.call(seeded_any.tokens.provider, query % (ANA, "1950-01-01"))
    assert right["data"]["eligibility"]["__typename"] == "Eligibility"
    assert wrong["data"]["eligibility"]["__typename"] == "NotFound"


async def test_phi_never_crosses_a_plan_boundary(api_any: Api, seeded_any: Any) -> None:
    tokens = seeded_any.tokens
    ours = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    theirs = await project_authorization(
        seeded_any.engine, provider="elsewhere", plan=OTHER_PLAN, cin=ANA
    )
    foreign = tokens.foreign_reviewer

    assert (await api_any.call(foreign, AUTHORIZATION % ours))["data"]["authorization"][
        "__typename"
    ] == "NotFound"
    listed = await api_any.call(foreign, LIST)
    assert [n["id"] for n in listed["data"]["authorizations"]["nodes"]] == [theirs]
    member = await api_any.call(foreign, MEMBER % ANA)
    assert member["data"]["member"]["__typename"] == "Member"  # the other plan's own record
    assert (await api_any.call(tokens.reviewer, AUTHORIZATION % theirs))["data"]["authorization"][
        "__typename"
    ] == "NotFound"


async def test_a_plan_team_reads_only_its_own_and_the_dhcs_definitions(
    api_any: Api, seeded_any: Any
) -> None:
    query = '{ definitions(plan: "%s") { nodes { plan } } }'
    own = await api_any.call(seeded_any.tokens.plan_admin, query % "demo-plan")
    baseline = await api_any.call(seeded_any.tokens.plan_admin, query % "dhcs")
    other = await api_any.call(seeded_any.tokens.plan_admin, query % OTHER_PLAN)
    assert {n["plan"] for n in own["data"]["definitions"]["nodes"]} == {"demo-plan"}
    assert {n["plan"] for n in baseline["data"]["definitions"]["nodes"]} == {"dhcs"}
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
