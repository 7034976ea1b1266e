"""Every read of member data and every write is audited: who, what, when, from where."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import ANA, Api

pytestmark = pytest.mark.temporal


async def audit_rows(engine: Any) -> list[AuditEntry]:
    async with create_session_factory(engine)() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def test_an_eligibility_check_is_audited_with_who_what_when_and_where(
    api_any: Api, seeded_any: Any
) -> None:
    query = (
        f'{{ eligibility(cin: "{ANA}", support: "respite", birthDate: "1945-03-08") '
        "{ __typename } }"
    )
    await api_any.call(seeded_any.tokens.provider, query)
    [row] = await audit_rows(seeded_any.engine)
    assert (row.role, row.plan, row.provider) == (
        "provider",
        "demo-plan",
        seeded_any.tokens.provider_org,
    )
    assert (row.action, row.target, row.outcome) == ("eligibility", f"member:demo-plan/{ANA}", "ok")
    assert (row.client_ip, row.user_agent) == ("203.0.113.7", "graphql-tests/1")
    assert row.detail == "respite: eligible" and row.at is not None


async def test_a_member_import_and_its_audit_line_commit_together(
    api_any: Api, seeded_any: Any
) -> None:
    line = '{"cin": "92000001B", "facts": {"birth_date": "1990-01-01", "county": "Kern"}}'
    answer = await api_any.call(
        seeded_any.tokens.plan_admin,
        "mutation($j: String!) { importMembers(jsonl: $j) "
        "{ __typename ... on MembersImported { created } } }",
        {"j": line},
    )
    assert answer["data"]["importMembers"] == {"__typename": "MembersImported", "created": 1}
    [row] = await audit_rows(seeded_any.engine)
    assert (row.action, row.target, row.detail) == (
        "importMembers",
        "members:demo-plan",
        "1 created, 0 updated",
    )


async def test_a_refused_role_is_audited_as_denied(api_any: Api, seeded_any: Any) -> None:
    await api_any.call(seeded_any.tokens.provider, "{ members { nodes { cin } } }")
    [row] = await audit_rows(seeded_any.engine)
    assert (row.action, row.outcome, row.detail) == ("members", "denied", "role provider")


async def test_reads_without_member_data_are_not_audited(api_any: Api, seeded_any: Any) -> None:
    await api_any.call(
        seeded_any.tokens.provider, '{ offerings(county: "sacramento") { support } }'
    )
    assert await audit_rows(seeded_any.engine) == []


async def test_operations_read_the_audit_log_of_their_plan_only(
    api_any: Api, seeded_any: Any
) -> None:
    await api_any.call(seeded_any.tokens.reviewer, f'{{ member(cin: "{ANA}") {{ __typename }} }}')
    await api_any.call(
        seeded_any.tokens.foreign_reviewer, f'{{ member(cin: "{ANA}") {{ __typename }} }}'
    )
    log = await api_any.call(
        seeded_any.tokens.operations, "{ auditLog { nodes { role action target outcome } } }"
    )
    assert log["data"]["auditLog"]["nodes"] == [
        {
            "role": "reviewer",
            "action": "member",
            "target": f"member:demo-plan/{ANA}",
            "outcome": "ok",
        }
    ]
