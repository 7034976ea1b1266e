"""Freezing a set of authorizations for a bulk action, and keeping each item's outcome.

The set is the search's, frozen when operations ask: the batch stores every authorization
number with its status then, so the confirmation, the run and a re-run all act on exactly the
set that was shown, whatever has changed since."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.authorizations import AuthorizationFilter, search_authorizations
from lieu.platform.access.roles import Principal
from lieu.platform.batches.models import BulkBatch, BulkItem
from lieu.platform.db.base import utcnow
from lieu.platform.db.keyset import Window

LARGEST_BATCH = 500  # one workflow's history holds a few events per item: stay well inside it


class BulkAction(StrEnum):
    """What a batch does to each authorization, through the authorization command API."""

    CANCEL = "cancel"
    RETRY = "retry"  # run again the step it stopped at
    EXTEND = "extend"  # take the review's extension of its deadline

    @property
    def words(self) -> str:
        return {
            BulkAction.CANCEL: "cancel",
            BulkAction.RETRY: "retry the failed step of",
            BulkAction.EXTEND: "extend the review deadline of",
        }[self]


class Outcome(StrEnum):
    """What happened to one item."""

    PENDING = "pending"  # not run yet
    DONE = "done"
    REFUSED = "refused"  # the authorization refused the command; the message says why
    FAILED = "failed"  # the command could not be sent (lieu or Temporal failed)
    SKIPPED = "skipped"  # the batch was stopped before reaching it


class BatchStatus(StrEnum):
    FROZEN = "frozen"  # the set is stored; not confirmed yet
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"  # cancelled by operations before every item was reached


FINISHED_OUTCOMES = frozenset({Outcome.DONE, Outcome.REFUSED})


class BatchError(ValueError):
    """A batch cannot be frozen or run as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Tally:
    """How many items have each outcome."""

    pending: int = 0
    done: int = 0
    refused: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def reached(self) -> int:
        return self.done + self.refused + self.failed + self.skipped


def new_batch_id() -> str:
    return f"B-{secrets.token_hex(6).upper()}"


async def matching(
    *, session: AsyncSession, principal: Principal, where: AuthorizationFilter
) -> list[tuple[str, str]]:
    """(number, status) of every authorization the filter finds, at most LARGEST_BATCH + 1."""
    found = await search_authorizations(
        session=session, principal=principal, where=where, window=Window(LARGEST_BATCH + 1)
    )
    return [(row.id, row.status) for row in found.rows]


async def freeze(
    *,
    session: AsyncSession,
    principal: Principal,
    action: BulkAction,
    reason: str,
    where: AuthorizationFilter,
    query: str,
    expected: int,
) -> BulkBatch:
    """Store the set the filter finds now as a batch. `expected` is the count the person saw:
    if the set has grown or shrunk since, nothing is stored and they are told to look again."""
    if not reason.strip():
        raise BatchError("a bulk action needs a reason; the providers and members read it")
    found = await matching(session=session, principal=principal, where=where)
    if not found:
        raise BatchError("the filter finds no authorization: there is nothing to act on")
    if len(found) > LARGEST_BATCH:
        raise BatchError(
            f"the filter finds more than {LARGEST_BATCH} authorizations; narrow it (a batch "
            f"holds at most {LARGEST_BATCH})"
        )
    if len(found) != expected:
        raise BatchError(
            f"the filter now finds {len(found)} authorizations, not the {expected} shown; "
            "look at the set again before freezing it"
        )
    batch = BulkBatch(
        id=new_batch_id(),
        plan=principal.plan,
        action=action.value,
        reason=reason.strip(),
        query=query,
        count=len(found),
        token_id=principal.token_id,
        role=principal.role.value,
        actor=principal.actor,
        status=BatchStatus.FROZEN.value,
        runs=0,
        created_at=utcnow(),
    )
    session.add(batch)
    await session.flush()
    session.add_all(
        BulkItem(
            batch_id=batch.id,
            position=position,
            authorization_id=number,
            status_when_frozen=status,
            outcome=Outcome.PENDING.value,
            message="",
            run=0,
        )
        for position, (number, status) in enumerate(found, start=1)
    )
    return batch


