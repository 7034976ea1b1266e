"""Posting to the ledger: reserve, consume, release, adjust — idempotent and serialized per account.

Each function takes the caller's session and never commits. It locks the member's account on the
counter, decides, then appends one entry. An entry's idempotency key is unique in the database: a
replay (even a concurrent one) records nothing and returns the entry first recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.limits.accounts import (
    Account,
    add_to_total,
    load_lane,
    load_raises,
    load_usage,
    lock_account,
)
from lieu.platform.limits.errors import (
    IdempotencyConflict,
    InvalidPosting,
    LedgerError,
    LimitExceeded,
)
from lieu.platform.limits.fitting import fitting_amount
from lieu.platform.limits.lanes import has_reservation, shortfall
from lieu.platform.limits.models import EntryKind, LimitEntry
from lieu.platform.limits.postings import Entry, Posting
from lieu.platform.limits.spec import LimitSpec, Measure, WindowKind
from lieu.platform.limits.usage import Usage, day_count
from lieu.platform.limits.windows import Counted
from lieu.platform.limits.writes import append_entry, charge_and_append, refund


async def reserve(posting: Posting, spec: LimitSpec, *, session: AsyncSession) -> Entry:
    """Hold `amount` for an approved authorization; `LimitExceeded` if any window would overflow."""
    if not posting.authorization_id:
        raise InvalidPosting(f"a reservation needs an authorization id (key {posting.key!r})")
    return await _post(EntryKind.RESERVE, posting, spec, session)


async def consume(posting: Posting, spec: LimitSpec, *, session: AsyncSession) -> Entry:
    """Record service delivered: under a reservation it uses what is held, else it is checked."""
    return await _post(EntryKind.CONSUME, posting, spec, session)


async def release(posting: Posting, spec: LimitSpec, *, session: AsyncSession) -> Entry:
    """Give back what an authorization holds (denial, cancellation, expiry, unused remainder)."""
    if not posting.authorization_id:
        raise InvalidPosting(f"a release names the authorization it releases (key {posting.key!r})")
    return await _post(EntryKind.RELEASE, posting, spec, session)


async def adjust(posting: Posting, spec: LimitSpec, *, session: AsyncSession) -> Entry:
    """Correct usage by ±amount (e.g. history from before lieu); needs a reason, is not capped."""
    if not (posting.reason or "").strip():
        raise InvalidPosting(f"an adjustment needs a reason (key {posting.key!r})")
    return await _post(EntryKind.ADJUST, posting, spec, session)


async def record_prior_use(posting: Posting, spec: LimitSpec, *, session: AsyncSession) -> Entry:
    """Count service given outside lieu (before go-live, or by another plan) in every window.

    Prior use is history, not a request: it is never refused for exceeding the cap (the member
    had it); what it leaves, possibly nothing, is what later requests may still take.
    """
    if not posting.prior_use:
        raise InvalidPosting(f"a prior-use entry comes from an import (key {posting.key!r})")
    return await _post(EntryKind.PRIOR_USE, posting, spec, session)


async def _post(kind: EntryKind, posting: Posting, spec: LimitSpec, session: AsyncSession) -> Entry:
    _validate(kind, posting, spec)
    if _chargeable(kind, posting, spec):
        draft = _draft(kind, posting, spec, 0, posting.amount)
        charged, entry_id = await charge_and_append(
            draft.row(), spec.maximum, spec.measure, posting.cin, spec.counter, session=session
        )
        if charged is not None:
            if entry_id is None:
                await refund(charged, posting.amount, session=session)
                return await _replay(kind, posting, charged, session)
            return replace(draft, id=entry_id, account_id=charged)
    account = await lock_account(posting.cin, spec.counter, spec.measure, session=session)
    try:
        counted = await _effect(kind, posting, spec, account, session)
    except LedgerError:
        # A replay of a posting that went through may no longer pass (what it held is used).
        if (first := await _by_key(posting.key, session)) is not None:
            return _replayed(first, kind, account.id, posting)
        raise
    entry = await _append(kind, posting, spec, account.id, counted, session)
    if entry is None:
        return await _replay(kind, posting, account.id, session)
    if counted:
        await add_to_total(account, counted, session=session)
    return entry


def _chargeable(kind: EntryKind, posting: Posting, spec: LimitSpec) -> bool:
    """Whether one conditional UPDATE of the account's total decides this posting."""
    new_usage = kind is EntryKind.RESERVE or (
        kind is EntryKind.CONSUME and posting.authorization_id is None
    )
    return new_usage and spec.window.kind is WindowKind.LIFETIME


def _draft(
    kind: EntryKind, posting: Posting, spec: LimitSpec, account_id: int, counted: Decimal
) -> Entry:
    return Entry(
        id=0,
        kind=kind,
        key=posting.key,
        account_id=account_id,
        plan=posting.plan,
        support=posting.support,
        limit_id=spec.id,
        start=posting.start,
        end=posting.end,
        amount=posting.amount,
        counted=counted,
        authorization_id=posting.authorization_id,
        claim_line=posting.claim_line,
        source=posting.source,
        reason=posting.reason,
        actor=posting.actor,
        recorded_at=utcnow(),
    )


async def _append(
    kind: EntryKind,
    posting: Posting,
    spec: LimitSpec,
    account_id: int,
    counted: Decimal,
    session: AsyncSession,
) -> Entry | None:
    """The entry appended, or None when its key is already recorded."""
    entry = _draft(kind, posting, spec, account_id, counted)
    entry_id = await append_entry(session=session, **entry.row())
    return None if entry_id is None else replace(entry, id=entry_id)


