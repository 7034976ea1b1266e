"""Eligibility of a member for an (effective) definition, with the reasons a provider reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.supports import SUPPORTS, support_name
from lieu.platform.members.facts import FactType, load_vocabulary
from lieu.platform.rules.eligibility import (
    Assessment,
    CompiledCriteria,
    Criterion,
    Outcome,
    compile_criteria,
)
from lieu.platform.rules.wording import FactWords, Wording

__all__ = ["Assessment", "Outcome", "assess_member", "compile_definition", "fact_wording"]


def _value_words(fact: FactType) -> Mapping[str, str]:
    codes = fact.enum or fact.item_enum
    if codes and set(codes) <= SUPPORTS:  # Community Supports, by code
        return MappingProxyType({code: support_name(code) for code in codes})
    return MappingProxyType({code: code.replace("_", " ") for code in codes if "_" in code})


@lru_cache(maxsize=1)
def fact_wording() -> Wording:
    """Each declared fact's label (its title in member-facts.schema.json) and its codes' words."""
    return MappingProxyType(
        {
            path: FactWords(fact.label, _value_words(fact))
            for path, fact in load_vocabulary().facts.items()
        }
    )


def compile_definition(definition: Definition) -> CompiledCriteria:
    """The definition's criteria compiled once (the AND of them all), worded for providers."""
    return compile_criteria(
        [Criterion(c.id, c.label, c.rule) for c in definition.criteria], fact_wording()
    )


def assess_member(definition: Definition, facts: Mapping[str, object], as_of: date) -> Assessment:
    """Eligible, not eligible or undetermined for one member on one date, with reasons."""
    return compile_definition(definition).assess(facts, as_of=as_of)
