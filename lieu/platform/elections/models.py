"""Elections (which plan offers which support in which county, when) and their change history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow


class Election(Base):
    """`plan` offers `support` in `county` from `effective_from` until `effective_to` (excl.)."""

    __tablename__ = "elections"
    __table_args__ = (
        Index("ix_elections_as_of", "county", "effective_from", "effective_to"),
        Index("ix_elections_plan_county", "plan", "county", "support"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(32))
    support: Mapped[str] = mapped_column(String(64))
    # The definition offered: the plan's own, or the DHCS baseline; the version in force is
    # found by date of service, this one was in force when the election was made.
    definition_plan: Mapped[str] = mapped_column(String(64))
    definition_version: Mapped[int | None] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    added_by_change_id: Mapped[int | None] = mapped_column(ForeignKey("election_changes.id"))
    ended_by_change_id: Mapped[int | None] = mapped_column(ForeignKey("election_changes.id"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ElectionChangeRecord(Base):
    """Every change a plan submitted: who, when, for which cycle, and what became of it."""

    __tablename__ = "election_changes"
    __table_args__ = (Index("ix_election_changes_cycle", "plan", "cycle_start", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(200), unique=True)
    plan: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(32))
    support: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    cycle_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
