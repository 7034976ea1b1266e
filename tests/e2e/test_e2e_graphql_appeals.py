"""Appeals and grievances over HTTP with a real GraphQL client: real uvicorn, the real Temporal
dev server, a worker, SQLite. A reviewer denies Ana's respite; the provider appeals for her
(with her consent); the first reviewer may not decide it; a second reviewer overturns it, the
member's notice of resolution is issued and the request goes to the provider. Operations
record a grievance, acknowledge and resolve it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from gql import gql

from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.e2e.test_e2e_graphql_provider_journey import (
    DECIDE,
    REQUEST,
    STATUS,
    Session,
    _until,
    running,
)
from tests.graphql.graphql_stack import ANA, PLAN, TODAY, Seeded

pytestmark = pytest.mark.temporal
__all__ = ["running"]  # the fixture, used by name

FILE = gql(
    """
    mutation File($input: AppealInput!) {
      fileAppeal(input: $input) {
        __typename
        ... on Appeal { id status deadline receivedAt firstDecidedBy onBehalf expedited }
        ... on ValidationErrors { problems { pointer code } }
        ... on Error { message }
      }
    }
    """
)
ONE = gql(
    """
    query One($id: ID!) {
      appeal(id: $id) { ... on Appeal { id status expedited } ... on Error { message } }
    }
    """
)
RESOLVE = gql(
    """
    mutation Resolve($input: AppealDecisionInput!) {
      decideAppeal(input: $input) {
        __typename
        ... on Appeal { id status outcome decidedBy quantityApproved }
        ... on Conflict { code }
        ... on Error { message }
      }
    }
    """
)
APPEALS = gql(
    """
    query Appeals($id: ID!) {
      appeals(status: OPEN) { nodes { id } }
      authorization(id: $id) {
        ... on Authorization {
          status quantityApproved
          appeals { id status outcome }
          notices { kind }
        }
      }
    }
    """
)
GRIEVE = gql(
    """
    mutation Grieve($input: GrievanceInput!) {
      fileGrievance(input: $input) {
        __typename
        ... on Grievance { id acknowledgeBy resolveBy receivedAt }
        ... on ValidationErrors { problems { pointer code } }
      }
    }
    """
)
ACKNOWLEDGE = gql(
    """
    mutation Ack($input: GrievanceResolutionInput!) {
      acknowledgeGrievance(input: $input) { ... on Grievance { acknowledgedAt } }
    }
    """
)
SETTLE = gql(
    """
    mutation Settle($input: GrievanceResolutionInput!) {
      resolveGrievance(input: $input) {
        __typename
        ... on Grievance { resolvedAt resolution }
        ... on Conflict { code }
      }
    }
    """
)
GRIEVANCES = gql(
    """
    query Grievances($at: DateTime) { grievances(overdueAt: $at) { nodes { id } } }
    """
)


async def _second_reviewer(seeded: Seeded) -> str:
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        issued = await issue_token(
            session=session, role=Role.REVIEWER, plan=PLAN, label="appeals", actor="test"
        )
    return issued.secret


async def _denied(provider: Session, reviewer: Session) -> str:
    made = (
        await provider(
            REQUEST,
            input={
                "cin": ANA,
                "support": "respite",
                "serviceStart": TODAY.isoformat(),
                "quantity": "40",
                "unit": "hours",
                "idempotencyKey": f"appeal-{uuid.uuid4().hex}",
                "birthDate": "1945-03-08",
            },
        )
    )["requestAuthorization"]
    number: str = made["id"]

    async def pending() -> bool:
        found = (await reviewer(STATUS, id=number))["authorization"]
        return found.get("status") == "PENDING_REVIEW"

    await _until(pending, "the request to wait for review")
    denied = (
        await reviewer(
            DECIDE,
            input={
                "authorizationId": number,
                "idempotencyKey": "deny-1",
                "decision": "DENY",
                "reason": "the caregiver has in-home support",
                "reasonCode": "DUPLICATE_SERVICE",
            },
        )
    )["decideReview"]
    assert denied["status"] == "DENIED", denied
    return number


async def test_a_provider_appeals_a_denial_and_another_reviewer_overturns_it(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    provider = Session(base, seeded.tokens.provider)
    reviewer = Session(base, seeded.tokens.reviewer)
    appeals_reviewer = Session(base, await _second_reviewer(seeded))
    number = await _denied(provider, reviewer)
    appeal: dict[str, Any] = {
        "authorizationId": number,
        "idempotencyKey": "appeal-1",
        "reason": "her caregiver works nights now",
    }
    no_consent = (await provider(FILE, input=appeal))["fileAppeal"]
    assert no_consent["problems"] == [{"pointer": "/memberConsent", "code": "consent_required"}]
    filed = (await provider(FILE, input={**appeal, "memberConsent": True}))["fileAppeal"]
    assert filed["__typename"] == "Appeal", filed
    assert filed["status"] == "OPEN" and filed["onBehalf"] == "provider"
    assert filed["firstDecidedBy"].startswith("reviewer:")
    received = datetime.fromisoformat(filed["receivedAt"])
    assert datetime.fromisoformat(filed["deadline"]) - received == timedelta(days=30)
    # read at once, before or after its workflow has written its row
    read = (await provider(ONE, id=filed["id"]))["appeal"]
    assert read == {"id": filed["id"], "status": "OPEN", "expedited": False}, read
    again = (await provider(FILE, input={**appeal, "memberConsent": True}))["fileAppeal"]
    assert again["id"] == filed["id"], "the same key names the same appeal"

    decision = {
        "appealId": filed["id"],
        "idempotencyKey": "resolve-1",
        "outcome": "OVERTURNED",
        "reason": "the night shifts leave no one with her",
    }
    same = (await reviewer(RESOLVE, input=decision))["decideAppeal"]
    assert same["code"] == "same_reviewer" and "438.406" in same["message"], same
    resolved = (await appeals_reviewer(RESOLVE, input=decision))["decideAppeal"]
    assert resolved["status"] == "RESOLVED" and resolved["outcome"] == "OVERTURNED", resolved
    assert resolved["quantityApproved"] == "40"

    after = await appeals_reviewer(APPEALS, id=number)
    assert filed["id"] not in [a["id"] for a in after["appeals"]["nodes"]]
    authorization = after["authorization"]
    assert authorization["status"] == "AWAITING_PROVIDER", authorization
    assert authorization["quantityApproved"] == "40"
    assert authorization["appeals"] == [
        {"id": filed["id"], "status": "RESOLVED", "outcome": "OVERTURNED"}
    ]
    kinds = [notice["kind"] for notice in authorization["notices"]]
    assert "DENIAL" in kinds and "APPEAL_RESOLUTION" in kinds


async def test_operations_record_acknowledge_and_resolve_a_grievance(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    operations = Session(base, seeded.tokens.operations)
    bad = (
        await operations(
            GRIEVE,
            input={"memberCin": ANA, "idempotencyKey": "g0", "category": "rude", "description": ""},
        )
    )["fileGrievance"]
    assert bad["problems"] == [{"pointer": "/category", "code": "bad_category"}]
    grievance = {
        "memberCin": ANA,
        "idempotencyKey": f"g-{uuid.uuid4().hex}",
        "category": "timeliness",
        "description": "the plan took two more weeks on my appeal",
    }
    filed = (await operations(GRIEVE, input=grievance))["fileGrievance"]
    assert filed["__typename"] == "Grievance", filed
    received = datetime.fromisoformat(filed["receivedAt"])
    acknowledge_by = datetime.fromisoformat(filed["acknowledgeBy"])
    resolve_by = datetime.fromisoformat(filed["resolveBy"])
    # California's defaults: acknowledged within 5 days, resolved within 30 (end of that day)
    assert timedelta(days=5) <= acknowledge_by - received <= timedelta(days=6)
    assert timedelta(days=30) <= resolve_by - received <= timedelta(days=31)
    later = (acknowledge_by + timedelta(hours=1)).astimezone(UTC).isoformat()
    overdue = (await operations(GRIEVANCES, at=later))["grievances"]["nodes"]
    assert filed["id"] in [g["id"] for g in overdue]
    acked = await operations(ACKNOWLEDGE, input={"grievanceId": filed["id"]})
    assert acked["acknowledgeGrievance"]["acknowledgedAt"]
    overdue = (await operations(GRIEVANCES, at=later))["grievances"]["nodes"]
    assert filed["id"] not in [g["id"] for g in overdue]
    done = {"grievanceId": filed["id"], "resolution": "apologized; the appeal was decided"}
    settled = (await operations(SETTLE, input=done))["resolveGrievance"]
    assert settled["resolvedAt"] and settled["resolution"] == done["resolution"]
    changed = (await operations(SETTLE, input={**done, "resolution": "other"}))["resolveGrievance"]
    assert changed == {"__typename": "Conflict", "code": "already_resolved"}


END = gql(
    """
    mutation End($input: EndAuthorizationInput!) {
      endAuthorization(input: $input) {
        __typename
        ... on Authorization { status serviceEnd notices { kind } }
        ... on Error { message }
      }
    }
    """
)
RESPOND = gql(
    """
    mutation Respond($input: ReferralResponseInput!) {
      respondToReferral(input: $input) { ... on Authorization { status } ... on Error { message } }
    }
    """
)


async def test_ending_an_active_authorization_sends_a_termination_notice_ten_days_ahead(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    provider = Session(base, seeded.tokens.provider)
    reviewer = Session(base, seeded.tokens.reviewer)
    made = (
        await provider(
            REQUEST,
            input={
                "cin": ANA,
                "support": "respite",
                "serviceStart": TODAY.isoformat(),
                "quantity": "40",
                "unit": "hours",
                "idempotencyKey": f"end-{uuid.uuid4().hex}",
                "birthDate": "1945-03-08",
            },
        )
    )["requestAuthorization"]
    number = made["id"]

    async def pending() -> bool:
        found = (await reviewer(STATUS, id=number))["authorization"]
        return found.get("status") == "PENDING_REVIEW"

    await _until(pending, "the request to wait for review")
    approve = {
        "authorizationId": number,
        "idempotencyKey": "approve",
        "decision": "APPROVE",
        "reason": "meets criteria",
    }
    assert (await reviewer(DECIDE, input=approve))["decideReview"]["status"] == "AWAITING_PROVIDER"
    accept = {"authorizationId": number, "idempotencyKey": "accept", "accept": True}
    assert (await provider(RESPOND, input=accept))["respondToReferral"]["status"] == "ACTIVE"
    ending = {"authorizationId": number, "idempotencyKey": "end", "reason": "moved out of county"}
    ended = (await reviewer(END, input=ending))["endAuthorization"]
    assert ended["__typename"] == "Authorization", ended
    assert ended["status"] == "ACTIVE"  # until the notice has run
    today = datetime.fromisoformat(ended["serviceEnd"]).date() - timedelta(days=9)
    assert abs((today - TODAY).days) <= 1  # the plan's date (Pacific) may differ from UTC's
    assert "TERMINATION" in [notice["kind"] for notice in ended["notices"]]
