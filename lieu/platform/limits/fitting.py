"""What part of a request fits now, and from which day all of it would: partial approvals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lieu.platform.limits.spec import Measure, WindowKind
from lieu.platform.limits.usage import Request
from lieu.platform.limits.windows import Counted

# How far past the last usage a window can still see it, by window kind (rolling: its length).
_CALENDAR_LOOKBACK = 366


def fitting_amount(counted: Counted, request: Request) -> Decimal:
    """The most of `request` that fits: a smaller amount, or for days the first days of the span."""
    if counted.spec.measure is Measure.DAYS:
        # Any shorter prefix adds less to every window, so "fits" is monotone in the length.
        lo, hi = 0, request.days
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if counted.assess(first_days(request, mid)).fits:
                lo = mid
            else:
                hi = mid - 1
        return Decimal(lo)
    room = min(w.available for w in counted.windows(request))
    return max(Decimal(0), min(request.amount, room))


def first_days(request: Request, days: int) -> Request:
    """The first `days` days of a days request (at least one day)."""
    end = request.start + timedelta(days=max(days, 1) - 1)
    return Request(request.start, end, Decimal(max(days, 1)), request.authorization_id)


def earliest_start(counted: Counted, request: Request) -> date | None:
    """The first day on or after `request.start` from which the whole request fits, or None."""
    span = request.end - request.start
    for day in _candidates(counted, request):
        if counted.assess(Request(day, day + span, request.amount, request.authorization_id)).fits:
            return day
    return None


def _candidates(counted: Counted, request: Request) -> list[date]:
    # Past the last dated fact (usage, an exception's start or end) plus the window's reach, every
    # later start sees the same empty windows, so if none fits by then, none ever will.
    facts = [request.start]
    if counted.daily.last_day is not None:
        facts.append(counted.daily.last_day)
    facts += [r.start for r in counted.raises]
    facts += [r.end for r in counted.raises if r.end is not None]
    window = counted.spec.window
    reach = {
        WindowKind.ROLLING_DAYS: window.days or 1,
        WindowKind.CALENDAR_YEAR: _CALENDAR_LOOKBACK,
        WindowKind.PER_STAY: 1,
    }.get(window.kind, 0)
    horizon = max(facts) + timedelta(days=reach + 1)
    if window.kind is WindowKind.CALENDAR_YEAR and counted.spec.measure is not Measure.DAYS:
        # Within a year, only the first day and each 1 January can change a point amount's fate.
        jan_firsts = [date(y, 1, 1) for y in range(request.start.year + 1, horizon.year + 1)]
        return [request.start, *jan_firsts]
    return [request.start + timedelta(days=i) for i in range((horizon - request.start).days + 1)]
