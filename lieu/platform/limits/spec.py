"""A limit as a benefit definition states it: a cap on a measure over a window, on a counter."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

CENT = Decimal("0.01")
_E = TypeVar("_E", bound=enum.StrEnum)


class LimitSpecError(ValueError):
    """A limit in a definition cannot be used; the message names limit, field and fix."""


class Measure(enum.StrEnum):
    """What a limit counts. Days spread over the dates of service; the others sit on the first."""

    DAYS = "days"
    HOURS = "hours"
    UNITS = "units"
    DOLLARS = "dollars"
    EPISODES = "episodes"


class WindowKind(enum.StrEnum):
    """Over which span of time usage is summed against the cap."""

    LIFETIME = "lifetime"
    CALENDAR_YEAR = "calendar_year"
    ROLLING_DAYS = "rolling_days"
    PER_AUTHORIZATION = "per_authorization"
    PER_STAY = "per_stay"


@dataclass(frozen=True, slots=True)
class Window:
    """A window kind; `days` is the length N of a rolling window (any N consecutive days)."""

    kind: WindowKind
    days: int | None = None

    def __post_init__(self) -> None:
        if self.kind is WindowKind.ROLLING_DAYS and (self.days is None or self.days < 1):
            raise LimitSpecError(f"a rolling_days window needs days ≥ 1, got {self.days!r}")
        if self.kind is not WindowKind.ROLLING_DAYS and self.days is not None:
            raise LimitSpecError(
                f"only a rolling_days window has days; {self.kind} got {self.days}"
            )


@dataclass(frozen=True, slots=True)
class ExceptionRule:
    """Whether an approved exception may raise the cap, on what grounds, and by how much at most."""

    allowed: bool = False
    requires: str = ""
    extra_maximum: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LimitSpec:
    """One limit of one definition version. Limits naming the same `counter` share one balance."""

    id: str
    label: str
    measure: Measure
    maximum: Decimal
    window: Window
    counter: str
    pool_supports: tuple[str, ...]
    exception: ExceptionRule
    reference: str = ""

    def __post_init__(self) -> None:
        if self.window.kind is WindowKind.PER_STAY and self.measure is not Measure.DAYS:
            raise LimitSpecError(
                f"limit {self.id!r}: a per_stay window counts days of a stay; "
                f"measure is {self.measure}, use measure 'days' or another window"
            )
        if self.measure in (Measure.DAYS, Measure.EPISODES) and self.maximum != int(self.maximum):
            raise LimitSpecError(
                f"limit {self.id!r}: {self.measure} are whole numbers, maximum is {self.maximum}"
            )

    def covers(self, support: str) -> bool:
        """Whether usage of `support` counts against this limit."""
        return support in self.pool_supports

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LimitSpec:
        """Build from a definition's `limits[]` item; raises `LimitSpecError` naming the field."""
        ident = str(data.get("id", "?"))
        try:
            window = data["window"]
            exception = data.get("exception") or {}
            pool = data["pool_supports"]
            if isinstance(pool, str) or not pool:
                raise LimitSpecError(f"limit {ident!r}: pool_supports must be a non-empty list")
            extra = exception.get("extra_maximum")
            return cls(
                id=_text(data, "id"),
                label=_text(data, "label"),
                measure=_enum(Measure, data, "measure", ident),
                maximum=amount(data["maximum"], f"limit {ident!r} maximum", positive=True),
                window=Window(
                    kind=_enum(WindowKind, window, "kind", ident),
                    days=None if window.get("days") is None else int(window["days"]),
                ),
                counter=_text(data, "counter"),
                pool_supports=tuple(str(s) for s in pool),
                exception=ExceptionRule(
                    allowed=bool(exception.get("allowed", False)),
                    requires=str(exception.get("requires") or ""),
                    extra_maximum=None
                    if extra is None
                    else amount(extra, f"limit {ident!r} exception.extra_maximum", positive=True),
                ),
                reference=str(data.get("reference") or ""),
            )
        except KeyError as missing:
            raise LimitSpecError(f"limit {ident!r} has no {missing.args[0]!r}; add it") from None
        except (TypeError, AttributeError) as wrong:
            raise LimitSpecError(f"limit {ident!r} is not shaped as a limit: {wrong}") from None


def amount(value: object, what: str, *, positive: bool = False) -> Decimal:
    """`value` as an exact Decimal of at most two places (cents, quarter hours); never a float."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise LimitSpecError(f"{what} must be a number, got {value!r}")
    try:
        # A float is taken at its shortest repr (2.05, not 2.04999…), the number the author wrote.
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise LimitSpecError(f"{what} must be a number, got {value!r}") from None
    if not exact.is_finite() or exact != exact.quantize(CENT):
        raise LimitSpecError(f"{what} must have at most two decimal places, got {value!r}")
    if positive and exact <= 0:
        raise LimitSpecError(f"{what} must be greater than zero, got {value!r}")
    return exact.quantize(CENT)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise LimitSpecError(f"limit {data.get('id', '?')!r}: {key} must be a non-empty string")
    return value


def _enum(kind: type[_E], data: Mapping[str, Any], key: str, ident: str) -> _E:
    raw = data[key]
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise LimitSpecError(f"limit {ident!r}: {key} {raw!r} is not one of {allowed}") from None
