"""A provider's whole journey over HTTP with a real GraphQL client (gql): real uvicorn, the real
Temporal dev server, a real worker in-process, SQLite.

The provider checks Ana's eligibility for respite, requests 40 hours, a reviewer approves, the
provider accepts the referral and reports 10 hours; the balance drops and the timeline shows
every step.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from temporalio.worker import Worker

from lieu.platform.elections.calendar import ElectionCalendar
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.client import connect
from lieu.workflows.devserver import DevServer
from lieu.workflows.elections.client import ensure_election_workflow
from tests.graphql.graphql_stack import ANA, PLAN, TODAY, Seeded, seeded_stack
from tests.serving import serve

pytestmark = pytest.mark.temporal

ELIGIBILITY = gql(
    """
    query Eligibility($cin: String!, $birthDate: Date) {
      eligibility(cin: $cin, support: "respite", birthDate: $birthDate) {
        __typename
        ... on Eligibility { outcome offered reasons { text } }
        ... on Error { message }
      }
    }
    """
)
REQUEST = gql(
    """
    mutation Request($input: AuthorizationRequestInput!) {
      requestAuthorization(input: $input) {
        __typename
        ... on Authorization { id status quantityRequested }
        ... on Error { message }
      }
    }
    """
)
STATUS = gql(
    """
    query Status($id: ID!) {
      authorization(id: $id) {
        __typename
        ... on Authorization {
          id status quantityReserved quantityUsed remaining
          timeline { seq kind actor text }
        }
        ... on Error { message }
      }
    }
    """
)
QUEUE = gql("query { reviewQueue(first: 50) { nodes { id status reviewDeadline } } }")
DECIDE = gql(
    """
    mutation Decide($input: ReviewDecisionInput!) {
      decideReview(input: $input) {
        __typename
        ... on Authorization { id status quantityApproved }
        ... on Error { message }
      }
    }
    """
)
ASK = gql(
    """
    mutation Ask($input: InformationRequestInput!) {
      requestInformation(input: $input) {
        __typename
        ... on Authorization { status reviewDeadline }
        ... on Error { message }
      }
    }
    """
)
PROVIDE = gql(
    """
    mutation Provide($input: InformationInput!) {
      provideInformation(input: $input) {
        __typename
        ... on Authorization { status }
        ... on Error { message }
      }
    }
    """
)
RESPOND = gql(
    """
    mutation Respond($input: ReferralResponseInput!) {
      respondToReferral(input: $input) {
        __typename
        ... on Authorization { status loopStatus }
        ... on Error { message }
      }
    }
    """
)
REPORT = gql(
    """
    mutation Report($input: ServiceReportInput!) {
      reportService(input: $input) {
        __typename
        ... on ServiceReportResult { accepted used remainingOnAuthorization }
        ... on Error { message }
      }
    }
    """
)
BALANCES = gql(
    """
    query Balances($cin: String!) {
      balances(cin: $cin, support: "respite") {
        __typename
        ... on Balances { limits { limitId remaining held consumed } }
        ... on Error { message }
      }
    }
    """
)


class Session:
    """A gql client session for one bearer token."""

    def __init__(self, base: str, token: str) -> None:
        transport = HTTPXAsyncTransport(
            url=f"{base}/graphql", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.client = Client(transport=transport, fetch_schema_from_transport=False)

    async def __call__(self, document: Any, **variables: Any) -> dict[str, Any]:
        async with self.client as session:
            request = GraphQLRequest(document, variable_values=variables or None)
            result: dict[str, Any] = await session.execute(request)
            return result


@pytest.fixture
async def running(
    settings: Settings, temporal_dev_server: DevServer
) -> AsyncIterator[tuple[str, Seeded]]:
    """A seeded SQLite stack, uvicorn serving the app, and a worker on its own task queue."""
    ready = settings.with_(
        temporal_address=temporal_dev_server.address, task_queue=f"e2e-{uuid.uuid4().hex[:8]}"
    )
    async for seeded in seeded_stack(ready):
        async with _served(seeded) as base:
            yield base, seeded


@asynccontextmanager
async def _served(seeded: Seeded) -> AsyncIterator[str]:
    settings = seeded.settings
    client = await connect(settings)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=registry.workflows(),
        activities=registry.activities(registry.dependencies(settings, seeded.engine)),
    )
    async with worker, serve(settings) as base:
        yield base


async def _until(check: Any, what: str, within: float = 30.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_provider_checks_requests_reviewer_approves_provider_reports_balance_drops(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    provider = Session(base, seeded.tokens.provider)
    reviewer = Session(base, seeded.tokens.reviewer)

    eligible = (await provider(ELIGIBILITY, cin=ANA, birthDate="1945-03-08"))["eligibility"]
    assert eligible["outcome"] == "ELIGIBLE" and eligible["offered"] is True
    assert "met" in eligible["reasons"][0]["text"]

    before = (await reviewer(BALANCES, cin=ANA))["balances"]["limits"][0]
    assert before == {
        "limitId": "respite-hours-per-year",
        "remaining": "336",
        "held": "0",
        "consumed": "0",
    }

    request = {
        "cin": ANA,
        "support": "respite",
        "serviceStart": TODAY.isoformat(),
        "quantity": "40",
        "unit": "hours",
        "idempotencyKey": f"ana-respite-{uuid.uuid4().hex}",
        "birthDate": "1945-03-08",
    }
    made = (await provider(REQUEST, input=request))["requestAuthorization"]
    assert made["__typename"] == "Authorization", made
    number = made["id"]
    again = (await provider(REQUEST, input=request))["requestAuthorization"]
    assert again["id"] == number, "the same idempotency key names the same request"

    async def pending() -> bool:
        found = (await reviewer(STATUS, id=number))["authorization"]
        return found.get("status") == "PENDING_REVIEW"

    await _until(pending, "the request to wait for review")
    queue = (await reviewer(QUEUE))["reviewQueue"]["nodes"]
    assert number in [item["id"] for item in queue]

    # the reviewer asks for the caregiver's schedule; the provider sends it; the clock runs on
    asked = (
        await reviewer(
            ASK,
            input={"authorizationId": number, "idempotencyKey": "ask-1", "needed": ["schedule"]},
        )
    )["requestInformation"]
    assert asked["status"] == "PENDING_INFORMATION", asked
    assert number in [item["id"] for item in (await reviewer(QUEUE))["reviewQueue"]["nodes"]]
    sent = (
        await provider(
            PROVIDE,
            input={"authorizationId": number, "idempotencyKey": "sent-1", "note": "attached"},
        )
    )["provideInformation"]
    assert sent["status"] == "PENDING_REVIEW", sent

    decided = (
        await reviewer(
            DECIDE,
            input={
                "authorizationId": number,
                "idempotencyKey": "decide-1",
                "decision": "APPROVE",
                "reason": "meets criteria",
            },
        )
    )["decideReview"]
    assert decided["__typename"] == "Authorization", decided
    assert decided["quantityApproved"] == "40"

    async def awaiting() -> bool:
        found = (await provider(STATUS, id=number))["authorization"]
        return found.get("status") == "AWAITING_PROVIDER"

    await _until(awaiting, "the referral to reach the provider")
    accepted = await provider(
        RESPOND, input={"authorizationId": number, "idempotencyKey": "accept-1", "accept": True}
    )
    assert accepted["respondToReferral"]["loopStatus"] == "accepted", accepted

    report = {
        "authorizationId": number,
        "idempotencyKey": "report-visit-1",
        "reportId": "visit-1",
        "start": TODAY.isoformat(),
        "end": TODAY.isoformat(),
        "quantity": "10",
        "code": "S5151",
        "modifiers": ["U6"],
        "units": "1",
        "amount": "180.00",
        "renderingNpi": "1234567893",
    }
    reported = (await provider(REPORT, input=report))["reportService"]
    assert reported == {
        "__typename": "ServiceReportResult",
        "accepted": True,
        "used": "10",
        "remainingOnAuthorization": "30",
    }
    resent = (await provider(REPORT, input=report))["reportService"]
    assert resent == reported, "the same key returns the first answer and counts nothing twice"

    after = (await provider(BALANCES, cin=ANA))["balances"]["limits"][0]
    assert after == {
        "limitId": "respite-hours-per-year",
        "remaining": "296",
        "held": "30",
        "consumed": "10",
    }

    async def projected() -> dict[str, Any] | None:
        found = (await provider(STATUS, id=number))["authorization"]
        return found if found.get("quantityUsed") == "10" else None

    final = await _until(projected, "the service report in the projection")
    kinds = [step["kind"] for step in final["timeline"]]
    for step in [
        "received",
        "eligibility",
        "limit_reserved",
        "review_requested",
        "approved",
        "referral_sent",
        "accepted",
        "active",
        "service_reported",
    ]:
        assert step in kinds, f"{step} missing from {kinds}"
    assert kinds.index("approved") < kinds.index("service_reported")


CANCEL = gql(
    """
    mutation Cancel($input: ReasonInput!) {
      cancelAuthorization(input: $input) {
        __typename
        ... on Authorization { status quantityReserved }
        ... on Error { message }
      }
    }
    """
)


async def test_operations_cancel_a_pending_request_and_what_it_held_is_released(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    provider = Session(base, seeded.tokens.provider)
    operations = Session(base, seeded.tokens.operations)
    reviewer = Session(base, seeded.tokens.reviewer)
    request = {
        "cin": ANA,
        "support": "respite",
        "serviceStart": TODAY.isoformat(),
        "quantity": "20",
        "unit": "hours",
        "idempotencyKey": f"ana-cancel-{uuid.uuid4().hex}",
        "birthDate": "1945-03-08",
    }
    number = (await provider(REQUEST, input=request))["requestAuthorization"]["id"]

    async def pending() -> bool:
        found = (await operations(STATUS, id=number))["authorization"]
        return found.get("status") == "PENDING_REVIEW"

    await _until(pending, "the request to wait for review")
    cancelled = (
        await operations(
            CANCEL,
            input={
                "authorizationId": number,
                "idempotencyKey": "cancel-1",
                "reason": "duplicate request",
            },
        )
    )["cancelAuthorization"]
    assert cancelled == {
        "__typename": "Authorization",
        "status": "CANCELLED",
        "quantityReserved": "0",
    }
    held = (await reviewer(BALANCES, cin=ANA))["balances"]["limits"][0]
    assert held["held"] == "0" and held["remaining"] == "336"
    again = (
        await operations(
            CANCEL,
            input={"authorizationId": number, "idempotencyKey": "cancel-2", "reason": "again"},
        )
    )["cancelAuthorization"]
    assert again["__typename"] == "Conflict" and "finished" in again["message"]


SUBMIT = gql(
    """
    mutation Submit($county: String!, $support: String!, $kind: ElectionChangeKind!) {
      submitElectionChange(county: $county, support: $support, kind: $kind, reason: "new CBO") {
        __typename
        ... on ElectionChangeAccepted { cycleStart takesEffect }
        ... on Conflict { code message }
        ... on Error { message }
      }
    }
    """
)
CHANGES = gql("query { electionChanges { county support kind status actor } }")


async def test_the_plan_team_adds_a_support_in_the_open_window_and_sees_it_pending(
    running: tuple[str, Seeded],
) -> None:
    base, seeded = running
    client = await connect(seeded.settings)
    open_now = ElectionCalendar(window_opens_days_before=400, window_closes_days_before=1)
    handle = await ensure_election_workflow(
        client, plan=PLAN, calendar=open_now, task_queue=seeded.settings.task_queue
    )
    team = Session(base, seeded.tokens.plan_admin)
    try:
        added = await team(SUBMIT, county="Kern", support="asthma-remediation", kind="ADD")
        accepted = added["submitElectionChange"]
        assert accepted["__typename"] == "ElectionChangeAccepted", accepted
        assert accepted["takesEffect"] == accepted["cycleStart"]
        twice = await team(SUBMIT, county="Kern", support="asthma-remediation", kind="ADD")
        assert twice["submitElectionChange"]["__typename"] == "Conflict"
        assert twice["submitElectionChange"]["code"] == "duplicate"
        changes = (await team(CHANGES))["electionChanges"]
        assert {
            "county": "kern",
            "support": "asthma-remediation",
            "kind": "ADD",
            "status": "pending",
        }.items() <= changes[-1].items()
    finally:
        await handle.terminate("test over")
