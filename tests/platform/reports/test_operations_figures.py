"""The figures operations monitor (issue #14 point 8), read from the projection and served by
/metrics as gauges labelled by plan, support and status only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.metrics import operations_metrics
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.platform.reports.operations import operations_figures
from lieu.platform.webhooks.models import WebhookDelivery

NOW = datetime(2027, 3, 1, 18, tzinfo=UTC)
TODAY = NOW.date()


def record(
    number: str,
    status: str,
    *,
    support: str = "respite",
    deadline: datetime | None = None,
    end: date | None = None,
    problem: str = "",
) -> AuthorizationRecord:
    return AuthorizationRecord(
        id=number,
        plan="demo-plan",
        support=support,
        definition_plan="dhcs",
        definition_version=2,
        content_hash="0" * 64,
        member_cin="10000001X",
        provider="org-a",
        county="sacramento",
        status=status,
        urgency="standard",
        measure="hours",
        quantity_requested=Decimal(10),
        service_start=TODAY - timedelta(days=10),
        service_end=end,
        review_deadline=deadline,
        requested_by="test",
        problem=problem,
    )


async def test_overdue_reviews_ending_authorizations_problems_and_deemed_denials_are_counted(
    engine: AsyncEngine,
) -> None:
    async with create_session_factory(engine).begin() as session:
        session.add_all(
            [
                record("A-1", "pending_review", deadline=NOW - timedelta(hours=1)),  # overdue
                record("A-2", "pending_review", deadline=NOW + timedelta(days=2)),  # on time
                record("A-3", "presumptive", deadline=NOW - timedelta(days=1)),  # overdue
                record("A-4", "approved", deadline=NOW - timedelta(days=9)),  # decided
                record("A-5", "active", end=TODAY + timedelta(days=30)),  # ends soon
                record("A-6", "active", end=TODAY + timedelta(days=31)),
                record("A-7", "expired", end=TODAY + timedelta(days=3)),  # over already
                record("A-8", "pending_review", support="sobering-centers", problem="no def"),
                record("A-9", "denied", support="sobering-centers"),
            ]
        )
        await session.flush()
        for seq, kind in enumerate(("received", "deemed_denied", "deemed_denied"), start=1):
            session.add(
                AuthorizationEvent(
                    authorization_id="A-9", seq=seq, at=NOW, kind=kind, actor="lieu", text=kind
                )
            )
    async with create_session_factory(engine)() as session:
        figures = await operations_figures(session, now=NOW, today=TODAY)
    assert figures.by_status[("demo-plan", "respite", "pending_review")] == 2
    assert figures.overdue_reviews == {("demo-plan", "respite"): 2}
    assert figures.ending_soon == {("demo-plan", "respite"): 1}
    assert figures.with_problem == {("demo-plan", "sobering-centers"): 1}
    assert figures.deemed_denials == {("demo-plan", "sobering-centers"): 1}
    text = operations_metrics(figures).decode()
    assert 'lieu_reviews_overdue{plan="demo-plan",support="respite"} 2.0' in text
    assert (
        'lieu_authorizations{plan="demo-plan",status="pending_review",support="respite"} 2.0'
        in text
    )
    assert "lieu_operations_figures_up 1.0" in text
    assert "10000001X" not in text  # labels never carry a member's identifier


def test_figures_that_could_not_be_read_say_so() -> None:
    text = operations_metrics(None).decode()
    assert "lieu_operations_figures_up 0.0" in text and "lieu_reviews_overdue" not in text


def delivery(number: str, outcome: str) -> WebhookDelivery:
    return WebhookDelivery(
        id=f"webhook-evt_{number}-wh_1",
        event_id=f"evt_{number}",
        endpoint_id="wh_1",
        plan="demo-plan",
        provider="org-a",
        authorization_id=number,
        status="active",
        payload={"id": f"evt_{number}"},
        created_at=NOW,
        attempts=3,
        last_error="https://org-a.example/hook answered 503",
        outcome=outcome,
    )


async def test_webhook_deliveries_pending_and_failed_are_counted_delivered_ones_are_not(
    engine: AsyncEngine,
) -> None:
    async with create_session_factory(engine).begin() as session:
        session.add_all(
            [
                delivery("A-1", "pending"),
                delivery("A-2", "pending"),
                delivery("A-3", "failed"),
                delivery("A-4", "delivered"),
            ]
        )
    async with create_session_factory(engine)() as session:
        figures = await operations_figures(session, now=NOW, today=TODAY)
    assert figures.webhook_deliveries == {("demo-plan", "pending"): 2, ("demo-plan", "failed"): 1}
    text = operations_metrics(figures).decode()
    assert 'lieu_webhook_deliveries_pending{plan="demo-plan"} 2.0' in text
    assert 'lieu_webhook_deliveries_failed{plan="demo-plan"} 1.0' in text