async def _replay(
    kind: EntryKind, posting: Posting, account_id: int, session: AsyncSession
) -> Entry:
    first = await _by_key(posting.key, session)
    assert first is not None, "ON CONFLICT DO NOTHING skipped a row that is not there"
    return _replayed(first, kind, account_id, posting)


async def _effect(
    kind: EntryKind, posting: Posting, spec: LimitSpec, account: Account, session: AsyncSession
) -> Decimal:
    """How the entry changes counted usage; raises if the ledger must refuse it."""
    if kind in (EntryKind.ADJUST, EntryKind.PRIOR_USE):
        return posting.amount
    if kind is EntryKind.RESERVE:
        await check_fits(posting, spec, account, session)
        return posting.amount
    lane = (
        await load_lane(account.id, posting.authorization_id, session=session)
        if posting.authorization_id
        else []
    )
    if kind is EntryKind.CONSUME and not has_reservation(lane):
        await check_fits(posting, spec, account, session)
        return posting.amount
    why = shortfall(spec.measure, lane, posting.start, posting.end, posting.amount)
    if why is not None:
        fix = (
            "reserve more first, or post the excess as a consume without the authorization"
            if kind is EntryKind.CONSUME
            else "release only what is still held"
        )
        raise InvalidPosting(
            f"{kind.value} of {posting.amount} {spec.measure.value} {posting.start}…{posting.end} "
            f"under authorization {posting.authorization_id!r}: {why}; {fix}"
        )
    return Decimal(0) if kind is EntryKind.CONSUME else -posting.amount


async def check_fits(
    posting: Posting, spec: LimitSpec, account: Account, session: AsyncSession
) -> None:
    """Raise `LimitExceeded` unless the posting fits every window, counting approved exceptions."""
    request = posting.request()
    usage = await _usage_for(spec, account, posting, session)
    counted = Counted(spec, usage)
    verdict = counted.assess(request)
    if verdict.fits:
        return
    if not spec.exception.allowed:  # approved exceptions count only where the limit allows them
        raise LimitExceeded(spec, verdict.tightest, fitting_amount(counted, request))
    # Exceptions are rare: read them only when the plain cap is not enough.
    counted = Counted(spec, usage, await load_raises(account.id, session=session))
    verdict = counted.assess(request)
    if not verdict.fits:
        raise LimitExceeded(spec, verdict.tightest, fitting_amount(counted, request))


async def _usage_for(
    spec: LimitSpec, account: Account, posting: Posting, session: AsyncSession
) -> list[Usage]:
    window = spec.window
    if window.kind is WindowKind.LIFETIME:
        # The account caches its all-time total, so a lifetime check reads no entries.
        return [Usage(posting.start, posting.start, account.counted_total)]
    last = posting.end if spec.measure is Measure.DAYS else posting.start
    if window.kind is WindowKind.ROLLING_DAYS:
        reach = timedelta(days=(window.days or 1) - 1)
        first, last = posting.start - reach, last + reach
        return await load_usage(account.id, session=session, first=first, last=last)
    if window.kind is WindowKind.CALENDAR_YEAR:
        first, last = posting.start.replace(month=1, day=1), last.replace(month=12, day=31)
        return await load_usage(account.id, session=session, first=first, last=last)
    if window.kind is WindowKind.PER_AUTHORIZATION:
        auth = posting.authorization_id
        if auth is None:
            raise InvalidPosting(f"limit {spec.id!r} counts per authorization; name one")
        return await load_usage(account.id, session=session, authorization_id=auth)
    return await load_usage(account.id, session=session)


def _validate(kind: EntryKind, posting: Posting, spec: LimitSpec) -> None:
    if not spec.covers(posting.support):
        raise InvalidPosting(
            f"{posting.support!r} does not count against limit {spec.id!r} "
            f"(it pools {', '.join(spec.pool_supports)}); pass that support's own limit"
        )
    if posting.end < posting.start:
        raise InvalidPosting(f"service ends {posting.end} before it starts {posting.start}")
    if posting.amount != posting.amount.quantize(Decimal("0.01")):
        raise InvalidPosting(f"amount {posting.amount} has more than two decimal places")
    if kind is EntryKind.ADJUST and posting.amount == 0:
        raise InvalidPosting("an adjustment of 0 changes nothing; leave it out")
    if kind is not EntryKind.ADJUST and posting.amount <= 0:
        raise InvalidPosting(f"a {kind.value} needs an amount above 0, got {posting.amount}")
    if spec.measure is Measure.DAYS and abs(posting.amount) != day_count(
        posting.start, posting.end
    ):
        raise InvalidPosting(
            f"{posting.amount} days given for {posting.start}…{posting.end}, which is "
            f"{day_count(posting.start, posting.end)} days; a days amount is the number of days"
        )
    if spec.measure is Measure.EPISODES and posting.amount != int(posting.amount):
        raise InvalidPosting(f"episodes are whole numbers, got {posting.amount}")


async def _by_key(key: str, session: AsyncSession) -> Entry | None:
    row = await session.scalar(select(LimitEntry).where(LimitEntry.idempotency_key == key))
    return None if row is None else Entry.of(row, replayed=True)


def _replayed(first: Entry, kind: EntryKind, account_id: int, posting: Posting) -> Entry:
    if not first.same_posting(kind, account_id, posting):
        raise IdempotencyConflict(
            f"key {posting.key!r} already recorded a {first.kind.value} of {first.amount} "
            f"on {first.start}…{first.end} (entry {first.id}); use a new key for a new posting"
        )
    return first
