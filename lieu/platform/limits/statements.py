"""A member's statement on a counter: totals across every plan, detail only for the viewer's own.

Lifetime limits follow the member (by CIN) from plan to plan, so every plan must see the total
used; which other plan served the member, when and why is not its business.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.limits.accounts import find_account
from lieu.platform.limits.models import EntryKind, LimitEntry, LimitException
from lieu.platform.limits.postings import Entry


@dataclass(frozen=True, slots=True)
class Totals:
    """Usage split by state: held by reservations, consumed, adjusted, used elsewhere (prior use
    imported from outside lieu); `counted` is their sum."""

    held: Decimal = Decimal(0)
    consumed: Decimal = Decimal(0)
    adjusted: Decimal = Decimal(0)
    exceptions: Decimal = Decimal(0)
    elsewhere: Decimal = Decimal(0)

    @property
    def counted(self) -> Decimal:
        """Everything that counts against the cap."""
        return self.held + self.consumed + self.adjusted + self.elsewhere


@dataclass(frozen=True, slots=True)
class Statement:
    """Totals for all plans and for the viewer's plan, and the viewer's own entries in detail."""

    cin: str
    counter: str
    viewer_plan: str
    all_plans: Totals
    own_plan: Totals
    entries: tuple[Entry, ...]


async def statement(
    cin: str, counter: str, *, viewer_plan: str, session: AsyncSession
) -> Statement:
    """The member's statement on `counter` as plan `viewer_plan` may see it."""
    account = await find_account(cin, counter, session=session)
    if account is None:
        return Statement(cin, counter, viewer_plan, Totals(), Totals(), ())
    sums = select(
        LimitEntry.plan,
        LimitEntry.kind,
        func.sum(LimitEntry.amount),
        func.sum(LimitEntry.counted),
    ).where(LimitEntry.account_id == account.id)
    by_plan: dict[str, dict[EntryKind, tuple[Decimal, Decimal]]] = {}
    for plan, kind, amount, counted in await session.execute(
        sums.group_by(LimitEntry.plan, LimitEntry.kind)
    ):
        by_plan.setdefault(plan, {})[kind] = (Decimal(amount), Decimal(counted))
    extras = select(LimitException.plan, func.sum(LimitException.extra)).where(
        LimitException.account_id == account.id
    )
    granted = {
        plan: Decimal(extra)
        for plan, extra in await session.execute(extras.group_by(LimitException.plan))
    }
    rows = await session.scalars(
        select(LimitEntry)
        .where(LimitEntry.account_id == account.id, LimitEntry.plan == viewer_plan)
        .order_by(LimitEntry.id)
    )
    return Statement(
        cin=cin,
        counter=counter,
        viewer_plan=viewer_plan,
        all_plans=_totals(
            [k for kinds in by_plan.values() for k in kinds.items()], sum(granted.values())
        ),
        own_plan=_totals(list(by_plan.get(viewer_plan, {}).items()), granted.get(viewer_plan)),
        entries=tuple(Entry.of(row) for row in rows),
    )


def _totals(
    sums: list[tuple[EntryKind, tuple[Decimal, Decimal]]], exceptions: Decimal | int | None
) -> Totals:
    amount: dict[EntryKind, Decimal] = {k: Decimal(0) for k in EntryKind}
    counted: dict[EntryKind, Decimal] = {k: Decimal(0) for k in EntryKind}
    for kind, (a, c) in sums:
        amount[kind] += a
        counted[kind] += c
    # A consume under a reservation counts 0: it turns held into consumed.
    drawn = amount[EntryKind.CONSUME] - counted[EntryKind.CONSUME]
    return Totals(
        held=amount[EntryKind.RESERVE] - amount[EntryKind.RELEASE] - drawn,
        consumed=amount[EntryKind.CONSUME],
        adjusted=amount[EntryKind.ADJUST],
        exceptions=Decimal(exceptions or 0),
        elsewhere=amount[EntryKind.PRIOR_USE],
    )
