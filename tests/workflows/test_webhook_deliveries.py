"""Every status change of a provider's authorizations reaches its registered webhook: recorded
in the projection's transaction, POSTed by a delivery workflow, signed, retried after a failure,
and accepted exactly once per event id (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.db.base import utcnow
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.webhooks.endpoints import register_endpoint
from lieu.platform.webhooks.models import WebhookDelivery
from lieu.platform.webhooks.outbox import StatusChange, outcome_counts, record_change
from lieu.settings import Settings
from lieu.workflows.authorizations.types import ProviderResponse
from lieu.workflows.webhooks.starts import ensure_sweep
from tests.serving import serve_app
from tests.workflows.acting import decision, send
from tests.workflows.authorizations import PLAN, World, cin, enroll, settle, world
from tests.workflows.webhook_receiver import Receiver

pytestmark = pytest.mark.temporal


@pytest.fixture
async def on_any_database(
    time_skipping: WorkflowEnvironment, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[World]:
    """lieu's worker on the time-skipping server over SQLite, then PostgreSQL; a failed POST
    is tried again after a second."""
    quick = settings.with_(webhook_first_retry_seconds=1, webhook_sweep_seconds=1)
    async with world(time_skipping, engine, quick) as running:
        yield running


async def registered(w: World, receiver: Receiver, url: str, provider: str = "org-a") -> str:
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        done = await register_endpoint(
            session=session, plan=PLAN, provider=provider, url=url, actor="test", now=utcnow()
        )
    receiver.secret = done.secret
    return done.endpoint.id


async def deliveries(w: World) -> list[WebhookDelivery]:
    async with w.sessions() as session:
        rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at))
        return list(rows)


async def all_finished(w: World, count: int, seconds: float = 30.0) -> list[WebhookDelivery]:
    """The outbox once `count` rows are there and none is pending."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        rows = await deliveries(w)
        if len(rows) >= count and all(row.outcome != "pending" for row in rows):
            return rows
        assert asyncio.get_running_loop().time() < deadline, [
            (row.status, row.outcome, row.attempts, row.last_error) for row in rows
        ]
        await asyncio.sleep(0.1)


async def test_each_status_change_is_accepted_once_per_event_id_even_after_a_500(
    on_any_database: World,
) -> None:
    w = on_any_database
    receiver = Receiver(fail_next=1)  # the first POST is answered 500, and retried
    async with serve_app(receiver.app()) as base:
        await registered(w, receiver, f"{base}/hook")
        today = await w.today()
        ray = cin()
        await enroll(
            w.engine, ray, "ray", recent_discharge={"date": (today - timedelta(days=1)).isoformat()}
        )
        handle = await w.request(ray, "recuperative-care", "90")
        await settle(handle, lambda s: s.status is Status.PRESUMPTIVE)
        await send(handle, decision("um-nurse", Decision.APPROVE, "wound care documented"))
        await settle(handle, lambda s: s.status is Status.AWAITING_PROVIDER)
        await send(handle, ProviderResponse("org-a", True))
        await settle(handle, lambda s: s.status is Status.ACTIVE)
        rows = await all_finished(w, 3)

    assert [row.status for row in rows] == ["presumptive", "awaiting_provider", "active"]
    assert all(row.outcome == "delivered" for row in rows)
    assert receiver.rejected == []  # every request's signature and timestamp verified
    events = [row.event_id for row in rows]
    assert len(set(events)) == len(events)
    # each accepted once; a retried change may arrive after later ones (the body says which
    # status it follows)
    assert sorted(seen["id"] for seen in receiver.accepted) == sorted(events)
    assert sorted(len(receiver.requests[event]) for event in events) == [1, 1, 2]
    retried = next(row for row in rows if len(receiver.requests[row.event_id]) == 2)
    assert retried.attempts == 2 and "answered 500" in retried.last_error
    first, second = receiver.requests[retried.event_id]
    assert first == second  # the same event id and body on the retry
    by_status = {seen["data"]["status"]: seen for seen in receiver.accepted}
    assert by_status["presumptive"]["data"]["previousStatus"] is None  # its first projection
    body = by_status["active"]
    assert body["type"] == "authorization.status_changed"
    assert body["data"] == {
        "authorization": handle.id,
        "plan": PLAN,
        "provider": "org-a",
        "support": "recuperative-care",
        "status": "active",
        "previousStatus": "awaiting_provider",
        "serviceStart": today.isoformat(),
        "serviceEnd": (today + timedelta(days=89)).isoformat(),
    }
    assert ray not in str(receiver.accepted)  # no member identifier leaves lieu


async def test_another_organizations_changes_are_not_sent_to_a_providers_webhook(
    on_any_database: World,
) -> None:
    w = on_any_database
    receiver = Receiver()
    async with serve_app(receiver.app()) as base:
        await registered(w, receiver, f"{base}/hook", provider="org-b")
        today = await w.today()
        ray = cin()
        await enroll(
            w.engine, ray, "ray", recent_discharge={"date": (today - timedelta(days=1)).isoformat()}
        )
        handle = await w.request(ray, "recuperative-care", "90")  # org-a's
        await settle(handle, lambda s: s.status is Status.PRESUMPTIVE)
    assert await deliveries(w) == []
    assert receiver.requests == {}


async def test_the_sweep_starts_a_delivery_recorded_when_no_workflow_was_started(
    on_any_database: World, settings: Settings
) -> None:
    w = on_any_database
    receiver = Receiver()
    async with serve_app(receiver.app()) as base:
        endpoint = await registered(w, receiver, f"{base}/hook")
        # as if the process died after the projection's commit, before starting the delivery
        change = StatusChange(
            "A-SWEPT-1",
            7,
            PLAN,
            "org-a",
            "respite",
            "active",
            "approved",
            utcnow() - timedelta(minutes=1),
            None,
            None,
        )
        async with create_session_factory(for_writes(w.engine)).begin() as session:
            [recorded] = await record_change(session=session, change=change)
            # recorded a minute ago: past the sweep's grace (10 s), which leaves alone a row
            # whose process may still be starting its delivery
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == recorded)
                .values(created_at=utcnow() - timedelta(minutes=1))
            )
        assert recorded.endswith(endpoint)
        sweep = await ensure_sweep(
            w.client, settings.with_(webhook_sweep_seconds=1), task_queue=w.task_queue
        )
        [row] = await all_finished(w, 1)
        await sweep.terminate("test over")
    assert row.outcome == "delivered" and row.started_at is not None
    assert [seen["data"]["authorization"] for seen in receiver.accepted] == ["A-SWEPT-1"]
    async with w.sessions() as session:
        assert await outcome_counts(session) == {}
