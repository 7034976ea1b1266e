"""Every window a request falls in, with its cap and usage: the exact arithmetic of a limit.

A rolling window of N days is any N consecutive days; a request is checked against every such
window that holds one of its days (those ending on its first day through N−1 days after its last),
so usage before *and after* the request counts. Calendar-year windows reset on 1 January. A stay
is a run of consecutive days with usage; a request that touches a stay joins it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lieu.platform.limits.spec import LimitSpec, Measure, WindowKind
from lieu.platform.limits.usage import Daily, Raise, Request, Usage, from_hundredths, hundredths


@dataclass(frozen=True, slots=True)
class WindowUse:
    """One window: its span (None: unbounded), the cap with exceptions, usage, and the request."""

    first: date | None
    last: date | None
    cap: Decimal
    used: Decimal
    requested: Decimal

    @property
    def available(self) -> Decimal:
        """What is left in this window before the request."""
        return self.cap - self.used

    @property
    def headroom(self) -> Decimal:
        """What would be left after the request (negative: by how much it is over)."""
        return self.cap - self.used - self.requested

    def describe(self) -> str:
        """The window in words, e.g. '2025-07-02 to 2026-07-01'."""
        if self.first is None and self.last is None:
            return "lifetime"
        return f"{self.first} to {self.last}"


@dataclass(frozen=True, slots=True)
class Assessment:
    """Whether a request fits every window it falls in, and the tightest of those windows."""

    fits: bool
    tightest: WindowUse


class Counted:
    """A counter's usage and approved exceptions, seen through one limit."""

    def __init__(
        self, spec: LimitSpec, usage: Iterable[Usage], raises: Iterable[Raise] = ()
    ) -> None:
        self.spec = spec
        self.usage = tuple(usage)
        self.raises = tuple(raises)
        self.daily = Daily(spec.measure, self.usage)

    def assess(self, request: Request) -> Assessment:
        """Check `request` against every window it falls in."""
        uses = self.windows(request)
        tightest = min(uses, key=lambda w: (w.headroom, w.first or date.min))
        return Assessment(fits=all(w.headroom >= 0 for w in uses), tightest=tightest)

    def remaining(self, on: date, authorization_id: str | None = None) -> Decimal:
        """What one more use on day `on` may still take (for days: how many days are left)."""
        probe = Request(on, on, self._unit(), authorization_id)
        return max(Decimal(0), min(w.available for w in self.windows(probe)))

    def windows(self, request: Request) -> list[WindowUse]:
        """Each window the request falls in, with cap, usage and the request's share."""
        share = self._share(request)
        kind = self.spec.window.kind
        if kind is WindowKind.LIFETIME:
            return [self._use(None, None, self.daily.total(), share(None, None))]
        if kind is WindowKind.CALENDAR_YEAR:
            return [
                self._use(first, last, self.daily.total(first, last), share(first, last))
                for year in range(request.start.year, self._last(request).year + 1)
                for first, last in [(date(year, 1, 1), date(year, 12, 31))]
            ]
        if kind is WindowKind.ROLLING_DAYS:
            span = timedelta(days=(self.spec.window.days or 1) - 1)
            ends = _days(request.start, self._last(request) + span)
            return [
                self._use(
                    end - span, end, self.daily.total(end - span, end), share(end - span, end)
                )
                for end in ends
            ]
        if kind is WindowKind.PER_AUTHORIZATION:
            # With no authorization named, the question is about a new one: it has used nothing.
            used = sum(
                hundredths(u.amount)
                for u in self.usage
                if request.authorization_id is not None
                and u.authorization_id == request.authorization_id
            )
            return [self._use(request.start, request.end, used, share(None, None))]
        return [self._stay(request)]

    def _stay(self, request: Request) -> WindowUse:
        first, last = request.start, request.end
        while self.daily.on(first - timedelta(days=1)) > 0:
            first -= timedelta(days=1)
        while self.daily.on(last + timedelta(days=1)) > 0:
            last += timedelta(days=1)
        used = sum(1 for day in _days(first, last) if self.daily.on(day) > 0)
        return self._use(first, last, used * 100, ((last - first).days + 1 - used) * 100)

    def _use(self, first: date | None, last: date | None, used: int, asked: int) -> WindowUse:
        extra = sum((r.extra for r in self.raises if r.meets(first, last)), Decimal(0))
        return WindowUse(
            first=first,
            last=last,
            cap=self.spec.maximum + extra,
            used=from_hundredths(used),
            requested=from_hundredths(asked),
        )

    def _share(self, request: Request) -> _Share:
        amount = hundredths(request.amount)
        if self.spec.measure is not Measure.DAYS:
            return _Share(request.start, request.start, amount, 1)
        per, rest = divmod(amount, request.days)
        if rest:
            raise ValueError(
                f"{request.amount} days do not match {request.days} days of service "
                f"{request.start}…{request.end}; a days amount is the number of days"
            )
        return _Share(request.start, request.end, per, request.days)

    def _last(self, request: Request) -> date:
        return request.end if self.spec.measure is Measure.DAYS else request.start

    def _unit(self) -> Decimal:
        return Decimal(1) if self.spec.measure is Measure.DAYS else Decimal("0.01")


@dataclass(frozen=True, slots=True)
class _Share:
    """How much of a request falls in a window: `per` hundredths on each day `start`…`end`."""

    start: date
    end: date
    per: int
    days: int

    def __call__(self, first: date | None, last: date | None) -> int:
        lo = self.start if first is None else max(self.start, first)
        hi = self.end if last is None else min(self.end, last)
        return self.per * ((hi - lo).days + 1) if hi >= lo else 0


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
