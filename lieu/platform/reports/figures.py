"""The numbers a report is made of: a count out of a total with its percent, and elapsed hours.

Percents and hours are given to one decimal, rounded half up, and computed from whole numbers
(counts, whole seconds) in decimal arithmetic, so a hand count gives exactly the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
SECONDS_PER_HOUR = 3600


def one_decimal(value: Decimal) -> Decimal:
    """`value` rounded half up to one decimal place."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    """`count` of `of`; its percent is None when there is nothing to count from."""

    count: int
    of: int

    @property
    def percent(self) -> Decimal | None:
        if self.of == 0:
            return None
        return one_decimal(Decimal(100 * self.count) / Decimal(self.of))


def hours(seconds: Decimal) -> Decimal:
    """Seconds as hours, to one decimal."""
    return one_decimal(seconds / SECONDS_PER_HOUR)


@dataclass(frozen=True)
class DecisionTime:
    """How long decisions took, from receipt: average and median hours (None without any)."""

    decisions: int
    average_hours: Decimal | None
    median_hours: Decimal | None

    @classmethod
    def of(cls, decisions: int, total_seconds: int, median_seconds: Decimal | None) -> DecisionTime:
        if decisions == 0:
            return cls(0, None, None)
        average = hours(Decimal(total_seconds) / decisions)
        return cls(decisions, average, None if median_seconds is None else hours(median_seconds))
