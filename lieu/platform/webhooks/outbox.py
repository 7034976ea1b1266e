"""The webhook outbox: a status change is recorded for each of the provider's endpoints in the
same transaction as the projection that makes it (lieu.platform.authorizations.projection), so
a change is never sent that did not happen nor lost when a process dies after the commit. The
delivery workflow and the sweep (lieu.workflows.webhooks) work from these rows. The caller owns
the session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.webhooks.models import WebhookDelivery, WebhookEndpoint

EVENT_TYPE = "authorization.status_changed"
_EVENTS = uuid.UUID("6f1d9a52-3c0e-4f57-9d7e-0b1f3a8e2c41")  # namespace of event ids
MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What a projection changed, in identifiers only (no member, no facts)."""

    authorization_id: str
    seq: int
    plan: str
    provider: str
    support: str
    status: str
    previous_status: str | None
    changed_at: datetime
    service_start: date | None
    service_end: date | None


def event_id(authorization_id: str, seq: int, status: str) -> str:
    """The change's id: the same whatever retried the projection or the delivery."""
    return "evt_" + uuid.uuid5(_EVENTS, f"{authorization_id}:{seq}:{status}").hex


def payload(change: StatusChange, event: str) -> dict[str, Any]:
    """The JSON body: the event id and type, and the authorization's identifiers and dates."""
    return {
        "id": event,
        "type": EVENT_TYPE,
        "timestamp": change.changed_at.isoformat(),
        "data": {
            "authorization": change.authorization_id,
            "plan": change.plan,
            "provider": change.provider,
            "support": change.support,
            "status": change.status,
            "previousStatus": change.previous_status,
            "serviceStart": change.service_start.isoformat() if change.service_start else None,
            "serviceEnd": change.service_end.isoformat() if change.service_end else None,
        },
    }


async def record_change(*, session: AsyncSession, change: StatusChange) -> list[str]:
    """Record the change for each endpoint of its provider (once, whatever the retries); the
    ids of the deliveries it recorded now."""
    endpoints = list(
        await session.scalars(
            select(WebhookEndpoint.id).where(
                WebhookEndpoint.plan == change.plan,
                WebhookEndpoint.provider == change.provider,
                WebhookEndpoint.removed_at.is_(None),
            )
        )
    )
    if not endpoints:
        return []
    event = event_id(change.authorization_id, change.seq, change.status)
    body = payload(change, event)
    rows: list[dict[str, Any]] = [
        {
            "id": f"webhook-{event}-{endpoint}",
            "event_id": event,
            "endpoint_id": endpoint,
            "plan": change.plan,
            "provider": change.provider,
            "authorization_id": change.authorization_id,
            "status": change.status,
            "payload": body,
            # the database's clock, not the workflow's: the sweep's grace is in real time
            "created_at": utcnow(),
            "attempts": 0,
            "last_error": "",
            "outcome": "pending",
        }
        for endpoint in endpoints
    ]
    table = WebhookDelivery.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    await session.execute(insert.values(rows).on_conflict_do_nothing(index_elements=["id"]))
    return [str(row["id"]) for row in rows]


async def not_started(
    *, session: AsyncSession, created_before: datetime, limit: int
) -> Sequence[str]:
    """Deliveries recorded before `created_before` whose workflow was never started (the
    process that recorded them died, or Temporal did not answer), oldest first."""
    rows = await session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.started_at.is_(None), WebhookDelivery.created_at < created_before)
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(rows)


async def mark_started(*, session: AsyncSession, ids: Sequence[str], now: datetime) -> None:
    """Note that the deliveries' workflows run (the sweep passes them by)."""
    if ids:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(list(ids)), WebhookDelivery.started_at.is_(None))
            .values(started_at=now)
        )


async def delivery_with_endpoint(
    *, session: AsyncSession, delivery_id: str
) -> tuple[WebhookDelivery, WebhookEndpoint] | None:
    """The delivery and the endpoint it goes to, or None if no such delivery is recorded."""
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id == delivery_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def note_attempt(
    *, session: AsyncSession, delivery_id: str, error: str, now: datetime
) -> None:
    """Count one attempt: delivered when `error` is empty, else still pending with its error."""
    values: dict[str, Any] = {"attempts": WebhookDelivery.attempts + 1}
    if error:
        values["last_error"] = error[:MAX_ERROR]
    else:  # the last error stays: it says why a delivered change took more than one attempt
        values |= {"outcome": "delivered", "finished_at": now}
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.outcome == "pending")
        .values(**values)
    )


async def give_up(*, session: AsyncSession, delivery_id: str, why: str, now: datetime) -> None:
    """Mark a pending delivery failed for good (its retries are spent, or the endpoint went)."""
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.outcome == "pending")
        .values(outcome="failed", finished_at=now, last_error=why[:MAX_ERROR])
    )


async def outcome_counts(session: AsyncSession) -> dict[tuple[str, str], int]:
    """(plan, outcome) -> deliveries, for pending and failed ones (what /metrics serves)."""
    rows = await session.execute(
        select(WebhookDelivery.plan, WebhookDelivery.outcome, func.count())
        .where(WebhookDelivery.outcome.in_(["pending", "failed"]))
        .group_by(WebhookDelivery.plan, WebhookDelivery.outcome)
    )
    return {(plan, outcome): count for plan, outcome, count in rows}
