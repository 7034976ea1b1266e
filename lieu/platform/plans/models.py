"""A plan's configuration as stored: its clock and its appeal timeframes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow


class PlanRecord(Base):
    """One plan's settings, loaded from `benefit_definitions/plans/<plan>.json`."""

    __tablename__ = "plans"

    plan: Mapped[str] = mapped_column(String(64), primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    holidays: Mapped[str] = mapped_column(String(32))  # a region of the holidays package, "US-CA"
    holiday_categories: Mapped[list[Any]] = mapped_column(JSONDocument)
    reference: Mapped[str] = mapped_column(Text, default="")
    # the appeal and grievance timeframes (`appeals.terms.terms_document`); null: the defaults
    appeal_terms: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    # how long providers keep seeing members, birth-date lockouts (`access.terms`); null: defaults
    access_terms: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
