"""Prior use as imported: one append-only row per source record, and the entries it posted.

A record of service given outside lieu (before go-live, or while the member was with another
plan) is kept as it came — which system, which record, who loaded it and when — so that loading
the same file again finds it (idempotent per `(source_system, source_record_id)`) and a record
whose content changed since is a conflict to resolve, never a silent second entry.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow
from lieu.platform.limits.models import ExactAmount, ImmutableEntryError


class PriorUseRecord(Base):
    """One imported source record; `fingerprint` digests its content (what a re-run compares)."""

    __tablename__ = "prior_use_records"
    __table_args__ = (UniqueConstraint("source_system", "source_record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    cin: Mapped[str] = mapped_column(String(16), index=True)
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    limit_id: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column("amount_hundredths", ExactAmount)
    measure: Mapped[str] = mapped_column(String(16))
    service_start: Mapped[date] = mapped_column(Date)
    service_end: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PriorUseEntry(Base):
    """Which ledger entry a record posted, on which counter (one per counter it counts on)."""

    __tablename__ = "prior_use_entries"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("prior_use_records.id", ondelete="RESTRICT"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("limit_entries.id", ondelete="RESTRICT"), primary_key=True
    )


@event.listens_for(PriorUseRecord, "before_update")
@event.listens_for(PriorUseRecord, "before_delete")
@event.listens_for(PriorUseEntry, "before_update")
@event.listens_for(PriorUseEntry, "before_delete")
def _refuse_change(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    # The database refuses too (triggers in revision 0013).
    raise ImmutableEntryError(
        f"{type(target).__name__} is part of the audit trail and never changes; to correct prior "
        "use, post an adjustment on the counter (with a reason)"
    )
