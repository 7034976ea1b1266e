"""Tri-state eligibility: eligible, not eligible, or undetermined with the facts still missing.

The criteria are ANDed. Each is evaluated with Kleene logic (see ``tristate``): a comparison, date
operation or ``in`` that reads an absent or null fact is unknown, so a missing fact never
satisfies a criterion. The as-of date is passed in and read by rules as ``{"var": "as_of"}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lieu.platform.rules.assessment import Assessment, Outcome, Plan
from lieu.platform.rules.assessor import Assess, Decide, compile_assessor
from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.facts import absence_reads, conditions, tree_reads
from lieu.platform.rules.relevance import Relevance
from lieu.platform.rules.syntax import Node, parse
from lieu.platform.rules.wording import NO_WORDING, Wording

__all__ = ["AS_OF", "Assessment", "CompiledCriteria", "Criterion", "Outcome", "assess"]
__all__ += ["compile_criteria"]

AS_OF = "as_of"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One eligibility criterion: a stable id, the label providers read, and a JsonLogic rule."""

    id: str
    label: str
    rule: object


def _parse(criterion: Criterion) -> Node:
    try:
        return parse(criterion.rule)
    except RuleError as error:
        raise RuleError(
            error.code, error.pointer, f"criterion {criterion.id!r}: {error.message}"
        ) from None


class CompiledCriteria:
    """Criteria compiled once into generated functions; ``assess(facts, as_of=...)`` applies
    them to a member's facts, reading ``as_of`` as the fact ``as_of`` (over any such fact), and
    gives an ``Assessment`` (statuses and a snapshot of the facts read, for missing facts and
    reasons); ``outcome(facts, as_of=...)`` gives the same outcome alone, reading only the facts
    that decide it and stopping at the first failed criterion. ``wording`` gives the facts'
    labels and values' words for the reasons' text."""

    # ``assess`` and ``outcome`` are the generated functions themselves, not methods calling
    # them: one call per member.
    __slots__ = ("_plan", "_unchecked", "assess", "criteria", "outcome", "source")

    def __init__(self, criteria: Sequence[Criterion], wording: Wording = NO_WORDING) -> None:
        self.criteria = tuple(criteria)
        trees = [_parse(criterion) for criterion in self.criteria]
        ids = tuple(criterion.id for criterion in self.criteria)
        for index, name in enumerate(ids):
            if name in ids[:index]:
                raise RuleError(
                    "duplicate_criterion",
                    "",
                    f"criterion id {name!r} is used twice; make ids unique",
                )
        reads = [tree_reads(tree) for tree in trees]
        first = len(trees)  # the statuses come first in an assessment's packed tuple
        paths = {path: first + i for i, path in enumerate(dict.fromkeys(sum(reads, ())))}
        packed = tuple(tuple((path, paths[path]) for path in each) for each in reads)
        self._plan = Plan(
            ids,
            tuple(criterion.label for criterion in self.criteria),
            packed,
            tuple(absence_reads(tree) for tree in trees),
            tuple(conditions(tree) for tree in trees),
            dict(wording),  # a dict's lookups are the quickest, and reasons make many
            tuple(reads),
            Relevance(trees, [criterion.rule for criterion in self.criteria], packed),
        )
        compiled = compile_assessor(trees, tuple(paths), self._plan)
        self.assess: Assess = compiled.assess
        self.outcome: Decide = compiled.outcome
        self._unchecked, self.source = compiled.unchecked, compiled.source

    def assess_data(self, data: Mapping[str, object]) -> Assessment:
        """Assess data that carries its own ``as_of`` (or none: rules reading it are unknown)."""
        facts = dict(data)
        return self._unchecked(facts, facts.get(AS_OF))


def compile_criteria(
    criteria: Sequence[Criterion], wording: Wording = NO_WORDING
) -> CompiledCriteria:
    """Parse and compile criteria once; raise RuleError naming the criterion's pointer."""
    return CompiledCriteria(criteria, wording)


def assess(
    criteria: Sequence[Criterion], facts: Mapping[str, object], *, as_of: dt.date | str
) -> Assessment:
    """Compile the criteria and assess one member; use ``compile_criteria`` for many."""
    return compile_criteria(criteria).assess(facts, as_of=as_of)
