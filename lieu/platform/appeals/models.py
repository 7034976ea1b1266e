"""Appeals as their workflows last projected them, and grievances as recorded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.appeals.lifecycle import AppealStatus, Outcome
from lieu.platform.db.base import Base, UTCDateTime, utcnow

__all__ = ["AppealRecord", "AppealStatus", "Grievance", "Outcome"]


class AppealRecord(Base):
    """One appeal, as its workflow last projected it (`seq` never goes back)."""

    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_plan_status", "plan", "status", "deadline"),
        Index("ix_appeals_authorization", "authorization_id"),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # <authorization>-AP<n>
    authorization_id: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    member_cin: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(64))
    filed_by: Mapped[str] = mapped_column(String(400))
    on_behalf: Mapped[str] = mapped_column(String(16))  # member or provider
    reason: Mapped[str] = mapped_column(Text)
    expedited: Mapped[bool] = mapped_column(Boolean)
    determination: Mapped[str] = mapped_column(String(32))  # the notice kind appealed
    determination_seq: Mapped[int] = mapped_column(Integer)  # its timeline entry
    first_decided_by: Mapped[str] = mapped_column(String(400))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(400))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    quantity_approved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    seq: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Grievance(Base):
    """A complaint that is not an appeal (42 CFR 438.400(b)), with its acknowledgement and
    resolution, each due by a date the plan's terms give."""

    __tablename__ = "grievances"
    __table_args__ = (
        UniqueConstraint("plan", "idempotency_key"),
        Index("ix_grievances_plan_open", "plan", "resolved_at", "resolve_by"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # G-<16 hex>
    plan: Mapped[str] = mapped_column(String(64))
    member_cin: Mapped[str] = mapped_column(String(16))
    authorization_id: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(400))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(400))
    resolve_by: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(400))
    resolution: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str] = mapped_column(String(200))
