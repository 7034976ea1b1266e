"""Bulk actions: a frozen set of authorizations and the outcome of the action on each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow


class BulkBatch(Base):
    """One bulk action as operations froze it: what to do, why, to which set (its items), who
    asked, and how far its workflow (`bulk-<id>`) has come."""

    __tablename__ = "bulk_batches"
    __table_args__ = (Index("ix_bulk_batches_plan_created", "plan", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # B-<12 hex>
    plan: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # cancel, retry, extend
    reason: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)  # the search's filter, as its URL query string
    count: Mapped[int] = mapped_column(Integer)
    # who froze it, to audit each item as theirs (the token may have ended by then)
    token_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(16))  # frozen, running, finished, stopped
    runs: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BulkItem(Base):
    """One authorization of a batch: its status when frozen and the action's outcome on it."""

    __tablename__ = "bulk_items"
    __table_args__ = (UniqueConstraint("batch_id", "authorization_id"),)

    batch_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("bulk_batches.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    authorization_id: Mapped[str] = mapped_column(String(64))
    status_when_frozen: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")
    run: Mapped[int] = mapped_column(Integer, default=0)  # the run that reported the outcome
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
