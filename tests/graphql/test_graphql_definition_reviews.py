"""Four eyes through GraphQL: the author submits a draft; a colleague with an approver token
approves it (published as submitted, effective on the date given) or returns it; the author
cannot approve their own, a token without the flag cannot approve, and every step is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from tests.graphql.graphql_stack import Api
from tests.graphql.test_graphql_plan_team import CREATE, plan_respite

pytestmark = pytest.mark.temporal

SUBMIT = """mutation { submitDefinition(support: "respite", version: 1, note: "ADL 3+") {
  __typename ... on DefinitionReview { id status submittedBy } ... on Error { message } } }"""
APPROVE = """mutation($id: ID!) { approveDefinition(reviewId: $id, effectiveFrom: "2026-02-01",
  comment: "matches the policy") { __typename
  ... on Definition { status effectiveFrom contentHash } ... on Error { message } } }"""
RETURN = """mutation($id: ID!) { returnDefinition(reviewId: $id, comment: "say 4 ADLs") {
  __typename ... on DefinitionReview { status comment decidedBy } ... on Error { message } } }"""
EDIT = """mutation($d: JSON!) { editDraft(document: $d) { __typename
  ... on Conflict { code message } } }"""
PUBLISH = """mutation { publishDefinition(support: "respite", version: 1) { __typename
  ... on Conflict { code message } } }"""


async def _submitted(api: Api, seeded: Any) -> str:
    author = seeded.tokens.plan_admin
    created = await api.call(author, CREATE, {"d": plan_respite()})
    assert created["data"]["createDraft"]["__typename"] == "Definition", created
    submitted = (await api.call(author, SUBMIT))["data"]["submitDefinition"]
    assert submitted["__typename"] == "DefinitionReview", submitted
    assert submitted["status"] == "PENDING"
    review_id: str = submitted["id"]
    return review_id


async def test_a_colleague_approves_and_the_draft_is_published_on_their_date(
    api: Api, seeded: Any
) -> None:
    review = await _submitted(api, seeded)
    author, approver = seeded.tokens.plan_admin, seeded.tokens.approver
    frozen = await api.call(author, EDIT, {"d": {**plan_respite(), "title": "changed"}})
    assert frozen["data"]["editDraft"]["code"] == "under_review"
    direct = (await api.call(author, PUBLISH))["data"]["publishDefinition"]
    assert direct["code"] == "under_review"
    own = (await api.call(author, APPROVE, {"id": review}))["data"]["approveDefinition"]
    assert own["__typename"] == "NotAllowed" and "approver token" in own["message"]
    approved = (await api.call(approver, APPROVE, {"id": review}))["data"]["approveDefinition"]
    assert approved["__typename"] == "Definition", approved
    assert (approved["status"], approved["effectiveFrom"]) == ("PUBLISHED", "2026-02-01")
    left = await api.call(author, "{ definitionReviews { id } }")
    assert left["data"]["definitionReviews"] == []
    decided = await api.call(author, "{ definitionReviews(status: null) { status decidedBy } }")
    (row,) = decided["data"]["definitionReviews"]
    assert row["status"] == "APPROVED" and row["decidedBy"].endswith(":approver")
    async with create_session_factory(seeded.engine)() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.action.in_(["submitDefinition", "approveDefinition"])
                )
            )
        )
    assert actions.count("submitDefinition") == 1
    assert actions.count("approveDefinition") == 2, "the refusal and the approval"


async def test_an_approver_who_wrote_the_draft_cannot_approve_it(api: Api, seeded: Any) -> None:
    approver = seeded.tokens.approver
    created = await api.call(approver, CREATE, {"d": plan_respite()})
    assert created["data"]["createDraft"]["__typename"] == "Definition"
    submitted = (await api.call(approver, SUBMIT))["data"]["submitDefinition"]
    answer = await api.call(approver, APPROVE, {"id": submitted["id"]})
    refused = answer["data"]["approveDefinition"]
    assert refused["__typename"] == "NotAllowed" and "a colleague" in refused["message"]


async def test_a_returned_draft_goes_back_to_its_author_with_the_comment(
    api: Api, seeded: Any
) -> None:
    review = await _submitted(api, seeded)
    sent = (await api.call(seeded.tokens.approver, RETURN, {"id": review}))["data"]
    assert sent["returnDefinition"]["status"] == "RETURNED"
    assert sent["returnDefinition"]["comment"] == "say 4 ADLs"
    edited = await api.call(
        seeded.tokens.plan_admin, EDIT, {"d": {**plan_respite(min_adl=4), "title": "4 ADLs"}}
    )
    assert edited["data"]["editDraft"]["__typename"] == "Definition"
