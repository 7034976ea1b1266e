"""A balance in plain words, for the window a day falls in: what is used through lieu, used
elsewhere (prior use), held, adjusted, what approved exceptions add, what is left — and, when
nothing is, which entries used it up and from when it frees up.

The window is the binding one for one more use on the day asked: the lifetime, the calendar year
of the day, the rolling window (of those holding the day) with the least left, or the stay.
Limits follow the member across plans, so what is left counts every plan; but used, held and
adjusted are the viewer's plan's own, other plans' use is one "used elsewhere" figure with prior
use, and entries in detail are only the viewer's (which other plan served the member, when and
why is not its business).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.limits.accounts import find_account, load_raises
from lieu.platform.limits.fitting import earliest_start
from lieu.platform.limits.models import EntryKind, LimitEntry, Source
from lieu.platform.limits.spec import LimitSpec, Measure, WindowKind
from lieu.platform.limits.usage import Daily, Request, Usage, from_hundredths
from lieu.platform.limits.windows import Counted, WindowUse

ZERO = Decimal(0)
SHOWN_ENTRIES = 20  # the largest entries named when explaining an exhausted limit


@dataclass(frozen=True, slots=True)
class CountingEntry:
    """One of the viewer's plan's entries that counts in the window (or others', summed)."""

    kind: str
    source: str
    support: str
    start: date | None
    end: date | None
    counted: Decimal
    authorization_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class WindowBalance:
    """One limit seen on one day, for the window that binds it."""

    limit_id: str
    label: str
    measure: Measure
    kind: WindowKind
    on: date
    first: date | None  # None and None: the whole lifetime
    last: date | None
    maximum: Decimal
    exceptions: Decimal
    used: Decimal  # service reported through lieu, for the viewer's plan
    # prior use (service given outside lieu, imported) and every other plan's use (held, used,
    # adjusted), as one figure: which other plan served the member is not the viewer's business
    elsewhere: Decimal
    held: Decimal  # reserved by the viewer's plan's open authorizations, not yet used
    adjusted: Decimal  # the viewer's plan's corrections (±)
    remaining: Decimal
    frees_on: date | None
    counting: tuple[CountingEntry, ...]

    @property
    def cap(self) -> Decimal:
        """The cap in this window: the limit's maximum plus approved exceptions."""
        return self.maximum + self.exceptions

    @property
    def exhausted(self) -> bool:
        """Whether nothing more may be taken on the day."""
        return self.remaining <= 0

    @property
    def window(self) -> str:
        """The window in words: 'lifetime', 'per authorization' or '2026-01-01 to 2026-12-31'."""
        if self.kind is WindowKind.PER_AUTHORIZATION:
            return "per authorization"
        if self.first is None:
            return "lifetime"
        return f"{self.first} to {self.last}"

    def why(self) -> str:
        """Why nothing is left, in words ('' when something is)."""
        if not self.exhausted:
            return ""
        unit = self.measure.value
        parts = [
            f"{_plain(amount)} {what}"
            for amount, what in (
                (self.used, "used through lieu"),
                (self.elsewhere, "used elsewhere (prior use)"),
                (self.held, "held by open authorizations"),
                (self.adjusted, "adjusted"),
            )
            if amount
        ]
        cap = f"{_plain(self.cap)} {unit}"
        if self.exceptions:
            cap += f" (with {_plain(self.exceptions)} by approved exception)"
        said = (
            f"{self.label}: nothing left in {self.window}: of the cap of {cap}, "
            f"{', '.join(parts) or 'all is counted'}"
        )
        if self.frees_on is not None:
            return f"{said}; some frees up from {self.frees_on}"
        return f"{said}; it does not free up with time (only an approved exception can raise it)"


async def window_balance(
    cin: str, spec: LimitSpec, on: date, *, viewer_plan: str, session: AsyncSession
) -> WindowBalance:
    """What one limit leaves a member on `on`, for the window that binds it, and why."""
    account = await find_account(cin, spec.counter, session=session)
    rows = []
    raises = []
    if account is not None:
        rows = list(
            await session.execute(
                select(
                    LimitEntry.kind,
                    LimitEntry.source,
                    LimitEntry.plan,
                    LimitEntry.support,
                    LimitEntry.service_start,
                    LimitEntry.service_end,
                    LimitEntry.amount,
                    LimitEntry.counted,
                    LimitEntry.authorization_id,
                    LimitEntry.reason,
                )
                .where(LimitEntry.account_id == account.id)
                .order_by(LimitEntry.id)
            )
        )
        if spec.exception.allowed:  # approved exceptions count only where the limit allows them
            raises = await load_raises(account.id, session=session)
    usage = [Usage(r.service_start, r.service_end, r.counted, r.authorization_id) for r in rows]
    counted = Counted(spec, usage, raises)
    unit = Decimal(1) if spec.measure is Measure.DAYS else Decimal("0.01")
    probe = Request(on, on, unit)
    window = min(counted.windows(probe), key=lambda w: (w.available, w.first or date.min))
    remaining = max(ZERO, window.available)

    per_authorization = spec.window.kind is WindowKind.PER_AUTHORIZATION

    def total(pick: list[Usage]) -> Decimal:
        if per_authorization:  # the question is about a new authorization: it has used nothing
            return ZERO
        return from_hundredths(Daily(spec.measure, pick).total(window.first, window.last))

    def of(*kinds: EntryKind, own: bool = True) -> list[Usage]:
        return [
            u
            for u, r in zip(usage, rows, strict=True)
            if r.kind in kinds and (r.plan == viewer_plan) is own
        ]

    def consumed(own: bool) -> list[Usage]:
        return [
            Usage(r.service_start, r.service_end, r.amount)
            for r in rows
            if r.kind is EntryKind.CONSUME and (r.plan == viewer_plan) is own
        ]

    def drawn(own: bool) -> list[Usage]:  # consumption under a reservation turns held into used
        return [
            Usage(r.service_start, r.service_end, -r.amount)
            for r in rows
            if r.kind is EntryKind.CONSUME and r.counted == 0 and (r.plan == viewer_plan) is own
        ]

    # Other plans' use (held, used, adjusted) is one figure with prior use: "used elsewhere".
    holds = (EntryKind.RESERVE, EntryKind.RELEASE)
    others = (
        of(EntryKind.PRIOR_USE)
        + of(EntryKind.PRIOR_USE, own=False)
        + of(*holds, EntryKind.ADJUST, own=False)
        + consumed(False)
        + drawn(False)
    )
    frees_on = None
    if remaining <= 0 and spec.window.kind is not WindowKind.LIFETIME:
        frees_on = earliest_start(counted, probe)
    return WindowBalance(
        limit_id=spec.id,
        label=spec.label,
        measure=spec.measure,
        kind=spec.window.kind,
        on=on,
        first=window.first,
        last=window.last,
        maximum=spec.maximum,
        exceptions=window.cap - spec.maximum,
        used=total(consumed(True)),
        elsewhere=total(others),
        held=total(of(*holds) + drawn(True)),
        adjusted=total(of(EntryKind.ADJUST)),
        remaining=remaining,
        frees_on=frees_on,
        counting=_counting(rows, spec, window, viewer_plan) if remaining <= 0 else (),
    )


def _counting(
    rows: list[Any], spec: LimitSpec, window: WindowUse, viewer_plan: str
) -> tuple[CountingEntry, ...]:
    """The viewer's entries that count in the window (largest first), others' as one sum."""
    own: list[CountingEntry] = []
    others = 0
    for row in rows:
        amount = from_hundredths(
            Daily(spec.measure, [Usage(row.service_start, row.service_end, row.counted)]).total(
                window.first, window.last
            )
        )
        if amount == 0:
            continue
        if row.plan != viewer_plan:
            others += int(amount * 100)
            continue
        own.append(
            CountingEntry(
                kind=row.kind.value,
                source=row.source.value,
                support=row.support,
                start=row.service_start,
                end=row.service_end,
                counted=amount,
                authorization_id=row.authorization_id,
                detail=row.reason or _described(row.kind, row.source),
            )
        )
    own.sort(key=lambda e: -e.counted)
    shown = own[:SHOWN_ENTRIES]
    if others:
        shown.append(
            CountingEntry(
                kind="other_plans",
                source="other_plans",
                support="",
                start=None,
                end=None,
                counted=from_hundredths(others),
                authorization_id=None,
                detail="counted by other plans the member was enrolled in",
            )
        )
    return tuple(shown)


def _plain(amount: Decimal) -> str:
    """336, 7500, 12.5: an amount as people write it."""
    return format(amount.normalize(), "f")


def _described(kind: EntryKind, source: Source) -> str:
    return f"{kind.value} ({source.value})"
