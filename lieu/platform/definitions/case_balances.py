"""What a case's prior use leaves under a definition's limits, by the ledger's window arithmetic.

A case may give usage already counted (``usage:``) and expect what a limit leaves on the case's
date (``remaining: {limit-id: N}``). The answer comes from ``limits.windows.Counted`` — the same
pure code the ledger's balances use — over those entries, so a case checks the real windows
(calendar years, rolling 365 days, shared pools) without a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from lieu.platform.definitions.document import Definition
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.usage import Usage
from lieu.platform.limits.windows import Counted


@dataclass(frozen=True, slots=True)
class PriorUse:
    """Usage already counted for the member: `amount` of `support` from `start` to `end`, on
    one limit counter (an amount is in that counter's measure) or, with none named, on every
    counter that counts the support."""

    support: str
    start: date
    end: date
    amount: Decimal
    counter: str | None = None

    def counts_on(self, spec: LimitSpec) -> bool:
        """Whether this entry is counted by `spec`."""
        return spec.covers(self.support) and self.counter in (None, spec.counter)


def remaining(spec: LimitSpec, usage: Sequence[PriorUse], on: date) -> Decimal:
    """What `spec` leaves on `on`, counting the entries of the supports it pools."""
    counted = [Usage(u.start, u.end, u.amount) for u in usage if u.counts_on(spec)]
    return Counted(spec, counted).remaining(on)


def remaining_mismatches(
    definition: Definition,
    usage: Sequence[PriorUse],
    expected: Mapping[str, Decimal],
    on: date,
) -> list[str]:
    """Each expected balance that differs from what the definition's limits leave."""
    specs = {limit.id: LimitSpec.from_json(asdict(limit)) for limit in definition.limits}
    counters = sorted({spec.counter for spec in specs.values()})
    wrong = [
        f"usage names counter {u.counter!r}, which no limit of {definition.ref} counts; "
        f"its counters: {', '.join(counters) or 'none'}"
        for u in usage
        if u.counter is not None and u.counter not in counters
    ]
    for limit_id, want in expected.items():
        spec = specs.get(limit_id)
        if spec is None:
            known = ", ".join(sorted(specs)) or "none"
            wrong.append(f"{definition.ref} has no limit {limit_id!r}; its limits: {known}")
            continue
        left = remaining(spec, usage, on)
        if left != want:
            wrong.append(
                f"remaining {limit_id} {left.normalize():f} on {on}, expected {want.normalize():f}"
            )
    return wrong
