"""Decision deadlines: working days, calendar days or hours after a request is received."""

from __future__ import annotations

from datetime import date, datetime, timedelta

WEEKEND = (5, 6)  # Saturday, Sunday


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday) after `start`, at the same time of day.

    State holidays are not skipped: plans that count them configure a longer deadline.
    """
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() not in WEEKEND:
            remaining -= 1
    return moment


def deadline_after(start: datetime, amount: int, unit: str) -> datetime:
    """The moment `amount` `unit`s (working_days, calendar_days or hours) after `start`."""
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "calendar_days":
        return start + timedelta(days=amount)
    if unit == "hours":
        return start + timedelta(hours=amount)
    raise ValueError(f"unknown deadline unit {unit!r}; use working_days, calendar_days or hours")


def days_inclusive(start: date, end: date) -> int:
    """Days from `start` to `end`, both counted (a stay of Jan 1–Jan 1 is one day)."""
    return (end - start).days + 1
