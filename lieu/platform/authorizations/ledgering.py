"""An authorization's holds on the ledger: what fits, reserve it, release it, consume it."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.records import LedgerInput, LedgerResult
from lieu.platform.definitions.document import Definition
from lieu.platform.limits import ledger
from lieu.platform.limits.balances import what_fits
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import LimitSpec, Measure
from lieu.platform.limits.usage import Request

ONE = Decimal(1)


def limit_specs(definition: Definition) -> list[LimitSpec]:
    """The ledger's view of every limit that counts this definition's support."""
    specs = [LimitSpec.from_json(asdict(limit)) for limit in definition.limits]
    return [spec for spec in specs if spec.covers(definition.support)]


def _days_end(start: date, days: Decimal) -> date:
    return start + timedelta(days=int(days) - 1)


def _posting(
    request: LedgerInput, spec: LimitSpec, amount: Decimal, start: date, end: date
) -> Posting:
    return Posting(
        cin=request.member_cin,
        plan=request.plan,
        support=request.definition.support,
        start=start,
        end=end,
        amount=amount,
        key=f"{request.key}/{spec.id}",
        actor=request.actor,
        authorization_id=request.authorization_id,
        reason=request.reason or None,
    )


def _split(definition: Definition, request: LedgerInput) -> tuple[list[LimitSpec], list[LimitSpec]]:
    """Limits on the request's measure, and episode limits (one episode per authorization)."""
    specs = limit_specs(definition)
    same = [s for s in specs if s.measure.value == request.measure]
    episodes = [s for s in specs if s.measure is Measure.EPISODES and s not in same]
    return same, episodes


async def reserve(
    *, session: AsyncSession, definition: Definition, request: LedgerInput
) -> LedgerResult:
    """Hold the largest part of the request that fits every limit; 0 when nothing fits."""
    same, episodes = _split(definition, request)
    days = request.measure == Measure.DAYS.value
    quantity = request.quantity
    start = request.start
    end = _days_end(start, quantity) if days else request.end
    notes: list[str] = []
    remaining: Decimal | None = None
    for spec in same:
        ask = Request(start, end, quantity, request.authorization_id)
        fit = await what_fits(request.member_cin, spec, ask, session=session)
        remaining = fit.fits if remaining is None else min(remaining, fit.fits)
        if fit.fits < quantity:
            hint = (
                f"; an exception may cover the rest ({spec.exception.requires})"
                if spec.exception.allowed
                else ""
            )
            when = f"; all of it would fit from {fit.earliest_start}" if fit.earliest_start else ""
            notes.append(f"{spec.label}: {fit.fits} of {quantity} {spec.measure} fit{hint}{when}")
            quantity = fit.fits
            if days and quantity > 0:
                end = _days_end(start, quantity)
    counted_episodes = episodes if request.first else []
    for spec in counted_episodes:
        fit = await what_fits(
            request.member_cin,
            spec,
            Request(start, end, ONE, request.authorization_id),
            session=session,
        )
        if fit.fits < ONE:
            notes.append(f"{spec.label}: already used ({spec.maximum} {spec.measure} allowed)")
            quantity = Decimal(0)
    if quantity <= 0:
        return LedgerResult(Decimal(0), start, "; ".join(notes) or "nothing fits", remaining)
    for spec in same:
        await ledger.reserve(_posting(request, spec, quantity, start, end), spec, session=session)
    for spec in counted_episodes:
        await ledger.reserve(_posting(request, spec, ONE, start, end), spec, session=session)
    held = f"reserved {quantity} {request.measure} ({start.isoformat()} to {end.isoformat()})"
    return LedgerResult(quantity, end, "; ".join([held, *notes]), remaining)


async def release(
    *, session: AsyncSession, definition: Definition, request: LedgerInput
) -> LedgerResult:
    """Give back `quantity` (for days: the last days held, ending on `end`)."""
    same, episodes = _split(definition, request)
    days = request.measure == Measure.DAYS.value
    start = request.end - timedelta(days=int(request.quantity) - 1) if days else request.start
    for spec in same:
        posting = _posting(request, spec, request.quantity, start, request.end)
        await ledger.release(posting, spec, session=session)
    if request.whole:
        for spec in episodes:
            posting = _posting(request, spec, ONE, request.start, request.end)
            await ledger.release(posting, spec, session=session)
    return LedgerResult(
        request.quantity, request.end, f"released {request.quantity} {request.measure}"
    )


async def consume(
    *, session: AsyncSession, definition: Definition, request: LedgerInput
) -> LedgerResult:
    """Record service delivered against the holds; `LimitExceeded` when it does not fit. A late
    report (after the end released what was unused) holds its quantity again first."""
    same, _episodes = _split(definition, request)
    if request.late:
        for spec in same:
            hold = replace(request, key=f"{request.key}/late-hold")
            posting = _posting(hold, spec, request.quantity, request.start, request.end)
            await ledger.reserve(posting, spec, session=session)
    for spec in same:
        posting = _posting(request, spec, request.quantity, request.start, request.end)
        await ledger.consume(posting, spec, session=session)
    return LedgerResult(
        request.quantity, request.end, f"consumed {request.quantity} {request.measure}"
    )
