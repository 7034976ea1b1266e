"""Community Supports limits as policy: each test reads as the rule it checks, exact to the day."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lieu.platform.limits.balances import balance, what_fits
from lieu.platform.limits.errors import ExceptionNotAllowed, LimitExceeded
from lieu.platform.limits.exception_approvals import ExceptionRequest, approve_exception
from lieu.platform.limits.ledger import consume, reserve
from lieu.platform.limits.postings import Entry, Posting
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.statements import statement
from lieu.platform.limits.usage import Request

Tx = async_sessionmaker[AsyncSession]
_keys = itertools.count()
CIN = "91234567A"


def posting(support: str, start: date, end: date, amount: str | int, **more: Any) -> Posting:
    fields: dict[str, Any] = {
        "cin": CIN,
        "plan": "plan-a",
        "support": support,
        "start": start,
        "end": end,
        "amount": Decimal(amount),
        "key": f"k-{next(_keys)}",
        "actor": "um-reviewer@plan-a",
        "authorization_id": f"auth-{next(_keys)}",
    }
    fields.update(more)
    return Posting(**fields)


async def post(
    tx: Tx, fn: Callable[..., Awaitable[Entry]], item: Posting, spec: LimitSpec
) -> Entry:
    async with tx.begin() as session:
        return await fn(item, spec, session=session)


async def approve(tx: Tx, spec: LimitSpec, extra: str, start: date, **more: Any) -> None:
    request = ExceptionRequest(
        cin=more.pop("cin", CIN),
        plan=more.pop("plan", "plan-a"),
        extra=Decimal(extra),
        start=start,
        approved_by="medical-director@plan-a",
        reason=more.pop("reason", "documented change in circumstances"),
        key=f"x-{next(_keys)}",
        **more,
    )
    async with tx.begin() as session:
        await approve_exception(request, spec, session=session)


async def test_respite_stops_at_336_hours_in_a_calendar_year(tx: Tx, respite: LimitSpec) -> None:
    day = date(2026, 1, 10)
    await post(tx, reserve, posting("respite", day, day, "300"), respite)
    await post(tx, reserve, posting("respite", date(2026, 6, 1), date(2026, 6, 1), "36"), respite)

    with pytest.raises(LimitExceeded, match=r"0\.25 hours asked, 336\.00 of 336\.00"):
        last = date(2026, 12, 31)
        await post(tx, reserve, posting("respite", last, last, "0.25"), respite)

    async with tx.begin() as session:
        assert (await balance(CIN, respite, date(2026, 12, 31), session=session)).remaining == 0
    new_year = date(2027, 1, 1)
    await post(tx, reserve, posting("respite", new_year, new_year, "8"), respite)
    async with tx.begin() as session:
        left = await balance(CIN, respite, date(2027, 1, 2), session=session)
    assert left.remaining == Decimal("328.00")


async def test_rolling_six_months_in_twelve_spans_recuperative_care_and_post_hospital_housing(
    tx: Tx, six_in_twelve: LimitSpec
) -> None:
    rc = posting("recuperative-care", date(2026, 1, 1), date(2026, 3, 31), 90)
    stphh = posting(
        "short-term-post-hospitalization-housing", date(2026, 4, 1), date(2026, 6, 29), 90
    )
    await post(tx, reserve, rc, six_in_twelve)
    await post(tx, reserve, stphh, six_in_twelve)

    with pytest.raises(LimitExceeded, match=r"180\.00 of 180\.00 already counted"):
        tr_day = date(2026, 6, 30)
        await post(tx, reserve, posting("transitional-rent", tr_day, tr_day, 1), six_in_twelve)

    month = Request(date(2026, 7, 1), date(2026, 7, 31), Decimal(31))
    async with tx.begin() as session:
        fit = await what_fits(CIN, six_in_twelve, month, session=session)
    assert fit.fits == 0
    # The window ending 2027-01-01 starts 2026-01-02: one recuperative-care day has left it,
    # and from then on one leaves for each day of rent that comes in.
    assert fit.earliest_start == date(2027, 1, 1)
    later = posting("transitional-rent", date(2027, 1, 1), date(2027, 1, 31), 31)
    assert (await post(tx, reserve, later, six_in_twelve)).counted == 31


async def test_second_housing_deposit_needs_an_approved_exception(
    tx: Tx, deposits_once: LimitSpec
) -> None:
    first = date(2024, 3, 1)
    await post(tx, reserve, posting("housing-deposits", first, first, 1), deposits_once)

    second = date(2026, 5, 4)
    with pytest.raises(LimitExceeded, match="an approved exception may raise it"):
        await post(tx, reserve, posting("housing-deposits", second, second, 1), deposits_once)
    await approve(tx, deposits_once, "1", second, reason="lost unit to a fire; new lease signed")
    assert await post(tx, reserve, posting("housing-deposits", second, second, 1), deposits_once)

    third = date(2026, 11, 2)
    with pytest.raises(LimitExceeded):
        await post(tx, reserve, posting("housing-deposits", third, third, 1), deposits_once)
    with pytest.raises(ExceptionNotAllowed, match="must be denied"):
        await approve(tx, deposits_once, "1", third)


async def test_lifetime_cap_follows_member_to_new_plan(tx: Tx, asthma: LimitSpec) -> None:
    day = date(2025, 2, 3)
    old_plan = posting(
        "asthma-remediation", day, day, "6000.00", plan="plan-a", claim_line="clm-1:1"
    )
    await post(tx, consume, old_plan, asthma)

    moved = date(2026, 3, 9)
    new_plan = {"plan": "plan-b", "actor": "um@plan-b"}
    with pytest.raises(LimitExceeded, match=r"1500\.01 dollars asked, 6000\.00 of 7500\.00"):
        over = posting("asthma-remediation", moved, moved, "1500.01", **new_plan)
        await post(tx, reserve, over, asthma)
    await post(
        tx, reserve, posting("asthma-remediation", moved, moved, "1500.00", **new_plan), asthma
    )

    async with tx.begin() as session:
        seen = await statement(CIN, asthma.counter, viewer_plan="plan-b", session=session)
    assert seen.all_plans.counted == Decimal("7500.00")
    assert seen.own_plan.counted == Decimal("1500.00")
    assert [e.plan for e in seen.entries] == ["plan-b"]