async def find_batch(*, session: AsyncSession, plan: str, batch_id: str) -> BulkBatch | None:
    """The plan's batch, or None (another plan's batch is not found either)."""
    batch = await session.get(BulkBatch, batch_id)
    return batch if batch is not None and batch.plan == plan else None


async def recent_batches(*, session: AsyncSession, plan: str, limit: int = 20) -> list[BulkBatch]:
    query = (
        select(BulkBatch)
        .where(BulkBatch.plan == plan)
        .order_by(BulkBatch.created_at.desc(), BulkBatch.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def items(*, session: AsyncSession, batch_id: str) -> list[BulkItem]:
    query = select(BulkItem).where(BulkItem.batch_id == batch_id).order_by(BulkItem.position)
    return list(await session.scalars(query))


async def tally(*, session: AsyncSession, batch_id: str) -> Tally:
    query = (
        select(BulkItem.outcome, func.count())
        .where(BulkItem.batch_id == batch_id)
        .group_by(BulkItem.outcome)
    )
    counts = {outcome: int(n) for outcome, n in (await session.execute(query)).all()}
    return Tally(**{o.value: counts.get(o.value, 0) for o in Outcome})


async def begin_run(*, session: AsyncSession, batch_id: str, run: int) -> tuple[str, list[str]]:
    """Mark the batch running for its `run`-th run (once, however often asked) and return its
    action and the items without an outcome: what the last run could not send or did not reach
    is tried again; what is done or refused stays as reported."""
    batch = await session.get(BulkBatch, batch_id)
    if batch is None:
        raise BatchError(f"there is no batch {batch_id}")
    if batch.runs < run or batch.status != BatchStatus.RUNNING.value:
        batch.runs = max(batch.runs, run)
        batch.status = BatchStatus.RUNNING.value
        batch.started_at = utcnow()
        batch.ended_at = None
        await session.execute(
            update(BulkItem)
            .where(
                BulkItem.batch_id == batch.id,
                BulkItem.outcome.in_([Outcome.SKIPPED.value, Outcome.FAILED.value]),
            )
            .values(outcome=Outcome.PENDING.value)
        )
    entries = await items(session=session, batch_id=batch.id)
    return batch.action, [e.authorization_id for e in entries if e.outcome == Outcome.PENDING]


async def item(*, session: AsyncSession, batch_id: str, authorization_id: str) -> BulkItem:
    query = select(BulkItem).where(
        BulkItem.batch_id == batch_id, BulkItem.authorization_id == authorization_id
    )
    found = await session.scalar(query)
    if found is None:
        raise BatchError(f"authorization {authorization_id} is not in batch {batch_id}")
    return found


async def report(
    *,
    session: AsyncSession,
    batch_id: str,
    authorization_id: str,
    outcome: Outcome,
    message: str,
    run: int,
) -> None:
    """Store one item's outcome."""
    found = await item(session=session, batch_id=batch_id, authorization_id=authorization_id)
    found.outcome = outcome.value
    found.message = message
    found.run = run
    found.updated_at = utcnow()


async def skip_pending(*, session: AsyncSession, batch_id: str, run: int) -> int:
    """Mark every item not reached as skipped (the batch was stopped); returns how many."""
    result = await session.execute(
        update(BulkItem)
        .where(BulkItem.batch_id == batch_id, BulkItem.outcome == Outcome.PENDING.value)
        .values(
            outcome=Outcome.SKIPPED.value,
            message="not reached: the batch was stopped",
            run=run,
            updated_at=utcnow(),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def end_run(*, session: AsyncSession, batch_id: str, stopped: bool) -> None:
    batch = await session.get(BulkBatch, batch_id)
    if batch is None:
        raise BatchError(f"there is no batch {batch_id}")
    batch.status = (BatchStatus.STOPPED if stopped else BatchStatus.FINISHED).value
    batch.ended_at = utcnow()
