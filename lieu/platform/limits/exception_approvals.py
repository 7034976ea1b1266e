"""Approved exceptions: a reviewer raises one member's cap, where the limit allows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.limits.accounts import dialect_insert, load_raises, lock_account
from lieu.platform.limits.errors import ExceptionNotAllowed, IdempotencyConflict, InvalidPosting
from lieu.platform.limits.models import LimitException
from lieu.platform.limits.spec import LimitSpec


@dataclass(frozen=True, slots=True)
class ExceptionRequest:
    """A reviewer's approval of `extra` on a member's cap from `start` (to `end`, or for good)."""

    cin: str
    plan: str
    extra: Decimal
    start: date
    approved_by: str
    reason: str
    key: str
    end: date | None = None


@dataclass(frozen=True, slots=True)
class ApprovedException:
    """A recorded exception; `replayed` is true when the key had already been recorded."""

    id: int
    account_id: int
    limit_id: str
    plan: str
    extra: Decimal
    start: date
    end: date | None
    approved_by: str
    reason: str
    recorded_at: datetime
    replayed: bool = False


async def approve_exception(
    request: ExceptionRequest, spec: LimitSpec, *, session: AsyncSession
) -> ApprovedException:
    """Record an approved exception; `ExceptionNotAllowed` if the limit allows none, or no more."""
    if not request.reason.strip() or not request.approved_by.strip():
        raise InvalidPosting(
            f"an exception records who approved it and why ({spec.exception.requires or 'reason'})"
        )
    if request.extra <= 0 or request.extra != request.extra.quantize(Decimal("0.01")):
        raise InvalidPosting(f"an exception adds an amount above 0 in cents, got {request.extra}")
    account = await lock_account(request.cin, spec.counter, spec.measure, session=session)
    if (first := await _by_key(request.key, session)) is not None:
        if (first.account_id, first.extra, first.start) != (
            account.id,
            request.extra,
            request.start,
        ):
            raise IdempotencyConflict(
                f"key {request.key!r} already recorded exception {first.id} of {first.extra}; "
                "use a new key for a new exception"
            )
        return first
    _check_allowed(
        spec,
        request,
        sum((r.extra for r in await load_raises(account.id, session=session)), Decimal(0)),
    )
    recorded_at = utcnow()
    insert = (
        dialect_insert(session, LimitException)
        .values(
            account_id=account.id,
            idempotency_key=request.key,
            plan=request.plan,
            limit_id=spec.id,
            extra=request.extra,
            applies_from=request.start,
            applies_to=request.end,
            approved_by=request.approved_by,
            reason=request.reason,
            recorded_at=recorded_at,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(LimitException.id)
    )
    new_id = (await session.execute(insert)).scalar_one_or_none()
    if new_id is None:  # the same key was recorded on another account meanwhile
        raise IdempotencyConflict(f"key {request.key!r} is already used by another exception")
    return ApprovedException(
        id=new_id,
        account_id=account.id,
        limit_id=spec.id,
        plan=request.plan,
        extra=request.extra,
        start=request.start,
        end=request.end,
        approved_by=request.approved_by,
        reason=request.reason,
        recorded_at=recorded_at,
    )


def _check_allowed(spec: LimitSpec, request: ExceptionRequest, granted: Decimal) -> None:
    rule = spec.exception
    if not rule.allowed:
        raise ExceptionNotAllowed(
            f"{spec.label} ({spec.id}) allows no exception; the request must be denied"
        )
    if rule.extra_maximum is not None and granted + request.extra > rule.extra_maximum:
        raise ExceptionNotAllowed(
            f"{spec.label} ({spec.id}) allows exceptions of {rule.extra_maximum} "
            f"{spec.measure.value} in all; {granted} already approved for this member, "
            f"so {request.extra} more cannot be; the request must be denied"
        )


async def _by_key(key: str, session: AsyncSession) -> ApprovedException | None:
    row = await session.scalar(select(LimitException).where(LimitException.idempotency_key == key))
    if row is None:
        return None
    return ApprovedException(
        id=row.id,
        account_id=row.account_id,
        limit_id=row.limit_id,
        plan=row.plan,
        extra=row.extra,
        start=row.applies_from,
        end=row.applies_to,
        approved_by=row.approved_by,
        reason=row.reason,
        recorded_at=row.recorded_at,
        replayed=True,
    )
