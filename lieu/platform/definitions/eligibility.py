"""Eligibility of a member for an (effective) definition, with the reasons a provider reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from lieu.platform.definitions.document import Definition
from lieu.platform.rules.eligibility import (
    Assessment,
    CompiledCriteria,
    Criterion,
    Outcome,
    compile_criteria,
)

__all__ = ["Assessment", "Outcome", "assess_member", "compile_definition"]


def compile_definition(definition: Definition) -> CompiledCriteria:
    """The definition's criteria compiled once (the AND of them all)."""
    return compile_criteria([Criterion(c.id, c.label, c.rule) for c in definition.criteria])


def assess_member(definition: Definition, facts: Mapping[str, object], as_of: date) -> Assessment:
    """Eligible, not eligible or undetermined for one member on one date, with reasons."""
    return compile_definition(definition).assess(facts, as_of=as_of)
