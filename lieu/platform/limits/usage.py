"""Usage already counted against a counter, as pure data: what the window arithmetic reads."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lieu.platform.limits.spec import Measure


@dataclass(frozen=True, slots=True)
class Usage:
    """Counted usage of one ledger entry: `amount` (signed) over the dates of service."""

    start: date
    end: date
    amount: Decimal
    authorization_id: str | None = None


@dataclass(frozen=True, slots=True)
class Raise:
    """An approved exception: `extra` on top of the cap for windows meeting `start`…`end`."""

    start: date
    end: date | None
    extra: Decimal

    def meets(self, first: date | None, last: date | None) -> bool:
        """Whether this exception applies to a window from `first` to `last` (None: unbounded)."""
        starts_in_time = last is None or self.start <= last
        ends_in_time = first is None or self.end is None or self.end >= first
        return starts_in_time and ends_in_time


@dataclass(frozen=True, slots=True)
class Request:
    """An amount asked for over dates of service, optionally under an authorization."""

    start: date
    end: date
    amount: Decimal
    authorization_id: str | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"service ends {self.end} before it starts {self.start}")

    @property
    def days(self) -> int:
        """How many days of service the request spans, both ends included."""
        return day_count(self.start, self.end)


def day_count(start: date, end: date) -> int:
    """Days from `start` to `end`, both included."""
    return (end - start).days + 1


def hundredths(value: Decimal) -> int:
    """An exact amount in hundredths, the integer unit of all window arithmetic."""
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount {value} has more than two decimal places")
    return int(scaled)


def from_hundredths(value: int) -> Decimal:
    """The Decimal amount of an integer count of hundredths."""
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def per_day(measure: Measure, start: date, end: date, amount: Decimal) -> list[tuple[date, int]]:
    """Where an amount lands, in hundredths: days spread one a day; other measures on `start`."""
    if measure is not Measure.DAYS:
        return [(start, hundredths(amount))]
    n = day_count(start, end)
    share, rest = divmod(hundredths(amount), n)
    if rest:
        raise ValueError(f"{amount} days cannot spread evenly over {n} days {start}…{end}")
    return [(start + timedelta(days=i), share) for i in range(n)]


class Daily:
    """Counted usage per day with prefix sums, so any span's total is two binary searches."""

    def __init__(self, measure: Measure, usage: Iterable[Usage]) -> None:
        totals: defaultdict[date, int] = defaultdict(int)
        for item in usage:
            for day, value in per_day(measure, item.start, item.end, item.amount):
                totals[day] += value
        self.days = sorted(day for day, value in totals.items() if value)
        self._value = {day: totals[day] for day in self.days}
        self._prefix = [0]
        for day in self.days:
            self._prefix.append(self._prefix[-1] + totals[day])

    def total(self, first: date | None = None, last: date | None = None) -> int:
        """Hundredths counted from `first` to `last`, both included (None: unbounded)."""
        lo = 0 if first is None else bisect_left(self.days, first)
        hi = len(self.days) if last is None else bisect_right(self.days, last)
        return self._prefix[hi] - self._prefix[lo] if hi > lo else 0

    def on(self, day: date) -> int:
        """Hundredths counted on one day."""
        return self._value.get(day, 0)

    @property
    def last_day(self) -> date | None:
        """The latest day with any usage."""
        return self.days[-1] if self.days else None
