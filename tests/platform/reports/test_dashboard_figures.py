"""The console dashboard's figures (issue #14 point 1): queue counts from the projection at an
instant, and per week the requests received, the decisions made and the median hours to decide,
read from the timelines, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.platform.reports.dashboard import dashboard, weekly

NOW = datetime(2027, 3, 3, 15, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
OPERATIONS = Principal(token_id="t", role=Role.OPERATIONS, plan="demo-plan")


def record(
    number: str, status: str, *, plan: str = "demo-plan", **values: object
) -> AuthorizationRecord:
    fields: dict[str, object] = {
        "id": number,
        "plan": plan,
        "support": "respite",
        "definition_plan": "dhcs",
        "definition_version": 2,
        "content_hash": "0" * 64,
        "member_cin": "10000001X",
        "provider": "org-a",
        "county": "sacramento",
        "status": status,
        "urgency": "standard",
        "measure": "hours",
        "quantity_requested": Decimal(10),
        "service_start": TODAY - timedelta(days=10),
        "requested_by": "test",
        **values,
    }
    return AuthorizationRecord(**fields)


def events(number: str, *steps: tuple[str, datetime]) -> list[AuthorizationEvent]:
    return [
        AuthorizationEvent(
            authorization_id=number, seq=seq, at=at, kind=kind, actor="lieu", text=kind
        )
        for seq, (kind, at) in enumerate(steps, start=1)
    ]


async def test_each_queue_counts_what_its_search_lists_at_the_instant(engine: AsyncEngine) -> None:
    async with create_session_factory(engine).begin() as session:
        session.add_all(
            [
                record("A-1", "pending_review", review_deadline=NOW + timedelta(hours=3)),
                record("A-2", "pending_review", review_deadline=NOW + timedelta(days=1)),
                record("A-3", "presumptive", review_deadline=NOW - timedelta(minutes=1)),
                record("A-4", "denied", phase="deemed"),
                record("A-5", "active", service_end=TODAY + timedelta(days=7)),
                record("A-6", "active", service_end=TODAY + timedelta(days=8), support="meals"),
                record("A-7", "expired", service_end=TODAY + timedelta(days=2)),
                record("A-8", "pending_review", problem="the eligibility activity failed"),
                record("A-9", "pending_review", escalated=True),
                record("B-1", "pending_review", plan="other-plan", review_deadline=NOW),
            ]
        )
    async with create_session_factory(engine)() as session:
        figures = await dashboard(session=session, principal=OPERATIONS, now=NOW)
    assert figures.total == 9
    assert figures.by_status == {
        "pending_review": 4, "presumptive": 1, "denied": 1, "active": 2, "expired": 1,
    }  # fmt: skip
    assert figures.by_support == {"respite": 8, "meals": 1}
    assert figures.queues == {
        "due_today": 1, "overdue": 1, "deemed": 1, "ending_7": 1, "ending_30": 2,
        "stalled": 1, "problem": 1,
    }  # fmt: skip


async def test_weeks_count_requests_when_received_and_decisions_with_their_median_when_made(
    engine: AsyncEngine,
) -> None:
    monday = datetime(2027, 3, 1, tzinfo=UTC)
    async with create_session_factory(engine).begin() as session:
        session.add_all([record(n, "approved") for n in ("A-1", "A-2", "A-3", "A-4")])
        await session.flush()
        session.add_all(
            [
                # received the week before, decided this week after 50 hours
                *events(
                    "A-1",
                    ("received", monday - timedelta(hours=2)),
                    ("approved", monday + timedelta(hours=48)),
                ),
                # this week: 2 and 4 hours
                *events(
                    "A-2",
                    ("received", monday + timedelta(hours=1)),
                    ("approved", monday + timedelta(hours=3)),
                ),
                *events(
                    "A-3",
                    ("received", monday + timedelta(hours=5)),
                    ("denied", monday + timedelta(hours=9)),
                ),
                # received this week, undecided
                *events("A-4", ("received", monday + timedelta(hours=6))),
            ]
        )
    async with create_session_factory(engine)() as session:
        weeks = await weekly(session=session, plan="demo-plan", today=TODAY, weeks=2)
    assert [w.starts for w in weeks] == [date(2027, 2, 22), date(2027, 3, 1)]
    assert [w.requests for w in weeks] == [1, 3]
    assert [w.decisions for w in weeks] == [0, 3]
    assert [w.median_hours for w in weeks] == [None, 4.0]  # of 2, 4 and 50 hours


async def test_an_even_number_of_decisions_has_the_mean_of_the_middle_two_as_median(
    engine: AsyncEngine,
) -> None:
    monday = datetime(2027, 3, 1, tzinfo=UTC)
    async with create_session_factory(engine).begin() as session:
        session.add_all([record(n, "approved") for n in ("A-1", "A-2")])
        await session.flush()
        session.add_all(
            [
                *events("A-1", ("received", monday), ("approved", monday + timedelta(hours=2))),
                *events("A-2", ("received", monday), ("denied", monday + timedelta(hours=5))),
            ]
        )
    async with create_session_factory(engine)() as session:
        weeks = await weekly(session=session, plan="demo-plan", today=TODAY, weeks=1)
    assert weeks[0].median_hours == 3.5


async def test_more_weeks_than_a_year_are_refused_saying_the_range(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        with pytest.raises(ValueError, match="weeks must be between 1 and 52, got 53"):
            await weekly(session=session, plan="demo-plan", today=TODAY, weeks=53)
