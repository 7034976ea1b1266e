"""Notes on a referral are shared by its provider and the plan's staff, and by no other
organization; a provider registers, lists and removes its webhooks and is answered its secret
once. Every call is audited (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import Api, Seeded, project_authorization

pytestmark = pytest.mark.temporal

ADD = """
mutation($id: ID!, $text: String!) {
  addReferralNote(input: {authorizationId: $id, text: $text}) {
    __typename
    ... on ReferralNote { text author authorRole }
    ... on Error { message }
  }
}
"""
READ = """
query($id: ID!) {
  referralNotes(authorizationId: $id) {
    __typename
    ... on ReferralNotes { notes { text authorRole } }
    ... on Error { message }
  }
}
"""
REGISTER = """
mutation($url: String!) {
  registerWebhook(input: {url: $url}) {
    __typename
    ... on WebhookRegistered { secret webhook { id url } }
    ... on ValidationErrors { message problems { pointer code } }
  }
}
"""


async def _actions(seeded: Seeded, action: str) -> list[tuple[str, str]]:
    async with create_session_factory(seeded.engine)() as session:
        rows = await session.execute(
            select(AuditEntry.outcome, AuditEntry.detail)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [(outcome, detail or "") for outcome, detail in rows]


async def test_a_note_is_read_by_the_plan_and_not_by_another_organization(
    api_any: Api, seeded_any: Seeded
) -> None:
    tokens = seeded_any.tokens
    number = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    said = await api_any.call(
        tokens.provider, ADD, {"id": number, "text": "member asked to start Monday"}
    )
    answered = await api_any.call(tokens.reviewer, ADD, {"id": number, "text": "noted, thanks"})
    empty = await api_any.call(tokens.provider, ADD, {"id": number, "text": "  "})
    other = await api_any.call(tokens.other_provider, ADD, {"id": number, "text": "not ours"})
    read: dict[str, Any] = await api_any.call(tokens.operations, READ, {"id": number})
    hidden = await api_any.call(tokens.other_provider, READ, {"id": number})

    assert said["data"]["addReferralNote"]["authorRole"] == "provider"
    assert answered["data"]["addReferralNote"]["__typename"] == "ReferralNote"
    assert empty["data"]["addReferralNote"]["__typename"] == "ValidationErrors"
    assert other["data"]["addReferralNote"]["__typename"] == "NotFound"
    assert read["data"]["referralNotes"]["notes"] == [
        {"text": "member asked to start Monday", "authorRole": "provider"},
        {"text": "noted, thanks", "authorRole": "reviewer"},
    ]
    assert hidden["data"]["referralNotes"]["__typename"] == "NotFound"
    outcomes = [outcome for outcome, _ in await _actions(seeded_any, "addReferralNote")]
    assert outcomes == ["ok", "ok", "invalid", "not_found"]
    assert [o for o, _ in await _actions(seeded_any, "referralNotes")] == ["ok", "not_found"]


async def test_a_provider_registers_lists_and_removes_a_webhook(api: Api, seeded: Seeded) -> None:
    tokens = seeded.tokens
    insecure = await api.call(tokens.provider, REGISTER, {"url": "http://org.example/hook"})
    made = await api.call(tokens.provider, REGISTER, {"url": "https://org.example/hook"})
    again = await api.call(tokens.provider, REGISTER, {"url": "https://org.example/hook"})
    ours = await api.call(tokens.provider, "{ webhooks { id url } }")
    theirs = await api.call(tokens.other_provider, "{ webhooks { id url } }")
    registered = made["data"]["registerWebhook"]
    webhook_id = registered["webhook"]["id"]
    not_theirs = await api.call(
        tokens.other_provider, f'mutation {{ removeWebhook(id: "{webhook_id}") {{ __typename }} }}'
    )
    removed = await api.call(
        tokens.provider, f'mutation {{ removeWebhook(id: "{webhook_id}") {{ __typename }} }}'
    )
    after = await api.call(tokens.provider, "{ webhooks { id } }")

    problem = insecure["data"]["registerWebhook"]
    assert problem["problems"] == [{"pointer": "/url", "code": "INSECURE_URL"}]
    assert registered["secret"].startswith("whsec_")
    assert again["data"]["registerWebhook"]["problems"][0]["code"] == "ALREADY_REGISTERED"
    assert ours["data"]["webhooks"] == [{"id": webhook_id, "url": "https://org.example/hook"}]
    assert theirs["data"]["webhooks"] == []
    assert not_theirs["data"]["removeWebhook"]["__typename"] == "NotFound"
    assert removed["data"]["removeWebhook"]["__typename"] == "Webhook"
    assert after["data"]["webhooks"] == []
    audited = await _actions(seeded, "registerWebhook")
    assert [outcome for outcome, _ in audited] == ["invalid", "ok", "invalid"]
    assert all(registered["secret"] not in detail for _, detail in audited)
