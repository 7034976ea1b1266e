"""Limit terms of a definition as written, before validation (the ledger's `LimitSpec` is the
validated form: a negative maximum must still parse here so validation can report it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lieu.platform.limits.spec import Measure, Window, WindowKind
from lieu.platform.pricing.terms import money

__all__ = ["Limit", "LimitException", "Measure", "Window", "WindowKind", "amount", "parse_limit"]


@dataclass(frozen=True, slots=True)
class LimitException:
    """Whether a documented exception may approve use past the maximum, and by how much."""

    allowed: bool
    requires: str = ""
    extra_maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Limit:
    """A cap on one measure over a window; limits sharing `counter` share one balance."""

    id: str
    label: str
    measure: Measure
    maximum: float
    window: Window
    counter: str
    pool_supports: tuple[str, ...]
    exception: LimitException
    reference: str


def amount(value: float, measure: Measure) -> str:
    """An amount in a measure, as people say it: $5,000, 336 hours, 1 episode."""
    if measure is Measure.DOLLARS:
        return money(value)
    number = f"{value:g}"
    noun = measure.value[:-1] if value == 1 else measure.value
    return f"{number} {noun}"


def parse_limit(raw: Mapping[str, Any]) -> Limit:
    """A Limit from one item of a schema-valid document's `limits`."""
    window = raw["window"]
    exception = raw["exception"]
    return Limit(
        id=raw["id"],
        label=raw["label"],
        measure=Measure(raw["measure"]),
        maximum=raw["maximum"],
        window=Window(WindowKind(window["kind"]), window.get("days")),
        counter=raw["counter"],
        pool_supports=tuple(raw["pool_supports"]),
        exception=LimitException(
            exception["allowed"], exception["requires"], exception["extra_maximum"]
        ),
        reference=raw["reference"],
    )
