"""What goes into the ledger (a posting) and what comes out (an entry), as frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lieu.platform.limits.models import EntryKind, LimitEntry, Source
from lieu.platform.limits.usage import Request


@dataclass(frozen=True, slots=True)
class Posting:
    """One thing to record on a member's counter, under an idempotency `key`.

    `amount` is in the limit's measure (days: the number of days from `start` to `end`); it is
    positive except for an adjustment, which may be negative. `plan` is the plan posting it.
    """

    cin: str
    plan: str
    support: str
    start: date
    end: date
    amount: Decimal
    key: str
    actor: str
    authorization_id: str | None = None
    claim_line: str | None = None
    reason: str | None = None
    prior_use: bool = False  # an imported record of service given outside lieu

    @property
    def source(self) -> Source:
        """Prior use, else a claim line, else an authorization, else a manual posting."""
        if self.prior_use:
            return Source.PRIOR_USE
        if self.claim_line:
            return Source.CLAIM
        return Source.AUTHORIZATION if self.authorization_id else Source.MANUAL

    def request(self) -> Request:
        """The posting as a request for the window arithmetic."""
        return Request(self.start, self.end, self.amount, self.authorization_id)


@dataclass(frozen=True, slots=True)
class Entry:
    """A posted ledger entry. `replayed` is true when the key had already been posted."""

    id: int
    kind: EntryKind
    key: str
    account_id: int
    plan: str
    support: str
    limit_id: str
    start: date
    end: date
    amount: Decimal
    counted: Decimal
    authorization_id: str | None
    claim_line: str | None
    source: Source
    reason: str | None
    actor: str
    recorded_at: datetime
    replayed: bool = False

    @classmethod
    def of(cls, row: LimitEntry, *, replayed: bool = False) -> Entry:
        """The entry of a stored row."""
        return cls(
            id=row.id,
            kind=row.kind,
            key=row.idempotency_key,
            account_id=row.account_id,
            plan=row.plan,
            support=row.support,
            limit_id=row.limit_id,
            start=row.service_start,
            end=row.service_end,
            amount=row.amount,
            counted=row.counted,
            authorization_id=row.authorization_id,
            claim_line=row.claim_line,
            source=row.source,
            reason=row.reason,
            actor=row.actor,
            recorded_at=row.recorded_at,
            replayed=replayed,
        )

    def row(self) -> dict[str, Any]:
        """The fields `writes.append_entry` stores."""
        return {
            "account_id": self.account_id,
            "kind": self.kind,
            "key": self.key,
            "plan": self.plan,
            "support": self.support,
            "limit_id": self.limit_id,
            "start": self.start,
            "end": self.end,
            "amount": self.amount,
            "counted": self.counted,
            "authorization_id": self.authorization_id,
            "claim_line": self.claim_line,
            "source": self.source,
            "reason": self.reason,
            "actor": self.actor,
            "recorded_at": self.recorded_at,
        }

    def same_posting(self, kind: EntryKind, account_id: int, posting: Posting) -> bool:
        """Whether `posting` is the very posting this entry recorded (for idempotent replays)."""
        return (
            self.kind is kind
            and self.account_id == account_id
            and self.amount == posting.amount
            and (self.start, self.end) == (posting.start, posting.end)
            and self.authorization_id == posting.authorization_id
            and self.support == posting.support
        )
