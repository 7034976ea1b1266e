"""The ledger as stored: accounts per (member CIN, counter), append-only entries, exceptions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

from lieu.platform.db.base import Base, UTCDateTime, utcnow
from lieu.platform.limits.spec import Measure
from lieu.platform.limits.usage import from_hundredths, hundredths


class ImmutableEntryError(RuntimeError):
    """Ledger entries and exceptions are never changed or deleted; post a correcting entry."""


class ExactAmount(TypeDecorator[Decimal]):
    """A Decimal of at most two places stored as integer hundredths: exact on every database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else hundredths(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_hundredths(int(value))


class EntryKind(enum.StrEnum):
    """Reserve at approval, consume on reported service, release on denial/cancel/expiry, adjust;
    prior use: service given outside lieu (before go-live, or by another plan), imported."""

    RESERVE = "reserve"
    CONSUME = "consume"
    RELEASE = "release"
    ADJUST = "adjust"
    PRIOR_USE = "prior_use"


class Source(enum.StrEnum):
    """Where an entry comes from: an authorization, a claim line, a manual correction, or an
    imported record of prior use (its `prior_use_records` row says which system and record)."""

    AUTHORIZATION = "authorization"
    CLAIM = "claim"
    MANUAL = "manual"
    PRIOR_USE = "prior_use"


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(
        kind,
        native_enum=False,
        length=16,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class LimitAccount(Base):
    """One member's balance on one counter, across every plan; its row is the lock per account.

    `counted_total` caches the sum of its entries' `counted` (what lifetime windows read); it is
    updated in the same transaction as each entry, under the account lock.
    """

    __tablename__ = "limit_accounts"
    __table_args__ = (UniqueConstraint("cin", "counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cin: Mapped[str] = mapped_column(String(16))
    counter: Mapped[str] = mapped_column(String(100))
    measure: Mapped[Measure] = mapped_column(_enum(Measure))
    counted_total: Mapped[Decimal] = mapped_column(
        "counted_total_hundredths", ExactAmount, default=Decimal(0)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LimitEntry(Base):
    """One append-only ledger entry. `counted` is its effect on usage, fixed when it is posted.

    reserve: +amount; consume under a reservation: 0 (held becomes used); consume without one:
    +amount; release: −amount; adjust: ±amount; prior use (imported): +amount. Amounts are in
    the counter's measure.
    """

    __tablename__ = "limit_entries"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_limit_entries_account_authorization", "account_id", "authorization_id"),
        Index("ix_limit_entries_account_service", "account_id", "service_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("limit_accounts.id", ondelete="RESTRICT"))
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    limit_id: Mapped[str] = mapped_column(String(100))
    service_start: Mapped[date] = mapped_column(Date)
    service_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_hundredths", ExactAmount)
    counted: Mapped[Decimal] = mapped_column("counted_hundredths", ExactAmount)
    authorization_id: Mapped[str | None] = mapped_column(String(100))
    claim_line: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[Source] = mapped_column(_enum(Source))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LimitException(Base):
    """An approved exception: `extra` on the cap for windows meeting `applies_from`…`applies_to`."""

    __tablename__ = "limit_exceptions"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("limit_accounts.id", ondelete="RESTRICT"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(64))
    limit_id: Mapped[str] = mapped_column(String(100))
    extra: Mapped[Decimal] = mapped_column("extra_hundredths", ExactAmount)
    applies_from: Mapped[date] = mapped_column(Date)
    applies_to: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(LimitEntry, "before_update")
@event.listens_for(LimitEntry, "before_delete")
@event.listens_for(LimitException, "before_update")
@event.listens_for(LimitException, "before_delete")
def _refuse_change(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    # The database refuses too (triggers in revision 0002); this says why before it gets there.
    raise ImmutableEntryError(
        f"{type(target).__name__} {target.id} is part of the audit trail and never changes; "
        "post a correcting entry (adjust or release) instead"
    )
