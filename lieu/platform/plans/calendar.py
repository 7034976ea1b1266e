"""The plan's clock: business dates in the plan's time zone, working days that skip its holidays.

Deadlines, dates of service, expiry and election windows are the plan's local dates: a request
received Friday 17:30 in Los Angeles was received on Friday, and an authorization in force through
a date covers that whole local day. Holidays come from the `holidays` package (the state's
holidays as it keeps them), never from a hand-written list.

Pure and deterministic (the workflow sandbox runs it): the zone database and the holiday rules
are data; nothing reads a clock.
"""

# No `from __future__ import annotations`: the calendar travels in the workflow input, and
# pydantic builds its type inside the workflow sandbox.
import functools
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

WEEKEND = (5, 6)  # Saturday, Sunday


class CalendarError(ValueError):
    """A plan's clock names a zone or holiday region that does not exist."""


@dataclass(frozen=True)
class PlanCalendar:
    """Where and how a plan counts days.

    `holidays` is a region of the `holidays` package, `COUNTRY-SUBDIVISION` ("US-CA") or a
    country ("US"); empty means weekends only. `categories` are that package's categories
    ("public" is the state's public holidays). The defaults are the clock authorizations recorded
    before plans had one ran on (UTC, weekends only), so their histories replay unchanged; a plan
    without a configuration gets `CALIFORNIA`."""

    time_zone: str = "UTC"
    holidays: str = ""
    categories: tuple[str, ...] = ("public",)
    # The holidays, resolved for the years a workflow may count in (`resolved`): the holidays
    # package reads translation files as it builds a year, which no workflow may do.
    days_off: tuple[date, ...] = ()

    def check(self) -> None:
        """Raise `CalendarError` when the zone or the holiday region is unknown."""
        try:
            _zone(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise CalendarError(
                f"unknown time zone {self.time_zone!r}: use an IANA name such as "
                "'America/Los_Angeles'"
            ) from None
        if self.holidays:
            try:
                _holidays(self.holidays, self.categories, 2026)
            except (NotImplementedError, KeyError, ValueError) as unknown:
                raise CalendarError(
                    f"unknown holiday region {self.holidays!r} or categories "
                    f"{list(self.categories)}: use a country and subdivision of the holidays "
                    f"package such as 'US-CA' with categories ['public'] ({unknown})"
                ) from None

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        """`moment` on the plan's wall clock."""
        return moment.astimezone(self.zone)

    def local_date(self, moment: datetime) -> date:
        """The plan's business date of `moment`."""
        return self.local(moment).date()

    def day_starts(self, day: date) -> datetime:
        """The instant (UTC) a local day begins."""
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)

    def day_ends(self, day: date) -> datetime:
        """The instant (UTC) a local day ends: the next local midnight (a day of service, or the
        last day an authorization is in force through, is the whole local day)."""
        return self.day_starts(day + timedelta(days=1))

    def resolved(self, first_year: int, last_year: int) -> "PlanCalendar":
        """This calendar with its holidays from `first_year` to `last_year` listed, for a
        workflow (which counts days without the holidays package)."""
        if not self.holidays:
            return self
        days = {
            day
            for year in range(first_year, last_year + 1)
            for day in _holidays(self.holidays, self.categories, year)
        }
        return replace(self, days_off=tuple(sorted(days)))

    def is_holiday(self, day: date) -> bool:
        if not self.holidays:
            return False
        if self.days_off:
            return day in _set(self.days_off)
        return day in _holidays(self.holidays, self.categories, day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in WEEKEND and not self.is_holiday(day)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """`days` working days after `start`, at the same local time of day (skipping weekends
        and the plan's holidays)."""
        local = self.local(start)
        day, remaining = local.date(), days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return _at(day, local.time(), self.zone)

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """`days` calendar days after `start`, at the same local time of day (across a change of
        daylight-saving time too)."""
        local = self.local(start)
        return _at(local.date() + timedelta(days=days), local.time(), self.zone)

    def after(self, start: datetime, amount: int, unit: str) -> datetime:
        """`amount` `unit`s (working_days, calendar_days or hours) after `start`."""
        if unit == "working_days":
            return self.add_working_days(start, amount)
        if unit == "calendar_days":
            return self.add_calendar_days(start, amount)
        if unit == "hours":
            return start + timedelta(hours=amount)
        raise ValueError(
            f"unknown deadline unit {unit!r}; use working_days, calendar_days or hours"
        )

    def words(self, moment: datetime) -> str:
        """A moment as the plan's people read it: 2026-12-11 17:30 PST."""
        return self.local(moment).strftime("%Y-%m-%d %H:%M %Z")


CALIFORNIA = PlanCalendar(time_zone="America/Los_Angeles", holidays="US-CA")
BEFORE_PLANS = PlanCalendar()  # UTC, weekends only: the clock before plans had their own


def _at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, zone).astimezone(UTC)


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@functools.lru_cache(maxsize=64)
def _set(days: tuple[date, ...]) -> frozenset[date]:
    return frozenset(days)


@functools.lru_cache(maxsize=256)
def _holidays(region: str, categories: tuple[str, ...], year: int) -> "holidays.HolidayBase":
    country, _, subdivision = region.partition("-")
    return holidays.country_holidays(
        country, subdiv=subdivision or None, years=year, categories=categories
    )
