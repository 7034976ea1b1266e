"""Webhooks: the URLs a provider organization registered, and the outbox of status changes to
POST to them (one row per change and endpoint, written in the projection's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow


class WebhookEndpoint(Base):
    """A provider organization's URL for status changes, and the secret it is signed with."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "wh_" + 32 hex
    plan: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    # The signing key, shown once to the provider. It must be kept to sign (an HMAC key cannot
    # be hashed away); the database holds it as it holds the payload keys' peers.
    secret: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)

    __table_args__ = (Index(None, "plan", "provider"),)


class WebhookDelivery(Base):
    """One status change on its way to one endpoint: the outbox row the sweep and the delivery
    workflow work from. `event_id` is the same for every endpoint and every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        Index(None, "started_at"),
        Index(None, "outcome"),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the delivery workflow's id
    event_id: Mapped[str] = mapped_column(String(40))
    endpoint_id: Mapped[str] = mapped_column(String(40))
    plan: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))
    authorization_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # "pending" until "delivered" (a 2xx answer) or "failed" (every retry spent, or the
    # endpoint removed); what /metrics counts.
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
