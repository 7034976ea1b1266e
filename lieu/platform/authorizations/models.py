"""The authorization projection: status and timeline copied from workflows, for lists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow


class AuthorizationRecord(Base):
    """One authorization as last projected by its workflow (`seq` orders projections)."""

    __tablename__ = "authorizations"
    __table_args__ = (
        Index("ix_authorizations_status_deadline", "status", "review_deadline"),
        Index("ix_authorizations_plan_support", "plan", "support"),
        Index("ix_authorizations_member", "member_cin"),
        Index("ix_authorizations_provider", "provider"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the authorization number
    seq: Mapped[int] = mapped_column(Integer, default=0)
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    definition_plan: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    member_cin: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))
    measure: Mapped[str] = mapped_column(String(16))
    quantity_requested: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    quantity_approved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    quantity_reserved: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    quantity_used: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    service_start: Mapped[date] = mapped_column(Date)
    service_end: Mapped[date | None] = mapped_column(Date)
    presumptive_until: Mapped[date | None] = mapped_column(Date)
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    loop_status: Mapped[str | None] = mapped_column(String(32))
    loop_reason: Mapped[str | None] = mapped_column(String(64))
    renewals_used: Mapped[int] = mapped_column(Integer, default=0)
    requested_by: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(32), default="", server_default="")
    problem: Mapped[str] = mapped_column(Text, default="", server_default="")
    reports_until: Mapped[date | None] = mapped_column(Date)
    flagged_reports: Mapped[str] = mapped_column(Text, default="", server_default="")  # ids, comma
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthorizationEvent(Base):
    """One timeline entry of an authorization (append-only; `seq` is its place in the timeline)."""

    __tablename__ = "authorization_events"
    __table_args__ = (UniqueConstraint("authorization_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[str] = mapped_column(
        ForeignKey("authorizations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
