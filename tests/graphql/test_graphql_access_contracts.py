"""Contracts as data, through GraphQL (SQLite and PostgreSQL): a provider organization may
request only the supports its plan contracted it for, and is told why otherwise; plan
administrators add and remove contracts (audited); providers read only their own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import RAY, Api

pytestmark = pytest.mark.temporal

# Ray is no member the provider serves: a request that passes the contract check is answered
# NotFound for the member, before any workflow starts.
REQUEST = """mutation($support: String!) {
  requestAuthorization(input: {cin: "CIN", support: $support, quantity: "1", unit: "days",
                               idempotencyKey: "contract-test"}) {
    __typename ... on Error { message }
  }
}""".replace("CIN", RAY)
ADD = """mutation($provider: String!, $support: String!) {
  addContract(input: {provider: $provider, support: $support}) {
    __typename ... on Contract { provider support createdBy }
    ... on ValidationErrors { message problems { pointer code } }
  }
}"""
REMOVE = """mutation($provider: String!, $support: String!) {
  removeContract(input: {provider: $provider, support: $support}) {
    __typename ... on Error { message }
  }
}"""
CONTRACTS = "query($p: String) { contracts(provider: $p) { provider support } }"


async def _dissociate(api: Api, seeded: Any, support: str) -> None:
    tokens = seeded.tokens
    gone = await api.call(
        tokens.plan_admin, REMOVE, {"provider": tokens.provider_org, "support": support}
    )
    assert gone["data"]["removeContract"]["__typename"] == "Contract"


async def test_a_provider_may_request_only_a_support_it_is_contracted_for(
    api_any: Api, seeded_any: Any
) -> None:
    tokens = seeded_any.tokens
    await _dissociate(api_any, seeded_any, "respite")
    refused = await api_any.call(tokens.provider, REQUEST, {"support": "respite"})
    other_support = await api_any.call(tokens.provider, REQUEST, {"support": "housing-deposits"})
    other_org = await api_any.call(tokens.other_provider, REQUEST, {"support": "respite"})
    added = await api_any.call(
        tokens.plan_admin, ADD, {"provider": tokens.provider_org, "support": "respite"}
    )
    again = await api_any.call(tokens.provider, REQUEST, {"support": "respite"})

    answer = refused["data"]["requestAuthorization"]
    assert answer["__typename"] == "NotAllowed"
    assert answer["message"].startswith(
        f"{tokens.provider_org} is not contracted by demo-plan for respite (its contracts "
        "cover alf-transitions, asthma-remediation,"
    )
    assert "addContract" in answer["message"]
    # past the contract check, the request goes on to identify the member
    assert other_support["data"]["requestAuthorization"]["__typename"] == "NotFound"
    assert other_org["data"]["requestAuthorization"]["__typename"] == "NotFound"
    assert added["data"]["addContract"]["__typename"] == "Contract"
    assert added["data"]["addContract"]["createdBy"].startswith("plan_admin:demo-plan")
    assert again["data"]["requestAuthorization"]["__typename"] == "NotFound"


async def test_a_contract_for_an_unknown_support_or_a_bad_organization_id_is_refused(
    api_any: Api, seeded_any: Any
) -> None:
    admin = seeded_any.tokens.plan_admin
    support = await api_any.call(admin, ADD, {"provider": "cbo", "support": "respit"})
    provider = await api_any.call(admin, ADD, {"provider": "CBO <b>", "support": "respite"})
    missing = await api_any.call(admin, REMOVE, {"provider": "nobody", "support": "respite"})

    bad_support = support["data"]["addContract"]
    assert bad_support["problems"] == [{"pointer": "/support", "code": "bad_contract"}]
    assert (
        "no published definition of support 'respit'; the supports are" in (bad_support["message"])
    )
    assert "respite" in bad_support["message"]
    bad_provider = provider["data"]["addContract"]
    assert bad_provider["problems"] == [{"pointer": "/provider", "code": "bad_contract"}]
    assert missing["data"]["removeContract"]["__typename"] == "NotFound"
    async with create_session_factory(seeded_any.engine)() as session:
        audited = await session.execute(
            select(AuditEntry.action, AuditEntry.outcome)
            .where(AuditEntry.action.in_(["addContract", "removeContract"]))
            .order_by(AuditEntry.id)
        )
        assert [tuple(row) for row in audited] == [
            ("addContract", "invalid"),
            ("addContract", "invalid"),
            ("removeContract", "not_found"),
        ]


async def test_a_provider_reads_only_its_own_contracts(api_any: Api, seeded_any: Any) -> None:
    tokens = seeded_any.tokens
    own = await api_any.call(tokens.provider, CONTRACTS)
    theirs = await api_any.call(tokens.provider, CONTRACTS, {"p": tokens.other_provider_org})
    staff = await api_any.call(tokens.operations, CONTRACTS, {"p": tokens.other_provider_org})

    assert {c["provider"] for c in own["data"]["contracts"]} == {tokens.provider_org}
    assert "respite" in {c["support"] for c in own["data"]["contracts"]}
    assert theirs["data"]["contracts"] == []
    assert {c["provider"] for c in staff["data"]["contracts"]} == {tokens.other_provider_org}
