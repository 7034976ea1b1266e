"""The federal ceilings on a plan's review clocks, dated, with their sources.

A plan's definition sets its own timeframes (`authorization.steps[review]`); these are the limits
no definition may pass. Validation refuses a timeframe that always exceeds them, and the state
machine caps each deadline at them (a "5 working days" that a holiday week stretches past 7
calendar days still ends at 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The longest a clock may run, for requests received on or after `since`."""

    since: date
    longest: timedelta
    reference: str


# Newest first: the first whose `since` is on or before the request's receipt applies.
STANDARD = (
    Ceiling(
        date(2026, 1, 1),
        timedelta(days=7),
        "CMS-0057-F (42 CFR 438.210(d)(1) as amended): standard decisions within 7 calendar days "
        "for requests received from 2026-01-01",
    ),
    Ceiling(
        date.min,
        timedelta(days=14),
        "42 CFR 438.210(d)(1): standard decisions within 14 calendar days of receipt",
    ),
)
EXPEDITED = (
    Ceiling(
        date.min,
        timedelta(hours=72),
        "42 CFR 438.210(d)(2): expedited decisions within 72 hours of receipt",
    ),
)
EXTENSION = Ceiling(
    date.min,
    timedelta(days=14),
    "42 CFR 438.210(d)(1)(ii): one extension of up to 14 calendar days, with written notice "
    "(counted from receipt of the original request, as plan manuals restate it)",
)
APPEAL_FILING = timedelta(days=60)  # 42 CFR 438.402(c)(2)(ii): 60 calendar days from the notice
ADVANCE_NOTICE = timedelta(days=10)  # 42 CFR 431.211: before reducing or ending a service

UNIT_LENGTH = {"calendar_days": timedelta(days=1), "hours": timedelta(hours=1)}
# The fewest calendar days a working day can be: a deadline in working days is at least as long
# as the same number of calendar days (and 5 working days are always at least 7 calendar days).
WORKING_WEEK = 5


def ceiling(clock: tuple[Ceiling, ...], received: date) -> Ceiling:
    """The ceiling in force for a request received (local date) on `received`."""
    return next(c for c in clock if c.since <= received)


def shortest(amount: int, unit: str) -> timedelta:
    """The least time `amount` `unit`s can take (for checking a definition against a ceiling)."""
    if unit == "working_days":
        weeks, days = divmod(amount, WORKING_WEEK)
        return timedelta(days=7 * weeks + days)
    return UNIT_LENGTH[unit] * amount
