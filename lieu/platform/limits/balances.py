"""Balance queries: what is left, what part of a request fits now, and when all of it would."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.limits.accounts import find_account, load_raises, load_usage
from lieu.platform.limits.fitting import earliest_start, fitting_amount
from lieu.platform.limits.spec import LimitSpec, Measure
from lieu.platform.limits.usage import Request
from lieu.platform.limits.windows import Counted, WindowUse


@dataclass(frozen=True, slots=True)
class Balance:
    """What one limit leaves a member on a day (days: how many more days that day may take)."""

    limit_id: str
    counter: str
    on: date
    remaining: Decimal
    measure: Measure


@dataclass(frozen=True, slots=True)
class Fit:
    """How a request meets a limit: the part that fits now, the rest, and when all of it would."""

    limit_id: str
    requested: Decimal
    fits: Decimal
    over: Decimal
    fits_until: date | None
    earliest_start: date | None
    exception_allowed: bool
    tightest: WindowUse

    @property
    def whole(self) -> bool:
        """Whether all of the request fits now."""
        return self.over == 0


async def counted_for(cin: str, spec: LimitSpec, *, session: AsyncSession) -> Counted:
    """All of a member's usage and exceptions on the limit's counter (no lock: a snapshot)."""
    account = await find_account(cin, spec.counter, session=session)
    if account is None:
        return Counted(spec, ())
    usage = await load_usage(account.id, session=session)
    if not spec.exception.allowed:  # approved exceptions count only where the limit allows them
        return Counted(spec, usage)
    return Counted(spec, usage, await load_raises(account.id, session=session))


async def balance(
    cin: str,
    spec: LimitSpec,
    on: date,
    *,
    session: AsyncSession,
    authorization_id: str | None = None,
) -> Balance:
    """What is left under one limit for a member on a day, across every plan."""
    counted = await counted_for(cin, spec, session=session)
    return Balance(
        limit_id=spec.id,
        counter=spec.counter,
        on=on,
        remaining=counted.remaining(on, authorization_id),
        measure=spec.measure,
    )


async def balances_for_support(
    cin: str, support: str, specs: Iterable[LimitSpec], on: date, *, session: AsyncSession
) -> list[Balance]:
    """What each limit that counts `support` leaves the member on a day (the least one binds)."""
    return [await balance(cin, spec, on, session=session) for spec in specs if spec.covers(support)]


async def what_fits(cin: str, spec: LimitSpec, request: Request, *, session: AsyncSession) -> Fit:
    """The part of `request` that fits now (for a partial approval) and the earliest full fit."""
    counted = await counted_for(cin, spec, session=session)
    fits = fitting_amount(counted, request)
    until = None
    if spec.measure is Measure.DAYS and fits > 0:
        until = request.start + timedelta(days=int(fits) - 1)
    return Fit(
        limit_id=spec.id,
        requested=request.amount,
        fits=fits,
        over=request.amount - fits,
        fits_until=until,
        earliest_start=earliest_start(counted, request),
        exception_allowed=spec.exception.allowed,
        tightest=counted.assess(request).tightest,
    )
