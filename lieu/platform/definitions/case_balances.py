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
    """Usage already counted for the member: `amount` of `support` from `start` to `end`."""

    support: str
    start: date
    end: date
    amount: Decimal


def remaining(spec: LimitSpec, usage: Sequence[PriorUse], on: date) -> Decimal:
    """What `spec` leaves on `on`, counting the entries of the supports it pools."""
    counted = [Usage(u.start, u.end, u.amount) for u in usage if spec.covers(u.support)]
    return Counted(spec, counted).remaining(on)


def remaining_mismatches(
    definition: Definition,
    usage: Sequence[PriorUse],
    expected: Mapping[str, Decimal],
    on: date,
) -> list[str]:
    """Each expected balance that differs from what the definition's limits leave."""
    specs = {limit.id: LimitSpec.from_json(asdict(limit)) for limit in definition.limits}
    wrong = []
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
