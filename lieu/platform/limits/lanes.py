"""What an authorization still holds: the reservation left after consumption and releases.

Consumption under an authorization turns held usage into used usage (its `counted` is 0), so it
must fall within what is still held; so must a release. Days are matched day by day, other
measures by amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lieu.platform.limits.models import EntryKind
from lieu.platform.limits.spec import Measure
from lieu.platform.limits.usage import from_hundredths, per_day


@dataclass(frozen=True, slots=True)
class LaneEntry:
    """An entry under one authorization, as needed to know what it still holds."""

    kind: EntryKind
    start: date
    end: date
    amount: Decimal
    counted: Decimal


def has_reservation(lane: Iterable[LaneEntry]) -> bool:
    """Whether anything was ever reserved under this authorization."""
    return any(e.kind is EntryKind.RESERVE for e in lane)


def held_by_day(measure: Measure, lane: Iterable[LaneEntry]) -> dict[date, int]:
    """Hundredths still held per day (other measures: on the reservation's first day)."""
    held: defaultdict[date, int] = defaultdict(int)
    for entry in lane:
        if entry.kind is EntryKind.RESERVE:
            sign = 1
        elif entry.kind is EntryKind.RELEASE or (
            entry.kind is EntryKind.CONSUME and entry.counted == 0
        ):
            sign = -1
        else:
            continue
        if measure is Measure.DAYS:
            for day, value in per_day(measure, entry.start, entry.end, entry.amount):
                held[day] += sign * value
        else:
            held[date.min] += sign * int(entry.amount * 100)
    return dict(held)


def shortfall(
    measure: Measure, lane: Iterable[LaneEntry], start: date, end: date, amount: Decimal
) -> str | None:
    """Why `amount` on `start`…`end` is not within what the lane holds, or None if it is."""
    held = held_by_day(measure, lane)
    if measure is not Measure.DAYS:
        left = held.get(date.min, 0)
        if int(amount * 100) > left:
            return f"{amount} asked but only {from_hundredths(left)} still held"
        return None
    missing = [
        day for day, value in per_day(measure, start, end, amount) if held.get(day, 0) < value
    ]
    if missing:
        return f"{len(missing)} of the days are not held (first {missing[0]}, last {missing[-1]})"
    return None
