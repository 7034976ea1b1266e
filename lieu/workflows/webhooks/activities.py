"""The webhook activities: POST one outbox row (signed), mark one failed, sweep for rows whose
delivery never started. All the webhook I/O."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.db.base import utcnow
from lieu.platform.webhooks import outbox
from lieu.platform.webhooks.signing import headers
from lieu.workflows.webhooks.starts import DeliveryStarter
from lieu.workflows.webhooks.types import Attempt, GiveUp, SweepRound, Swept

POST_SECONDS = 10.0
USER_AGENT = "lieu-webhooks/1"


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes POSTed (and signed): compact, keys in a stable order."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


class WebhookActivities:
    """Bound by the worker to session factories and the delivery starter."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        starter: DeliveryStarter,
    ) -> None:
        self.sessions = sessions
        self.writes = writes
        self.starter = starter

    def all(self) -> Sequence[Callable[..., Any]]:
        """Every activity of this class, for the worker's registry."""
        return [self.post, self.give_up, self.sweep]

    @activity.defn(name="webhooks.post")
    async def post(self, delivery_id: str) -> Attempt:
        """POST the row's body to its endpoint, signed for this attempt; a 2xx answer marks it
        delivered, anything else is counted and raised to be retried. A row already delivered
        is not sent again."""
        async with self.sessions() as session:
            found = await outbox.delivery_with_endpoint(session=session, delivery_id=delivery_id)
        if found is None:
            raise ApplicationError(
                f"webhook delivery {delivery_id} is not in the outbox",
                type="delivery_not_found",
                non_retryable=True,
            )
        delivery, endpoint = found
        if delivery.outcome != "pending":
            return Attempt(delivered=delivery.outcome == "delivered")
        if endpoint.removed_at is not None:
            why = f"webhook {endpoint.id} was removed before the change could be delivered"
            async with self.writes.begin() as session:
                await outbox.give_up(
                    session=session, delivery_id=delivery_id, why=why, now=utcnow()
                )
            return Attempt(delivered=False, skipped=why)
        body = body_of(delivery.payload)
        now = utcnow()
        sent = {
            **headers(endpoint.secret, delivery.event_id, int(now.timestamp()), body),
            "user-agent": USER_AGENT,
        }
        error = ""
        try:
            async with httpx.AsyncClient(timeout=POST_SECONDS, follow_redirects=False) as http:
                answer = await http.post(endpoint.url, content=body, headers=sent)
            if not 200 <= answer.status_code < 300:
                error = f"{endpoint.url} answered {answer.status_code}"
        except httpx.HTTPError as failure:
            error = f"{endpoint.url} could not be reached: {type(failure).__name__} {failure}"
        async with self.writes.begin() as session:
            await outbox.note_attempt(
                session=session, delivery_id=delivery_id, error=error, now=utcnow()
            )
        if error:
            raise ApplicationError(error, type="webhook_not_accepted")
        return Attempt(delivered=True)

    @activity.defn(name="webhooks.give_up")
    async def give_up(self, given: GiveUp) -> None:
        """Mark the delivery failed for good (what /metrics counts as failed)."""
        async with self.writes.begin() as session:
            await outbox.give_up(
                session=session, delivery_id=given.delivery_id, why=given.why, now=utcnow()
            )

    @activity.defn(name="webhooks.sweep")
    async def sweep(self, given: SweepRound) -> Swept:
        """Start the deliveries recorded a while ago whose workflow nobody started."""
        now = utcnow()
        async with self.sessions() as session:
            ids = await outbox.not_started(
                session=session,
                created_before=now - timedelta(seconds=given.grace_seconds),
                limit=given.batch,
            )
        started = await self.starter.start(
            activity.client(), ids, task_queue=activity.info().task_queue
        )
        async with self.writes.begin() as session:
            await outbox.mark_started(session=session, ids=started, now=utcnow())
        return Swept(len(started))


async def start_recorded(
    starter: DeliveryStarter | None,
    writes: async_sessionmaker[AsyncSession],
    ids: Sequence[str],
) -> None:
    """From an activity that recorded deliveries and committed: start them now. A failure is
    left to the sweep (the rows are committed), never failing the activity that recorded them."""
    if starter is None or not ids:
        return
    try:
        started = await starter.start(activity.client(), ids, task_queue=activity.info().task_queue)
        async with writes.begin() as session:
            await outbox.mark_started(session=session, ids=started, now=utcnow())
    except Exception as failure:
        activity.logger.warning("webhook deliveries left to the sweep: %s", failure)
