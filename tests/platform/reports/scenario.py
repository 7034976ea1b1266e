"""A plan's year of requests, written straight into the projection (as workflows would have), with
the figures a hand count of it gives.

Twelve requests of `metrics-plan` were received in 2026 on Los Angeles's clock (one of them a
reauthorization), one on 31 December 2025 in Los Angeles (1 January 2026 in UTC), and one
request of another plan. Each line says what happened and when, in hours after receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.platform.plans.settings import PlanSettings, save_settings

PLAN = "metrics-plan"
OTHER_PLAN = "other-plan"
YEAR = 2026
RESPITE, DEPOSITS = "respite", "housing-deposits"
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def pacific(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment on Los Angeles's wall clock, in UTC (as lieu stores it)."""
    return datetime(year, month, day, hour, minute, tzinfo=LOS_ANGELES).astimezone(UTC)


@dataclass(frozen=True)
class Entry:
    hours: float  # after the authorization's receipt
    kind: str
    actor: str = "lieu"


@dataclass(frozen=True)
class Request:
    number: str
    support: str
    urgency: str
    cin: str
    received: datetime
    entries: tuple[Entry, ...]
    plan: str = PLAN


def e(hours: float, kind: str, actor: str = "lieu") -> Entry:
    return Entry(hours, kind, actor)


REVIEWER = "reviewer:utilization_management"
RENEWAL = 100 * 24  # S1's reauthorization, 100 days after its receipt: 21 May 2026, Q2

REQUESTS = (
    # --- standard ---
    # S1: a reviewer approves 10 h after receipt; service reported; 100 days later its
    # reauthorization (a request of its own, Q2) is approved 6 h after it was asked for.
    Request(
        "A-S1",
        RESPITE,
        "standard",
        "M1",
        pacific(2026, 2, 10, 9),
        (
            e(0, "eligibility"),
            e(0, "review_requested"),
            e(10, "approved", REVIEWER),
            e(10, "active"),
            e(100, "service_reported", "provider"),
            e(RENEWAL, "reauthorization_requested", "provider"),
            e(RENEWAL, "review_requested"),
            e(RENEWAL + 6, "reauthorization_approved", REVIEWER),
            e(RENEWAL + 6, "renewed"),
            e(RENEWAL + 30 * 24, "service_reported", "provider"),
        ),
    ),
    # S2: denied by a reviewer 30 h after receipt.
    Request(
        "A-S2",
        RESPITE,
        "standard",
        "M2",
        pacific(2026, 3, 2, 14),
        (e(0, "review_requested"), e(30, "denied", REVIEWER)),
    ),
    # S3: no decision by the 7-day deadline (deemed denied at 168 h), then reversed at 200 h:
    # approved, decided at 168 h.
    Request(
        "A-S3",
        RESPITE,
        "standard",
        "M3",
        pacific(2026, 4, 15, 8),
        (
            e(0, "review_requested"),
            e(168, "deemed_denied"),
            e(168, "late_decisions_open"),
            e(200, "reversed", REVIEWER),
            e(200, "approved", REVIEWER),
        ),
    ),
    # S4: the review is extended at 48 h, then approved at 240 h.
    Request(
        "A-S4",
        DEPOSITS,
        "standard",
        "M4",
        pacific(2026, 7, 1, 10),
        (
            e(0, "review_requested"),
            e(48, "review_extended", REVIEWER),
            e(240, "approved", REVIEWER),
            e(250, "service_reported", "provider"),
        ),
    ),
    # S5: refused at once (not offered in the member's county).
    Request("A-S5", DEPOSITS, "standard", "M5", pacific(2026, 8, 3, 11), (e(0, "refused"),)),
    # S6: approved by lieu at once (no review); M1 again, another support, in Q2.
    Request(
        "A-S6",
        DEPOSITS,
        "standard",
        "M1",
        pacific(2026, 6, 2, 9),
        (e(0, "approved"), e(0, "active"), e(30, "service_reported", "provider")),
    ),
    # S7: received 31 December 23:30 in Los Angeles (1 January 2027 07:30 UTC): 2026, Q4.
    Request(
        "A-S7",
        RESPITE,
        "standard",
        "M6",
        pacific(2026, 12, 31, 23, 30),
        (e(0, "review_requested"), e(2, "approved", REVIEWER)),
    ),
    # S8: received 31 December 2025 16:30 in Los Angeles (1 January 2026 00:30 UTC): not 2026.
    Request(
        "A-S8",
        RESPITE,
        "standard",
        "M7",
        pacific(2025, 12, 31, 16, 30),
        (e(0, "review_requested"), e(1, "approved", REVIEWER)),
    ),
    # S9: still in review.
    Request(
        "A-S9",
        RESPITE,
        "standard",
        "M8",
        pacific(2026, 11, 20, 9),
        (e(0, "review_requested"), e(20, "information_requested", REVIEWER)),
    ),
    # --- expedited ---
    # E1: received 31 March 23:00 in Los Angeles (1 April in UTC): Q1. Approved at 20 h, served.
    Request(
        "A-E1",
        RESPITE,
        "expedited",
        "M2",
        pacific(2026, 3, 31, 23),
        (
            e(0, "review_requested"),
            e(20, "approved", REVIEWER),
            e(30, "service_reported", "provider"),
        ),
    ),
    # E2: deemed denied at its 72-hour deadline, never reversed.
    Request(
        "A-E2",
        DEPOSITS,
        "expedited",
        "M9",
        pacific(2026, 5, 4, 12),
        (e(0, "review_requested"), e(72, "deemed_denied"), e(72, "late_decisions_open")),
    ),
    # E3: presumptive days reported, then denied at 5 h (M3 receives service, not approved).
    Request(
        "A-E3",
        RESPITE,
        "expedited",
        "M3",
        pacific(2026, 5, 11, 7),
        (
            e(0, "presumptive"),
            e(0, "review_requested"),
            e(3, "service_reported", "provider"),
            e(5, "denied", REVIEWER),
        ),
    ),
    # Another plan's request, approved, in the same year.
    Request(
        "A-X1",
        RESPITE,
        "standard",
        "M1",
        pacific(2026, 2, 10, 9),
        (e(0, "review_requested"), e(1, "approved", REVIEWER)),
        plan=OTHER_PLAN,
    ),
)


