"""Checks on a definition's units: every word a unit lieu knows, every unit a request may be
written in convertible to the measure, and a plan's units no wider than its baseline's."""

from __future__ import annotations

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.units import UNITS, unit_of, units_of

_KNOWN = ", ".join(UNITS)


def unit_problems(in_force: Definition, written: Definition | None = None) -> list[Problem]:
    """Problems with the units of `in_force` (the effective definition), placed at the paths of
    `written` (the document as the author wrote it; the same definition for a baseline)."""
    written = written or in_force
    found: list[Problem] = []
    block = written.units
    if block is not None:
        found += _block_words(written)
    pricing = written.pricing
    if pricing is not None:
        if unit_of(pricing.unit) is None:
            found.append(_unknown("/pricing/unit", pricing.unit))
        for index, code in enumerate(pricing.codes):
            if code.unit is not None and unit_of(code.unit) is None:
                found.append(_unknown(f"/pricing/codes/{index}/unit", code.unit))
    if found:
        return found
    units = units_of(in_force)
    measures = {
        limit.measure.value for limit in in_force.limits if in_force.support in limit.pool_supports
    }
    if (
        block is not None
        and block.measure is not None
        and measures
        and units.measure not in measures
    ):
        found.append(
            Problem(
                "/units/measure",
                "unit-measure-mismatch",
                f"the measure {units.measure!r} is not what any limit on {in_force.support} counts "
                f"({', '.join(sorted(measures))}); use one of those",
            )
        )
    for index, unit in enumerate(units.accepted):
        if not units.reaches(unit):
            found.append(
                Problem(
                    f"/units/accepted/{index}",
                    "unit-without-conversion",
                    f"a request in {unit} cannot be read in the measure, {units.measure}: add a "
                    f'conversion {{"from": "{unit}", "to": "{units.measure}", "factor": …}} with '
                    "its source, or drop the unit",
                )
            )
    return found


def unit_narrowing_problems(plan: Definition, baseline: Definition) -> list[Problem]:
    """A plan may accept fewer units than its baseline, never more, and may not restate how one
    converts into another (a day of respite holds what the baseline says it holds)."""
    if plan.units is None:
        return []
    found: list[Problem] = []
    base = units_of(baseline)
    for index, word in enumerate(plan.units.accepted):
        unit = unit_of(word) or word
        if unit not in base.accepted:
            found.append(
                Problem(
                    f"/units/accepted/{index}",
                    "unit-widens",
                    f"the baseline takes requests in {', '.join(base.accepted)}, not {unit}; a "
                    "plan may only narrow: drop it",
                )
            )
    for index, conversion in enumerate(plan.units.conversions):
        source = unit_of(conversion.source) or conversion.source
        target = unit_of(conversion.target) or conversion.target
        stated = base.factor(source, target)
        if stated is not None and stated != conversion.factor:
            found.append(
                Problem(
                    f"/units/conversions/{index}/factor",
                    "conversion-changed",
                    f"the baseline says one {source} is {stated} {target}, not "
                    f"{conversion.factor}; remove the conversion (the baseline's applies)",
                )
            )
    return found


def _block_words(written: Definition) -> list[Problem]:
    assert written.units is not None
    found = []
    block = written.units
    if block.measure is not None and unit_of(block.measure) is None:
        found.append(_unknown("/units/measure", block.measure))
    for index, word in enumerate(block.accepted):
        if unit_of(word) is None:
            found.append(_unknown(f"/units/accepted/{index}", word))
    for index, conversion in enumerate(block.conversions):
        for side, word in (("from", conversion.source), ("to", conversion.target)):
            if unit_of(word) is None:
                found.append(_unknown(f"/units/conversions/{index}/{side}", word))
    return found


def _unknown(at: str, word: str) -> Problem:
    return Problem(at, "unknown-unit", f"{word!r} is not a unit lieu knows; use one of {_KNOWN}")
