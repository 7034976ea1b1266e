"""Notices issued (each in one language, as sent: its facts, HTML and PDF) and what became of
each delivery of one (mail, e-mail, the member portal)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow


class Channel(enum.StrEnum):
    """How a notice reaches its reader."""

    MAIL = "mail"
    EMAIL = "email"
    PORTAL = "portal"


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands, as the mail house, the e-mail service or the portal said."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    RETURNED = "returned"  # mail back as undeliverable
    FAILED = "failed"


class Notice(Base):
    """One notice in one language, never changed once issued. The same facts key is one notice
    per language: the member's, and the copies the plan keeps (see `plans.PlanNotices`). No
    foreign key to `authorizations`: a notice may be issued before the projection is written."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("key", "language"),
        Index("ix_notices_authorization", "authorization_id", "issued_at"),
        Index("ix_notices_member", "plan", "member_cin", "issued_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # N-<32 hex>
    key: Mapped[str] = mapped_column(String(200))  # the facts' key
    plan: Mapped[str] = mapped_column(String(64))
    authorization_id: Mapped[str] = mapped_column(String(64))
    member_cin: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    # A copy the plan keeps in another language (e.g. English) names the member's notice.
    copy_of: Mapped[str | None] = mapped_column(String(40))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeDelivery(Base):
    """One thing that happened to a notice on its way (append-only; the latest is its status).
    The same idempotency key on the same notice is one record."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened, as reported
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(400))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(200))