def for_plan(plan: str) -> tuple[Request, ...]:
    """The same year, as `plan`'s (the other plan's request stays the other plan's)."""
    return tuple(
        replace(r, number=f"{r.number}-{plan}", plan=plan) if r.plan == PLAN else r
        for r in REQUESTS
    )


async def seed_plan_settings(engine: AsyncEngine, plan: str = PLAN) -> None:
    """The plan's clock, stored: California's (America/Los_Angeles, its state holidays)."""
    async with create_session_factory(for_writes(engine)).begin() as session:
        await save_settings(PlanSettings(plan, CALIFORNIA), session=session, actor="test")


async def write_requests(engine: AsyncEngine, requests: tuple[Request, ...] = REQUESTS) -> None:
    """Each request as its authorization's row and timeline: `received` first, then its entries."""
    async with create_session_factory(for_writes(engine)).begin() as session:
        for request in requests:
            session.add(_record(request))
            await session.flush()  # the row first: its entries refer to it
            timeline = (e(0, "received", "provider"), *request.entries)
            for seq, entry in enumerate(timeline, start=1):
                session.add(
                    AuthorizationEvent(
                        authorization_id=request.number,
                        seq=seq,
                        at=request.received + timedelta(hours=entry.hours),
                        kind=entry.kind,
                        actor=entry.actor,
                        text=entry.kind.replace("_", " "),
                        data={},
                    )
                )
            await session.flush()


def _record(request: Request) -> AuthorizationRecord:
    return AuthorizationRecord(
        id=request.number,
        seq=len(request.entries) + 1,
        plan=request.plan,
        support=request.support,
        definition_plan="dhcs",
        definition_version=1,
        content_hash="0" * 64,
        member_cin=request.cin,
        provider="org-a",
        county="sacramento",
        status="approved",
        urgency=request.urgency,
        measure="hours",
        quantity_requested=Decimal(40),
        quantity_approved=None,
        quantity_reserved=Decimal(0),
        quantity_used=Decimal(0),
        service_start=date(2026, 1, 1),
        requested_by="provider",
        created_at=request.received,
        updated_at=request.received,
    )


async def seed(engine: AsyncEngine) -> None:
    """The plan's clock and every request above."""
    await seed_plan_settings(engine)
    await write_requests(engine)


async def overturn_s2(engine: AsyncEngine, plan: str = PLAN, number: str = "A-S2") -> None:
    """Record, as its workflow would project it, an appeal that overturned S2's denial (its
    timeline entry 3), resolved on 1 April 2026."""
    from lieu.platform.appeals import projection
    from lieu.platform.appeals.lifecycle import (
        AppealDecision,
        AppealStart,
        AppealState,
        Outcome,
        decide,
    )
    from lieu.platform.appeals.terms import AppealTerms

    filed = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)
    appeal = AppealState(
        AppealStart(
            appeal_id=f"{number}-AP1",
            authorization_id=number,
            plan=plan,
            support=RESPITE,
            definition_version=1,
            member_cin="91000002A",
            provider="org-a",
            measure="hours",
            requested=Decimal(40),
            approved=None,
            determination="denial",
            determination_seq=3,
            first_decided_by="reviewer-1",
            filed_by="member-services",
            on_behalf="member",
            reason="the caregiver's doctor explains the need",
            expedited=False,
            received_at=filed,
            deadline=filed + timedelta(days=30),
            terms=AppealTerms(),
            calendar=CALIFORNIA,
        ),
        filed + timedelta(days=30),
    )
    decide(
        appeal,
        AppealDecision("appeals-reviewer", Outcome.OVERTURNED, "the need is shown"),
        datetime(2026, 4, 1, 16, 0, tzinfo=UTC),
    )
    async with create_session_factory(for_writes(engine)).begin() as session:
        await projection.project(session=session, state=appeal)
