"""Notes on a referral: what its provider and the plan's staff tell each other about one
authorization (a call that could not be made, a member who asked to wait), kept in order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow


class ReferralNote(Base):
    """One note on one authorization, by whom (as timelines name actors) and when."""

    __tablename__ = "referral_notes"
    __table_args__ = (Index(None, "authorization_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))  # the referral's organization
    author: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
