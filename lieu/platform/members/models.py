"""Members: the minimum facts about a Medi-Cal member that eligibility rules read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow


class Member(Base):
    """A member as enrolled in one plan, keyed by the state's client index number (CIN).

    The same CIN may appear under several plans over time (a member changes plans); lifetime
    limits are keyed by CIN, so they follow the member.
    """

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("plan", "cin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cin: Mapped[str] = mapped_column(String(16), index=True)
    plan: Mapped[str] = mapped_column(String(64), index=True)
    # Facts valid against benefit_definitions/schema/member-facts.schema.json.
    facts: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
