"""Properties of the window arithmetic, against brute force over every window."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lieu.platform.limits.fitting import earliest_start, fitting_amount
from lieu.platform.limits.spec import ExceptionRule, LimitSpec, Measure, Window, WindowKind
from lieu.platform.limits.usage import Request, Usage
from lieu.platform.limits.windows import Counted

BASE = date(2026, 1, 1)
attempts = st.lists(st.tuples(st.integers(0, 120), st.integers(1, 25)), max_size=25)


def rolling(cap: int, length: int) -> LimitSpec:
    return LimitSpec(
        id="p",
        label="property",
        measure=Measure.DAYS,
        maximum=Decimal(cap),
        window=Window(WindowKind.ROLLING_DAYS, length),
        counter="p",
        pool_supports=("recuperative-care",),
        exception=ExceptionRule(),
    )


def request(offset: int, length: int) -> Request:
    start = BASE + timedelta(days=offset)
    return Request(start, start + timedelta(days=length - 1), Decimal(length))


def heaviest_window(usage: list[Usage], length: int) -> int:
    """Brute force: the most days counted in any `length` consecutive days."""
    used = {u.start + timedelta(days=i) for u in usage for i in range((u.end - u.start).days + 1)}
    assert len(used) == sum((u.end - u.start).days + 1 for u in usage), "no day twice"
    if not used:
        return 0
    first = min(used)
    return max(
        sum(1 for d in used if end - timedelta(days=length - 1) <= d <= end)
        for end in (first + timedelta(days=i) for i in range((max(used) - first).days + 1))
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(5, 60), attempts)
def test_accepted_reservations_never_exceed_the_cap_in_any_rolling_window(
    cap: int, length: int, tries: list[tuple[int, int]]
) -> None:
    spec, accepted = rolling(cap, length), list[Usage]()
    for offset, days in tries:
        ask = request(offset, days)
        counted = Counted(spec, accepted)
        busy = {u.start + timedelta(days=i) for u in accepted for i in range(int(u.amount))}
        overlaps = any(ask.start + timedelta(days=i) in busy for i in range(days))
        if not overlaps and counted.assess(ask).fits:
            accepted.append(Usage(ask.start, ask.end, ask.amount))
        # Whatever was refused really would have broken a window.
        elif not overlaps:
            assert heaviest_window([*accepted, Usage(ask.start, ask.end, ask.amount)], length) > cap
    assert heaviest_window(accepted, length) <= cap


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(5, 60), attempts, st.integers(0, 120), st.integers(1, 40))
def test_the_part_that_fits_is_the_longest_prefix_and_earliest_start_is_the_first_day(
    cap: int, length: int, prior: list[tuple[int, int]], offset: int, days: int
) -> None:
    spec, usage = rolling(cap, length), list[Usage]()
    for o, d in prior:
        candidate = request(o, d)
        if Counted(spec, usage).assess(candidate).fits:
            usage.append(Usage(candidate.start, candidate.end, candidate.amount))
    counted, ask = Counted(spec, usage), request(offset, days)

    fit = int(fitting_amount(counted, ask))
    if fit:
        assert counted.assess(request(offset, fit)).fits
    if fit < days:
        assert not counted.assess(request(offset, fit + 1)).fits

    first = earliest_start(counted, ask)
    if min(days, length) > cap:  # some window would always hold more than the cap
        assert first is None
        return
    assert first is not None
    span = timedelta(days=days - 1)
    assert counted.assess(Request(first, first + span, ask.amount)).fits
    for day in range((first - ask.start).days):
        earlier = ask.start + timedelta(days=day)
        assert not counted.assess(Request(earlier, earlier + span, ask.amount)).fits


@given(st.lists(st.integers(1, 5000), max_size=30), st.integers(1, 20000))
def test_a_point_amount_fits_exactly_up_to_the_cent(cents: list[int], cap_cents: int) -> None:
    spec = LimitSpec(
        id="d",
        label="dollars",
        measure=Measure.DOLLARS,
        maximum=Decimal(cap_cents) / 100,
        window=Window(WindowKind.LIFETIME),
        counter="d",
        pool_supports=("asthma-remediation",),
        exception=ExceptionRule(),
    )
    used = Decimal(sum(cents)) / 100
    counted = Counted(spec, [Usage(BASE, BASE, used)] if cents else [])
    left = max(Decimal(0), spec.maximum - used)
    big = Request(BASE, BASE, Decimal("99999.99"))
    assert fitting_amount(counted, big) == left
    if left > 0:
        assert counted.assess(Request(BASE, BASE, left)).fits
    assert not counted.assess(Request(BASE, BASE, left + Decimal("0.01"))).fits
