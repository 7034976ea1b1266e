"""Window arithmetic without a database: rolling, calendar-year, lifetime, per stay, exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from lieu.platform.limits.fitting import earliest_start, fitting_amount
from lieu.platform.limits.spec import LimitSpec, Window, WindowKind
from lieu.platform.limits.usage import Raise, Request, Usage
from lieu.platform.limits.windows import Counted


def days(start: date, end: date, auth: str | None = None) -> Usage:
    return Usage(start, end, Decimal((end - start).days + 1), auth)


def ask(start: date, end: date, auth: str | None = None) -> Request:
    return Request(start, end, Decimal((end - start).days + 1), auth)


def test_a_rolling_window_sees_usage_after_the_request_too(six_in_twelve: LimitSpec) -> None:
    later = Counted(six_in_twelve, [days(date(2026, 9, 1), date(2027, 2, 27))])  # 180 days
    verdict = later.assess(ask(date(2026, 2, 28), date(2026, 2, 28)))
    assert not verdict.fits
    # The window from 2026-02-28 to 2027-02-27 holds the request and all 180 later days.
    assert (verdict.tightest.first, verdict.tightest.last) == (date(2026, 2, 28), date(2027, 2, 27))
    assert later.assess(ask(date(2026, 2, 27), date(2026, 2, 27))).fits


def test_the_365th_day_back_is_still_in_the_window(six_in_twelve: LimitSpec) -> None:
    counted = Counted(six_in_twelve, [days(date(2025, 1, 1), date(2025, 6, 29))])  # 180 days
    assert not counted.assess(ask(date(2025, 12, 31), date(2025, 12, 31))).fits
    assert counted.assess(ask(date(2026, 1, 1), date(2026, 1, 1))).fits


def test_calendar_year_days_split_across_new_year(six_in_twelve: LimitSpec) -> None:
    yearly = replace(six_in_twelve, window=Window(WindowKind.CALENDAR_YEAR))
    counted = Counted(yearly, [days(date(2026, 1, 1), date(2026, 6, 28))])  # 179 days in 2026
    request = ask(date(2026, 12, 31), date(2027, 1, 9))
    uses = counted.windows(request)
    assert [(w.first, w.used, w.requested) for w in uses] == [
        (date(2026, 1, 1), Decimal("179.00"), Decimal("1.00")),
        (date(2027, 1, 1), Decimal("0.00"), Decimal("9.00")),
    ]
    assert counted.assess(request).fits


def test_a_stay_joins_adjacent_days_and_is_capped_at_90(rc_stay: LimitSpec) -> None:
    counted = Counted(rc_stay, [days(date(2026, 1, 1), date(2026, 3, 1))])  # 60 days
    assert fitting_amount(counted, ask(date(2026, 3, 2), date(2026, 4, 30))) == 30
    # A gap of one day starts a new stay.
    assert counted.assess(ask(date(2026, 3, 3), date(2026, 5, 31))).fits
    assert earliest_start(counted, ask(date(2026, 3, 2), date(2026, 5, 30))) == date(2026, 3, 3)


def test_per_authorization_counts_only_that_authorization() -> None:
    spec = LimitSpec.from_json(
        {
            "id": "mtm",
            "label": "Meals per authorization",
            "measure": "units",
            "maximum": 168,
            "window": {"kind": "per_authorization"},
            "counter": "mtm-meals",
            "pool_supports": ["medically-tailored-meals"],
            "exception": {"allowed": False},
        }
    )
    day = date(2026, 2, 1)
    counted = Counted(
        spec, [Usage(day, day, Decimal(160), "a1"), Usage(day, day, Decimal(50), "a0")]
    )
    assert fitting_amount(counted, Request(day, day, Decimal(20), "a1")) == 8
    assert counted.assess(Request(day, day, Decimal(168), "a2")).fits
    # asked with no authorization (a request not yet made, a balance): a new one uses nothing.
    # This raised, and medically tailored meals could not be requested at all.
    unnamed = Counted(spec, [*counted.usage, Usage(day, day, Decimal(5), None)])
    assert unnamed.remaining(day) == Decimal(168)


def test_an_exception_raises_only_windows_it_meets(respite: LimitSpec) -> None:
    day = date(2026, 10, 20)
    raised = Raise(date(2026, 10, 1), date(2026, 12, 31), Decimal(24))
    counted = Counted(respite, [Usage(date(2026, 1, 5), date(2026, 1, 5), Decimal(336))], [raised])
    assert counted.remaining(day) == 24
    assert counted.remaining(date(2027, 1, 1)) == 336
