"""Notices over the API: listed on the authorization and on the member, with kind, language,
reason code, delivery status and download URLs; the HTML and PDF served to whoever may read the
authorization (a provider only its own); operations record each delivery step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.notices.records import store_notices
from lieu.platform.notices.rendering import render_for_member
from lieu.platform.notices.templates import NoticeTemplates
from tests.graphql.graphql_stack import ANA, Api, Seeded, project_authorization
from tests.platform.notices.notice_cases import facts, pdf_text

pytestmark = pytest.mark.temporal

NOTICES = """
query($id: ID!) { authorization(id: $id) { ... on Authorization { notices {
  id kind adverse language copyOf reasonCode issuedAt deliveryStatus htmlUrl pdfUrl } } } }
"""
MEMBER_NOTICES = """
query($cin: String!) { member(cin: $cin) { ... on Member { notices { id authorizationId } } } }
"""
RECORD = """
mutation($input: NoticeDeliveryInput!) { recordNoticeDelivery(input: $input) {
  __typename
  ... on Notice { id deliveryStatus deliveries { channel status note recordedBy } }
  ... on ValidationErrors { problems { pointer code message } }
  ... on Conflict { code message }
  ... on NotFound { what message }
} }
"""


async def _notice(seeded: Seeded, provider: str, kind: NoticeKind = NoticeKind.DENIAL) -> str:
    """A projected authorization of the provider with a notice in Spanish (and the English copy)."""
    number = await project_authorization(seeded.engine, provider=provider)
    notice_facts = replace(
        facts(kind),
        key=f"{number}:{kind.value}",
        authorization_id=number,
        member_cin=ANA,
        provider=provider,
        issued_at=datetime.now(UTC) - timedelta(hours=2),
    )
    templates = NoticeTemplates(seeded.settings.definitions_dir / "notices")
    renderings = render_for_member(templates, notice_facts, "es")
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        await store_notices(session=session, facts=notice_facts, renderings=renderings)
    return number


def _get(api: Api, path: str, token: str | None) -> Any:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return api.http.get(path, headers=headers)


async def test_an_authorization_lists_its_notices_member_language_first(
    api: Api, seeded: Seeded
) -> None:
    number = await _notice(seeded, seeded.tokens.provider_org)
    answer = await api.call(seeded.tokens.provider, NOTICES, {"id": number})
    spanish, english = answer["data"]["authorization"]["notices"]
    assert (spanish["kind"], spanish["language"], spanish["adverse"]) == ("DENIAL", "es", True)
    assert spanish["reasonCode"] == "criteria_not_met"
    assert spanish["deliveryStatus"] is None
    assert spanish["htmlUrl"] == f"/notices/{spanish['id']}.html"
    assert spanish["pdfUrl"] == f"/notices/{spanish['id']}.pdf"
    assert (english["language"], english["copyOf"]) == ("en", spanish["id"])


async def test_the_provider_downloads_its_notices_html_and_pdf(api: Api, seeded: Seeded) -> None:
    number = await _notice(seeded, seeded.tokens.provider_org)
    answer = await api.call(seeded.tokens.provider, NOTICES, {"id": number})
    spanish = answer["data"]["authorization"]["notices"][0]
    page = await _get(api, spanish["htmlUrl"], seeded.tokens.provider)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Aviso de acción: negación" in page.text
    pdf = await _get(api, spanish["pdfUrl"], seeded.tokens.reviewer)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment;" in pdf.headers["content-disposition"]
    assert "Audiencia Estatal Imparcial" in pdf_text(pdf.content)


async def test_another_provider_neither_lists_nor_downloads_a_providers_notices(
    api: Api, seeded: Seeded
) -> None:
    tokens = seeded.tokens
    number = await _notice(seeded, tokens.provider_org)
    listed = await api.call(tokens.provider, NOTICES, {"id": number})
    notice = listed["data"]["authorization"]["notices"][0]
    other = await api.call(tokens.other_provider, NOTICES, {"id": number})
    assert other["data"]["authorization"] == {}  # a NotFound, which has no notices
    for path in (notice["htmlUrl"], notice["pdfUrl"]):
        refused = await _get(api, path, tokens.other_provider)
        assert refused.status_code == 404
        assert refused.json()["code"] == "NOT_FOUND"


async def test_downloads_need_a_token_of_a_role_that_reads_authorizations(
    api: Api, seeded: Seeded
) -> None:
    number = await _notice(seeded, seeded.tokens.provider_org)
    listed = await api.call(seeded.tokens.operations, NOTICES, {"id": number})
    path = listed["data"]["authorization"]["notices"][0]["pdfUrl"]
    anonymous = await _get(api, path, None)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"]
    admin = await _get(api, path, seeded.tokens.plan_admin)
    assert admin.status_code == 403
    assert "not open to plan_admin tokens" in admin.json()["error"]
    foreign = await _get(api, path, seeded.tokens.foreign_reviewer)
    assert foreign.status_code == 404


async def test_a_members_notices_are_those_the_caller_may_see(api: Api, seeded: Seeded) -> None:
    tokens = seeded.tokens
    mine = await _notice(seeded, tokens.provider_org)
    theirs = await _notice(seeded, tokens.other_provider_org, NoticeKind.EXTENSION)
    staff = await api.call(tokens.reviewer, MEMBER_NOTICES, {"cin": ANA})
    provider = await api.call(tokens.provider, MEMBER_NOTICES, {"cin": ANA})
    assert {n["authorizationId"] for n in staff["data"]["member"]["notices"]} == {mine, theirs}
    assert {n["authorizationId"] for n in provider["data"]["member"]["notices"]} == {mine}
    admin = await api.call(tokens.plan_admin, MEMBER_NOTICES, {"cin": ANA})
    assert admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_operations_record_deliveries_and_the_latest_is_the_status(
    api: Api, seeded: Seeded
) -> None:
    tokens = seeded.tokens
    number = await _notice(seeded, tokens.provider_org)
    listed = await api.call(tokens.operations, NOTICES, {"id": number})
    notice_id = listed["data"]["authorization"]["notices"][0]["id"]
    at = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    step = {"noticeId": notice_id, "idempotencyKey": "mh-1", "channel": "MAIL", "status": "SENT",
            "at": at, "note": "tracking 9400"}  # fmt: skip
    sent = await api.call(tokens.operations, RECORD, {"input": step})
    again = await api.call(tokens.operations, RECORD, {"input": step})
    returned = {**step, "idempotencyKey": "mh-2", "status": "RETURNED", "note": ""}
    answer = await api.call(tokens.operations, RECORD, {"input": returned})
    assert sent["data"]["recordNoticeDelivery"]["deliveryStatus"] == "SENT"
    assert len(again["data"]["recordNoticeDelivery"]["deliveries"]) == 1
    result = answer["data"]["recordNoticeDelivery"]
    assert result["deliveryStatus"] == "RETURNED"
    assert [d["status"] for d in result["deliveries"]] == ["SENT", "RETURNED"]
    assert result["deliveries"][0]["recordedBy"].startswith("operations:demo-plan")
    shown = await api.call(tokens.provider, NOTICES, {"id": number})
    assert shown["data"]["authorization"]["notices"][0]["deliveryStatus"] == "RETURNED"


async def test_a_delivery_that_cannot_be_is_a_typed_refusal(api: Api, seeded: Seeded) -> None:
    tokens = seeded.tokens
    number = await _notice(seeded, tokens.provider_org)
    listed = await api.call(tokens.operations, NOTICES, {"id": number})
    notice_id = listed["data"]["authorization"]["notices"][0]["id"]
    early = {"noticeId": notice_id, "idempotencyKey": "e", "channel": "EMAIL",
             "status": "DELIVERED", "at": "2020-01-01T00:00:00Z"}  # fmt: skip
    refused = await api.call(tokens.operations, RECORD, {"input": early})
    problem = refused["data"]["recordNoticeDelivery"]["problems"][0]
    assert (problem["pointer"], problem["code"]) == ("/at", "before_issued")
    ok = {**early, "at": datetime.now(UTC).isoformat()}
    await api.call(tokens.operations, RECORD, {"input": ok})
    reused = await api.call(tokens.operations, RECORD, {"input": {**ok, "status": "FAILED"}})
    assert reused["data"]["recordNoticeDelivery"]["code"] == "idempotency_key_reused"
    foreign = await api.call(tokens.foreign_reviewer, RECORD, {"input": ok})
    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unknown = await api.call(tokens.operations, RECORD, {"input": {**ok, "noticeId": "N-0"}})
    assert unknown["data"]["recordNoticeDelivery"]["__typename"] == "NotFound"
    provider = await api.call(tokens.provider, RECORD, {"input": ok})
    assert provider["errors"][0]["extensions"]["code"] == "FORBIDDEN"
