"""Building blocks of the fault tests: GraphQL over real HTTP with a client that sends a command
again (same idempotency key) until it is answered, and the accounting every fault test ends
with (one row per authorization, each in its state, the ledger holding exactly what it says)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.limits.models import LimitEntry
from lieu.platform.members.service import upsert_member
from tests.graphql.graphql_stack import member_facts

BIRTH_DATE = "1945-03-08"  # Ana's: every member of a fault test is an Ana with her own CIN
TODAY = datetime.now(UTC).date()

REQUEST = """mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) {
  __typename ... on Authorization { id status } ... on Error { message } } }"""
DECIDE = """mutation($input: ReviewDecisionInput!) { decideReview(input: $input) {
  __typename ... on Authorization { id status quantityApproved } ... on Error { message } } }"""
STATUS = """query($id: ID!) { authorization(id: $id) { __typename ... on Authorization {
  status quantityReserved quantityUsed } ... on Error { message } } }"""
BALANCES = """query($cin: String!) { balances(cin: $cin, support: "respite") { __typename
  ... on Balances { limits { limitId held consumed } } ... on Error { message } } }"""
# answers that say "not now, send it again" (the only failures a client may meet in a fault test)
RETRYABLE_CODES = {"UNAVAILABLE", "AUDIT_UNAVAILABLE"}


def cins(first: int, count: int) -> list[str]:
    return [f"{first + i:08d}A" for i in range(count)]


async def enroll(engine: AsyncEngine, members: list[str]) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        for cin in members:
            facts = member_facts("ana", county="Sacramento")
            await upsert_member(session=session, plan="demo-plan", cin=cin, facts=facts)


def request_input(cin: str, hours: int = 40) -> dict[str, Any]:
    return {
        "cin": cin,
        "support": "respite",
        "serviceStart": TODAY.isoformat(),
        "quantity": str(hours),
        "unit": "hours",
        "idempotencyKey": f"request-{cin}",
        "birthDate": BIRTH_DATE,
    }


def approve_input(number: str, cin: str) -> dict[str, Any]:
    return {
        "authorizationId": number,
        "decision": "APPROVE",
        "reason": "meets criteria",
        "idempotencyKey": f"decide-{cin}",
    }


@dataclass
class Tally:
    """What the clients met on the way: every answer that was not the command's result."""

    sent: int = 0
    answered: int = 0
    retried: Counter[str] = field(default_factory=Counter)  # why, by kind
    server_errors: list[str] = field(default_factory=list)  # 500s and masked errors


class Retrying:
    """Sends one GraphQL command until it is answered; an HTTP 5xx or error is acceptable only
    if it says it is retryable (a 503 with Retry-After, or a `code: UNAVAILABLE` error), or the
    connection itself is gone (the API process was killed)."""

    def __init__(self, base: str, *, retry_for: float = 60.0) -> None:
        self.base = base
        self.retry_for = retry_for
        self.tally = Tally()
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(40.0, connect=2.0))

    async def __call__(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        deadline = time.monotonic() + self.retry_for
        while True:
            self.tally.sent += 1
            why = await self._once(token, query, variables)
            if isinstance(why, dict):
                self.tally.answered += 1
                return why
            self.tally.retried[why.split(":")[0]] += 1
            assert time.monotonic() < deadline, f"no answer to {query.split('(')[0]}: {why}"
            await asyncio.sleep(0.3)

    async def _once(
        self, token: str, query: str, variables: dict[str, Any]
    ) -> dict[str, Any] | str:
        try:
            answer = await self.http.post(
                f"{self.base}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.TransportError as cut:
            return f"connection: {type(cut).__name__}"
        if answer.status_code >= 500 and "retry-after" not in answer.headers:
            self.tally.server_errors.append(f"HTTP {answer.status_code}: {answer.text[:200]}")
            return f"HTTP {answer.status_code}"
        body: dict[str, Any] = answer.json()
        errors = body.get("errors")
        if not errors:
            data: dict[str, Any] = body["data"]
            return data
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        if not codes <= RETRYABLE_CODES:
            self.tally.server_errors.append(f"HTTP {answer.status_code}: {errors}"[:300])
        return f"retryable {answer.status_code}: {sorted(map(str, codes))}"

    async def close(self) -> None:
        await self.http.aclose()


async def healthz(http: httpx.AsyncClient, base: str) -> tuple[int, dict[str, Any]]:
    try:
        answer = await http.get(f"{base}/healthz", timeout=8.0)
    except httpx.TransportError as cut:
        return 0, {"error": repr(cut)}
    body: dict[str, Any] = answer.json()
    return answer.status_code, body


async def until_healthz(http: httpx.AsyncClient, base: str, status: int, seconds: float) -> float:
    """Seconds until /healthz answers `status`."""
    started = time.monotonic()
    while (await healthz(http, base))[0] != status:
        assert time.monotonic() - started < seconds, f"/healthz never answered {status}"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def settled(
    call: Retrying, token: str, number: str, status: str, seconds: float = 60.0
) -> dict[str, Any]:
    """The authorization once it is projected in `status`."""
    deadline = time.monotonic() + seconds
    while True:
        found: dict[str, Any] = (await call(token, STATUS, id=number))["authorization"]
        if found.get("status") == status:
            return found
        assert time.monotonic() < deadline, (number, status, found)
        await asyncio.sleep(0.3)


async def ledger_matches(
    call: Retrying, token: str, held: dict[str, Decimal], consumed: dict[str, Decimal]
) -> None:
    """Each member's balance holds and counts exactly what was decided and reported."""
    for cin, hours in held.items():
        limits = (await call(token, BALANCES, cin=cin))["balances"]["limits"]
        assert [(Decimal(x["held"]), Decimal(x["consumed"])) for x in limits] == [
            (hours, consumed.get(cin, Decimal(0)))
        ], (cin, limits)


async def counted(engine: AsyncEngine) -> tuple[int, int]:
    """Authorization rows and ledger entries in the database."""
    async with create_session_factory(engine)() as session:
        rows = await session.scalar(select(func.count()).select_from(AuthorizationRecord))
        entries = await session.scalar(select(func.count()).select_from(LimitEntry))
    return int(rows or 0), int(entries or 0)
