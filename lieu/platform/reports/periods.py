"""A report's year and its quarters on the plan's clock, as instants the database compares.

A request belongs to the local day it was received on (the plan's time zone: America/Los_Angeles
for California's plans), so 31 December 23:30 in Los Angeles, 07:30 on 1 January in UTC, is in
the year that ends. Rather than convert every receipt in SQL (SQLite has no time zones), each
boundary is converted once: a year or quarter is the half-open range of UTC instants from the
start of its first local day to the start of the next period's first local day, which is exactly
the set of receipts whose `PlanCalendar.local_date` falls in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lieu.platform.plans.calendar import PlanCalendar

FIRST_YEAR, LAST_YEAR = 2000, 2999  # a year outside this is a typing mistake, not a report


class PeriodError(ValueError):
    """The year asked for cannot be reported."""


@dataclass(frozen=True)
class Period:
    """Local dates `first` to `last` (inclusive) and the UTC instants `[starts, ends)` they span."""

    first: date
    last: date
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class ReportYear:
    """A calendar year on a plan's clock, with its four quarters."""

    year: int
    calendar: PlanCalendar

    @classmethod
    def of(cls, year: int, calendar: PlanCalendar) -> ReportYear:
        """The year, or `PeriodError` when it is not a year one could report on."""
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                f"year {year} is out of range: give a calendar year from {FIRST_YEAR} to "
                f"{LAST_YEAR}, such as 2026"
            )
        return cls(year, calendar)

    def _period(self, first: date, after: date) -> Period:
        calendar = self.calendar
        return Period(
            first, after - timedelta(days=1), calendar.day_starts(first), calendar.day_starts(after)
        )

    @property
    def whole(self) -> Period:
        return self._period(date(self.year, 1, 1), date(self.year + 1, 1, 1))

    @property
    def quarters(self) -> tuple[Period, ...]:
        """Q1 to Q4: January–March, April–June, July–September, October–December."""
        firsts = [date(self.year, month, 1) for month in (1, 4, 7, 10)]
        afters = [*firsts[1:], date(self.year + 1, 1, 1)]
        return tuple(self._period(f, a) for f, a in zip(firsts, afters, strict=True))
