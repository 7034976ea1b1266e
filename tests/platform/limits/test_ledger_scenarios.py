"""domain.md §8 scenarios 9–11 (Rosa, Sam, Ana), exact to the day and the cent."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lieu.platform.limits.balances import balance, what_fits
from lieu.platform.limits.errors import ExceptionNotAllowed, LimitExceeded
from lieu.platform.limits.exception_approvals import ExceptionRequest, approve_exception
from lieu.platform.limits.ledger import consume, reserve
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.usage import Request

Tx = async_sessionmaker[AsyncSession]
_keys = itertools.count()


def posting(cin: str, support: str, start: date, end: date, amount: str, **more: Any) -> Posting:
    fields: dict[str, Any] = {
        "cin": cin,
        "plan": "molina",
        "support": support,
        "start": start,
        "end": end,
        "amount": Decimal(amount),
        "key": f"s-{next(_keys)}",
        "actor": "um@molina",
        "authorization_id": f"auth-s-{next(_keys)}",
    }
    fields.update(more)
    return Posting(**fields)


def exception(cin: str, extra: str, start: date, **more: Any) -> ExceptionRequest:
    return ExceptionRequest(
        cin=cin,
        plan=more.pop("plan", "molina"),
        extra=Decimal(extra),
        start=start,
        approved_by="medical-director@molina",
        reason=more.pop("reason", "documented change"),
        key=f"x-s-{next(_keys)}",
        **more,
    )


async def test_rosa_gets_a_second_deposit_by_exception_within_molinas_5000_cap_and_no_third(
    tx: Tx, deposits_once: LimitSpec, deposit_dollars: Callable[[float], LimitSpec]
) -> None:
    rosa, first, again = "95550001R", date(2024, 2, 1), date(2026, 4, 15)
    baseline, molina = deposit_dollars(100_000), deposit_dollars(5_000)
    async with tx.begin() as s:
        paid = {"plan": "la-care", "actor": "um@la-care"}
        await reserve(
            posting(rosa, "housing-deposits", first, first, "1", **paid), deposits_once, session=s
        )
        await reserve(
            posting(rosa, "housing-deposits", first, first, "3200.00", **paid), baseline, session=s
        )

    async with tx.begin() as s:
        with pytest.raises(LimitExceeded, match="documentation of what changed"):
            await reserve(
                posting(rosa, "housing-deposits", again, again, "1"), deposits_once, session=s
            )
    why = "tenancy failed after landlord sold the building; new unit with supportive services"
    async with tx.begin() as s:
        await approve_exception(exception(rosa, "1", again, reason=why), deposits_once, session=s)
    async with tx.begin() as s:
        await reserve(
            posting(rosa, "housing-deposits", again, again, "1"), deposits_once, session=s
        )
        with pytest.raises(LimitExceeded, match=r"1800\.01 dollars asked, 3200\.00 of 5000\.00"):
            await reserve(
                posting(rosa, "housing-deposits", again, again, "1800.01"), molina, session=s
            )
        await reserve(posting(rosa, "housing-deposits", again, again, "1800.00"), molina, session=s)
        assert (await balance(rosa, molina, again, session=s)).remaining == Decimal("0.00")

    third = date(2026, 10, 1)
    async with tx.begin() as s:
        with pytest.raises(LimitExceeded):
            await reserve(
                posting(rosa, "housing-deposits", third, third, "1"), deposits_once, session=s
            )
        with pytest.raises(ExceptionNotAllowed):
            await approve_exception(exception(rosa, "1", third), deposits_once, session=s)


async def test_sam_fits_only_59_days_of_post_hospital_housing_after_4_months_of_recuperative_care(
    tx: Tx, six_in_twelve: LimitSpec
) -> None:
    sam = "95550002S"
    async with tx.begin() as s:
        rc = posting(sam, "recuperative-care", date(2025, 12, 1), date(2026, 3, 31), "121")
        await reserve(rc, six_in_twelve, session=s)

    stphh = "short-term-post-hospitalization-housing"
    july = Request(date(2026, 7, 1), date(2026, 9, 30), Decimal(92))
    async with tx.begin() as s:
        fit = await what_fits(sam, six_in_twelve, july, session=s)
        # Every window counted per day of service: the one ending 2026-09-30 still holds all
        # 121 recuperative-care days, so 92 more days are 33 over.
        assert (fit.tightest.first, fit.tightest.last) == (date(2025, 10, 1), date(2026, 9, 30))
        assert fit.tightest.headroom == Decimal(-33)
        with pytest.raises(LimitExceeded):
            await reserve(posting(sam, stphh, july.start, july.end, "92"), six_in_twelve, session=s)
    assert (fit.fits, fit.over, fit.fits_until) == (59, 33, date(2026, 8, 28))

    async with tx.begin() as s:
        await reserve(
            posting(sam, stphh, date(2026, 7, 1), date(2026, 8, 28), "59"), six_in_twelve, session=s
        )
        with pytest.raises(LimitExceeded):
            day60 = date(2026, 8, 29)
            await reserve(posting(sam, stphh, day60, day60, "1"), six_in_twelve, session=s)
        # From 2026-12-01 the first recuperative-care day leaves the window.
        assert (await balance(sam, six_in_twelve, date(2026, 11, 30), session=s)).remaining == 0
        assert (await balance(sam, six_in_twelve, date(2026, 12, 1), session=s)).remaining == 1


async def test_ana_gets_36_of_60_respite_hours_and_the_other_24_by_exception(
    tx: Tx, respite: LimitSpec
) -> None:
    ana = "95550003A"
    async with tx.begin() as s:
        for month in range(1, 11):
            day = date(2026, month, 5)
            used = posting(
                ana, "respite", day, day, "30", authorization_id=None, claim_line=f"c-{month}"
            )
            await consume(used, respite, session=s)

    asked = Request(date(2026, 10, 20), date(2026, 10, 20), Decimal(60))
    async with tx.begin() as s:
        fit = await what_fits(ana, respite, asked, session=s)
    assert (fit.fits, fit.over, fit.exception_allowed) == (Decimal("36.00"), Decimal("24.00"), True)
    assert fit.earliest_start == date(2027, 1, 1)

    day = asked.start
    async with tx.begin() as s:
        with pytest.raises(LimitExceeded) as refused:
            await reserve(posting(ana, "respite", day, day, "60"), respite, session=s)
        assert refused.value.fits == Decimal("36.00")
        await reserve(posting(ana, "respite", day, day, "36"), respite, session=s)
        why = "primary caregiver hospitalised; daughter now sole caregiver"
        end = date(2026, 12, 31)
        await approve_exception(exception(ana, "24", day, end=end, reason=why), respite, session=s)
        await reserve(posting(ana, "respite", day, day, "24"), respite, session=s)
        assert (await balance(ana, respite, date(2026, 12, 31), session=s)).remaining == 0
        # The counter resets on 1 January, and this year's exception does not carry over.
        assert (await balance(ana, respite, date(2027, 1, 1), session=s)).remaining == 336
