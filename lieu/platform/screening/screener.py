"""A plan's supports in force on a date, compiled once, applied to one member at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.library import Library, NotInForce
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORT_NAMES
from lieu.platform.rules.eligibility import CompiledCriteria, Outcome

ELIGIBLE = Outcome.ELIGIBLE


class UnknownPlan(LookupError):
    """The library holds no definition for the plan asked for."""


@dataclass(frozen=True, slots=True)
class Screener:
    """The effective definitions (baseline ⊕ plan) in force for ``plan`` on ``as_of``."""

    plan: str
    as_of: str
    definitions: tuple[Definition, ...]
    compiled: tuple[tuple[str, CompiledCriteria], ...]

    def screen(self, facts: Mapping[str, object]) -> dict[str, dict[str, Any]]:
        """Each support's outcome, with reasons and missing facts when it is not eligible."""
        as_of = self.as_of
        results: dict[str, dict[str, Any]] = {}
        for support, criteria in self.compiled:
            assessment = criteria.assess(facts, as_of=as_of)
            if assessment.outcome is ELIGIBLE:
                results[support] = {"outcome": "eligible", "reasons": [], "missing": []}
            else:
                results[support] = {
                    "outcome": assessment.outcome.value,
                    "reasons": [reason.text for reason in assessment.unmet],
                    "missing": list(assessment.missing),
                }
        return results


def in_force(library: Library, plan: str, support: str, on: dt.date) -> Definition | None:
    """The plan's effective definition of a support on a date, else the baseline's, else None."""
    for owner in (plan, BASELINE_PLAN) if plan != BASELINE_PLAN else (plan,):
        try:
            return library.in_force(owner, support, on)
        except NotInForce:
            continue
    return None


def screener_for(library: Library, plan: str, on: dt.date) -> Screener:
    """Compile every support in force for ``plan`` on ``on`` (supports in the usual order)."""
    plans = {definition.plan for definition in library.definitions.values()}
    if plan not in plans:
        known = ", ".join(sorted(plans)) or "none"
        raise UnknownPlan(f"no definitions for plan {plan!r}; known plans: {known}")
    found = [in_force(library, plan, support, on) for support in SUPPORT_NAMES]
    definitions = tuple(d for d in found if d is not None)
    compiled = tuple((d.support, compile_definition(d)) for d in definitions)
    return Screener(plan, on.isoformat(), definitions, compiled)
