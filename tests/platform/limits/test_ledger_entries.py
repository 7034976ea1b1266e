"""Entries: idempotent replays of every kind, an append-only audit trail, holds and releases."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lieu.platform.limits.errors import IdempotencyConflict, InvalidPosting
from lieu.platform.limits.exception_approvals import ExceptionRequest, approve_exception
from lieu.platform.limits.ledger import adjust, consume, release, reserve
from lieu.platform.limits.models import ImmutableEntryError, LimitAccount, LimitEntry
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.statements import statement

Tx = async_sessionmaker[AsyncSession]
_keys = itertools.count()
CIN = "97777777E"
JAN1, JAN31, MAR31 = date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 31)


def rc(start: date, end: date, days: int, **more: Any) -> Posting:
    fields: dict[str, Any] = {
        "cin": CIN,
        "plan": "plan-a",
        "support": "recuperative-care",
        "start": start,
        "end": end,
        "amount": Decimal(days),
        "key": f"e-{next(_keys)}",
        "actor": "um@plan-a",
        "authorization_id": "auth-rc-1",
    }
    fields.update(more)
    return Posting(**fields)


async def counted_total(tx: Tx) -> tuple[Decimal, Decimal]:
    """The account's cached total and the sum of its entries' effects."""
    async with tx.begin() as s:
        cached = await s.scalar(select(LimitAccount.counted_total))
        summed = await s.scalar(select(func.sum(LimitEntry.counted)))
    return Decimal(cached or 0), Decimal(summed or 0)


async def test_idempotent_replays_of_every_entry_kind_change_nothing(
    tx: Tx, six_in_twelve: LimitSpec
) -> None:
    steps = [
        (reserve, rc(JAN1, MAR31, 90)),
        (consume, rc(JAN1, JAN31, 31, claim_line="clm-9:1")),
        (release, rc(date(2026, 3, 1), MAR31, 31)),
        (adjust, rc(JAN1, JAN1, -1, authorization_id=None, reason="duplicate day in import")),
    ]
    for fn, item in steps:
        async with tx.begin() as s:
            first = await fn(item, six_in_twelve, session=s)
        before = await counted_total(tx)
        async with tx.begin() as s:
            again = await fn(item, six_in_twelve, session=s)
        assert again.replayed and not first.replayed
        assert (again.id, again.counted, again.kind) == (first.id, first.counted, first.kind)
        assert await counted_total(tx) == before
    assert await counted_total(tx) == (Decimal(58), Decimal(58))

    request = ExceptionRequest(
        cin=CIN,
        plan="plan-a",
        extra=Decimal(5),
        start=JAN1,
        approved_by="md@plan-a",
        reason="r",
        key="x-once",
    )
    allowing = LimitSpec.from_json(
        {
            "id": "x",
            "label": "x",
            "measure": "days",
            "maximum": 180,
            "window": {"kind": "rolling_days", "days": 365},
            "counter": six_in_twelve.counter,
            "pool_supports": ["recuperative-care"],
            "exception": {"allowed": True, "extra_maximum": 5},
        }
    )
    async with tx.begin() as s:
        granted = await approve_exception(request, allowing, session=s)
    async with tx.begin() as s:
        replay = await approve_exception(request, allowing, session=s)
    assert replay.replayed and replay.id == granted.id


async def test_a_key_reused_for_a_different_posting_is_a_conflict(
    tx: Tx, six_in_twelve: LimitSpec
) -> None:
    async with tx.begin() as s:
        await reserve(rc(JAN1, JAN31, 31, key="same"), six_in_twelve, session=s)
    async with tx.begin() as s:
        with pytest.raises(IdempotencyConflict, match="use a new key"):
            await reserve(rc(JAN1, JAN1, 1, key="same"), six_in_twelve, session=s)


async def test_entries_are_never_updated_or_deleted(tx: Tx, six_in_twelve: LimitSpec) -> None:
    async with tx.begin() as s:
        entry = await reserve(rc(JAN1, JAN31, 31), six_in_twelve, session=s)
    async with tx.begin() as s:
        row = await s.get_one(LimitEntry, entry.id)
        row.actor = "someone else"
        with pytest.raises(ImmutableEntryError, match="post a correcting entry"):
            await s.flush()
    for sql in ("UPDATE limit_entries SET actor = 'x'", "DELETE FROM limit_entries"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with tx.begin() as s:
                await s.execute(text(sql))
    async with tx.begin() as s:
        assert (await s.get_one(LimitEntry, entry.id)).actor == "um@plan-a"


async def test_consumption_uses_what_is_held_and_release_gives_back_the_rest(
    tx: Tx, six_in_twelve: LimitSpec
) -> None:
    async with tx.begin() as s:
        await reserve(rc(JAN1, MAR31, 90), six_in_twelve, session=s)
        used = await consume(rc(JAN1, JAN31, 31), six_in_twelve, session=s)
        assert used.counted == 0
        with pytest.raises(InvalidPosting, match="first 2026-01-31"):
            await consume(rc(date(2026, 1, 31), date(2026, 2, 1), 2), six_in_twelve, session=s)
        with pytest.raises(InvalidPosting, match="not held"):
            await release(rc(JAN1, MAR31, 90), six_in_twelve, session=s)
        await release(rc(date(2026, 2, 1), MAR31, 59), six_in_twelve, session=s)
        seen = await statement(CIN, six_in_twelve.counter, viewer_plan="plan-a", session=s)
    assert (seen.all_plans.held, seen.all_plans.consumed) == (0, 31)
    assert [e.kind.value for e in seen.entries] == ["reserve", "consume", "release"]
    assert await counted_total(tx) == (Decimal(31), Decimal(31))


async def test_a_plan_sees_other_plans_only_as_totals(tx: Tx, six_in_twelve: LimitSpec) -> None:
    async with tx.begin() as s:
        await reserve(rc(JAN1, JAN31, 31, plan="plan-a"), six_in_twelve, session=s)
        other = rc(date(2026, 5, 1), date(2026, 5, 10), 10, plan="plan-b", authorization_id="b-1")
        await reserve(other, six_in_twelve, session=s)
        seen = await statement(CIN, six_in_twelve.counter, viewer_plan="plan-b", session=s)
    assert seen.all_plans.counted == 41 and seen.own_plan.counted == 10
    assert {e.plan for e in seen.entries} == {"plan-b"}


async def test_postings_that_contradict_the_limit_are_refused_with_the_fix(
    tx: Tx, six_in_twelve: LimitSpec, respite: LimitSpec
) -> None:
    async with tx.begin() as s:
        with pytest.raises(InvalidPosting, match="which is 31 days"):
            await reserve(rc(JAN1, JAN31, 30), six_in_twelve, session=s)
        with pytest.raises(InvalidPosting, match="does not count against"):
            await reserve(rc(JAN1, JAN1, 1, support="respite"), six_in_twelve, session=s)
        with pytest.raises(InvalidPosting, match="needs a reason"):
            await adjust(rc(JAN1, JAN1, 1), six_in_twelve, session=s)
        with pytest.raises(InvalidPosting, match="more than two decimal places"):
            hours = rc(JAN1, JAN1, 1, support="respite", amount=Decimal("0.125"))
            await reserve(hours, respite, session=s)


async def test_a_lifetime_replay_or_conflict_leaves_the_total_as_it_was(
    tx: Tx, asthma: LimitSpec
) -> None:
    day = date(2026, 4, 1)
    first = rc(day, day, 0, support="asthma-remediation", amount=Decimal("2500.50"), key="ar-1")
    async with tx.begin() as s:
        entry = await reserve(first, asthma, session=s)
    for again in (first, replace(first, amount=Decimal("10.00"))):
        async with tx.begin() as s:
            try:
                replayed = await reserve(again, asthma, session=s)
            except IdempotencyConflict:
                await s.commit()  # a caller that commits anyway must not leave a stray charge
            else:
                assert replayed.replayed and replayed.id == entry.id
    assert await counted_total(tx) == (Decimal("2500.50"), Decimal("2500.50"))
