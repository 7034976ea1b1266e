"""Units: what a request's quantity, a limit's measure and a billing code count, and how one
converts into another. Nothing is converted implicitly: a definition says which units a request
may be written in, and each of them reaches the authorization's measure by a conversion that is
either fixed by the calendar and the clock (months and weeks to days, quarter hours to hours) or
stated in the definition with its source (a day of respite holds 24 hours)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lieu.platform.definitions.document import Definition
    from lieu.platform.pricing.terms import Pricing

# Every unit lieu knows, by its one spelling (a plural), with the words people write for it.
UNITS: Mapping[str, tuple[str, ...]] = {
    "days": ("day", "per diem", "diem"),
    "hours": ("hour", "hr", "hrs"),
    "quarter_hours": ("15 minutes", "15-minute", "quarter hour", "quarter-hour", "15 min"),
    "weeks": ("week",),
    "months": ("month",),
    "units": ("unit",),
    "dollars": ("dollar", "usd", "$"),
    "episodes": ("episode",),
    "meals": ("meal",),
    "encounters": ("encounter", "visit", "visits"),
    "services": ("service",),
    "deposits": ("deposit",),
}

_SPELLING = {word: unit for unit, words in UNITS.items() for word in (unit, *words)}

# Conversions the calendar and the clock fix, whatever the support: (from, to) → factor.
# Months are not here: how many days a month is depends on which month (see `in_measure`).
_FIXED: Mapping[tuple[str, str], Decimal] = {
    ("weeks", "days"): Decimal(7),
    ("quarter_hours", "hours"): Decimal("0.25"),
    ("hours", "quarter_hours"): Decimal(4),
}

# Measures a limit counts in whole numbers.
_WHOLE = frozenset({"days", "episodes", "weeks", "months", "deposits", "meals", "encounters"})


class UnitError(ValueError):
    """A quantity in a unit the definition cannot read; the message lists the units it can."""

    def __init__(self, code: str, message: str, accepted: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.accepted = accepted


def unit_of(word: str) -> str | None:
    """The unit a word names (`"day"`, `"15 minutes"`, `"Months"`), or None."""
    return _SPELLING.get(" ".join(word.strip().lower().split()))


def noun(unit: str, quantity: Decimal | int = 2) -> str:
    """A unit as people write it with a quantity: 1 day, 2 days, 3 quarter hours."""
    word = unit.replace("_", " ")
    return word[:-1] if quantity == 1 else word


@dataclass(frozen=True, slots=True)
class Conversion:
    """One `source` unit holds `factor` of the `target` unit, as the definition states it.

    For a billing code, the factor is what one billed unit can hold at most (a per diem holds at
    most 24 hours of respite: fewer hours may be given in the day).
    """

    source: str
    target: str
    factor: Decimal
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Units:
    """A definition's units: the authorization's `measure`, the units a request may be written
    in, and the conversions the definition states."""

    measure: str
    accepted: tuple[str, ...]
    conversions: tuple[Conversion, ...] = ()
    reference: str = ""

    def factor(self, source: str, target: str) -> Decimal | None:
        """How much `target` one `source` is, by a fixed or a stated conversion; None if neither."""
        if source == target:
            return Decimal(1)
        fixed = _FIXED.get((source, target))
        if fixed is not None:
            return fixed
        for conversion in self.conversions:
            if (conversion.source, conversion.target) == (source, target):
                return conversion.factor
        return None

    def reaches(self, source: str) -> bool:
        """Whether a quantity in `source` converts to the measure."""
        if source == "months" and self.measure == "days":
            return True
        return self.factor(source, self.measure) is not None

    def in_measure(self, quantity: Decimal, word: str, start: date) -> Converted:
        """`quantity` of the unit `word` in the measure, for service from `start`.

        Months become the days of that many calendar months from `start` (6 months from
        15 February: 15 February to 14 August, 181 days). Raises `UnitError` naming the units
        a request may use."""
        unit = unit_of(word)
        accepted = ", ".join(self.accepted)
        if unit is None:
            raise UnitError(
                "bad_unit",
                f"{word!r} is not a unit lieu knows; this support takes a quantity in {accepted}",
                self.accepted,
            )
        if unit not in self.accepted:
            raise UnitError(
                "bad_unit",
                f"this support takes a quantity in {accepted}, not in {unit.replace('_', ' ')}",
                self.accepted,
            )
        if unit in _WHOLE and quantity != quantity.to_integral_value():
            raise UnitError(
                "bad_quantity",
                f"{noun(unit)} are counted whole; {quantity} {noun(unit)} is not a whole number",
                self.accepted,
            )
        if unit == "months" and self.measure == "days":
            end = add_months(start, int(quantity)) - timedelta(days=1)
            days = Decimal((end - start).days + 1)
            words = (
                f"{_amount(quantity, unit)} from {start.isoformat()} to {end.isoformat()}: "
                f"{_amount(days, 'days')}"
            )
            return Converted(days, unit, quantity, words)
        factor = self.factor(unit, self.measure)
        if factor is None:  # validation refuses a definition accepting a unit it cannot convert
            raise UnitError(
                "bad_unit",
                f"{noun(unit)} do not convert to {noun(self.measure)}; use {accepted}",
                self.accepted,
            )
        amount = quantity * factor
        if self.measure in _WHOLE and amount != amount.to_integral_value():
            raise UnitError(
                "bad_quantity",
                f"{_amount(quantity, unit)} is {amount} {noun(self.measure)}, and "
                f"{noun(self.measure)} are counted whole",
                self.accepted,
            )
        same = unit == self.measure
        words = "" if same else f"{_amount(quantity, unit)}: {_amount(amount, self.measure)}"
        return Converted(amount, unit, quantity, words)


@dataclass(frozen=True, slots=True)
class Converted:
    """A request's quantity in the measure, with what was asked and the arithmetic in words."""

    amount: Decimal
    unit: str
    asked: Decimal
    words: str = ""


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months on (31 January + 1 month: 28 or 29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _amount(quantity: Decimal, unit: str) -> str:
    number = f"{quantity.normalize():f}"
    return f"{number} {noun(unit, quantity)}"


def measure_of(declared: str | None, limit_measures: Iterable[str]) -> str:
    """The authorization's measure: the one the `units` block states, else the first limit's on
    the support that measures a quantity, else an episode limit's, else `units` (a bare count).
    An episode limit counts authorizations (one each), not the quantity asked: a housing deposit
    capped once per lifetime and at $5,000 is asked for in dollars."""
    if declared:
        return unit_of(declared) or declared
    measures = list(limit_measures)
    for measure in measures:
        if measure != "episodes":
            return measure
    for measure in measures:
        return measure
    return "units"


def default_units(measure: str, pricing_unit: str | None) -> Units:
    """What a definition without a `units` block accepts: its measure, and where the measure
    is a bare count (`units`), the unit it is priced per (a count of months, of meals)."""
    accepted = [measure]
    conversions: list[Conversion] = []
    priced = unit_of(pricing_unit) if pricing_unit else None
    if measure == "units" and priced is not None and priced != "units":
        accepted.append(priced)
        conversions.append(
            Conversion(priced, "units", Decimal(1), f"a unit is one {noun(priced, 1)}")
        )
    return Units(measure, tuple(accepted), tuple(conversions))


@dataclass(frozen=True, slots=True)
class UnitsBlock:
    """A definition's `units` block as written (words as the author spelled them)."""

    measure: str | None
    accepted: tuple[str, ...]
    conversions: tuple[Conversion, ...] = ()
    reference: str = ""


def parse_block(raw: Mapping[str, Any]) -> UnitsBlock:
    """The `units` block of a schema-valid document."""
    return UnitsBlock(
        measure=raw.get("measure"),
        accepted=tuple(raw["accepted"]),
        conversions=tuple(
            Conversion(
                source=c["from"],
                target=c["to"],
                factor=Decimal(str(c["factor"])),
                reference=c.get("reference", ""),
            )
            for c in raw.get("conversions", ())
        ),
        reference=raw.get("reference", ""),
    )


def resolve(
    block: UnitsBlock | None, limit_measures: Iterable[str], pricing_unit: str | None
) -> Units:
    """The units of an (effective) definition: its block with every word read as a unit, or the
    defaults when it has none (`default_units`). Words lieu does not know stay as written, for
    `unit_problems` to name."""
    if block is None:
        return default_units(measure_of(None, limit_measures), pricing_unit)
    return Units(
        measure=measure_of(block.measure, limit_measures),
        accepted=tuple(unit_of(w) or w for w in block.accepted),
        conversions=tuple(
            Conversion(
                unit_of(c.source) or c.source, unit_of(c.target) or c.target, c.factor, c.reference
            )
            for c in block.conversions
        ),
        reference=block.reference,
    )


def units_of(definition: Definition) -> Units:
    """The units of an effective definition: what its requests may be written in, and its
    measure (see `resolve`)."""
    measures = [
        limit.measure.value
        for limit in definition.limits
        if definition.support in limit.pool_supports
    ]
    pricing = definition.pricing
    return resolve(definition.units, measures, pricing.unit if pricing is not None else None)


def billed_in_measure(pricing: Pricing, units: Units, *, stated: bool) -> Pricing:
    """`pricing` with each code's `holds`: how much of the measure one billed unit of it holds at
    most, where the code is billed in another unit (a per diem of respite: 24 hours). Only for
    units the definition states (`stated`: it has a `units` block) or a code's own `unit`: a
    definition written before units were declared bills as it always did."""
    codes = []
    for code in pricing.codes:
        unit = unit_of(code.unit or pricing.unit)
        holds = None
        if (stated or code.unit) and unit is not None and unit != units.measure:
            if unit == "months" and units.measure == "days":
                holds = Decimal(31)
            else:
                holds = units.factor(unit, units.measure)
        codes.append(replace(code, holds=holds))
    return replace(pricing, codes=tuple(codes))


def whole_months(start: date, end: date) -> int:
    """How many months of service `start`..`end` is, counting a part month as one (15 January
    to 14 February: 1; 1 January to 1 February: 2)."""
    months = 1
    while add_months(start, months) <= end:
        months += 1
    return months
