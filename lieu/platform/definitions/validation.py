"""Validation of definition documents, returning every problem at once instead of raising."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from lieu.platform.definitions.checks import (
    criteria_problems,
    identity_problems,
    limit_problems,
    step_problems,
)
from lieu.platform.definitions.clock_checks import clock_problems
from lieu.platform.definitions.document import Definition, DefinitionRef, parse_definition
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.narrowing import duplication_problems, narrowing_problems
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.salvage import salvage
from lieu.platform.definitions.schema import DEFINITION_SCHEMA, schema_problems
from lieu.platform.definitions.unit_checks import unit_narrowing_problems, unit_problems
from lieu.platform.members.facts import MEMBER_FACTS_SCHEMA, Vocabulary, load_vocabulary
from lieu.platform.pricing.ranges import pricing_problems


@dataclass(frozen=True, slots=True)
class Validated:
    """The parsed definition (None when the document is not even schema-valid) and its problems."""

    definition: Definition | None
    problems: tuple[Problem, ...] = field(default=())


def validate_document(
    document: object,
    *,
    baselines: Mapping[DefinitionRef, Definition] | None = None,
    vocabulary: Vocabulary | None = None,
    schema: Path = DEFINITION_SCHEMA,
) -> Validated:
    """Check one document: schema, rules, limits, steps, pricing and narrowing, all in one pass.

    A document that breaks the schema has no definition, but the parts the schema's problems
    leave whole are checked all the same (see `salvage`), so fixing the schema's problems does
    not reveal more.
    """
    found = schema_problems(document, schema)
    if not isinstance(document, dict):
        return Validated(None, tuple(found))
    words = vocabulary or load_vocabulary(MEMBER_FACTS_SCHEMA)
    if not found:
        definition = parse_definition(document)
        return Validated(definition, tuple(_semantic_problems(definition, baselines, words)))
    salvaged = salvage(document, found)
    for problem in _semantic_problems(salvaged.definition, baselines, words):
        placed = salvaged.placed(problem)
        if placed is not None:
            found.append(placed)
    return Validated(None, tuple(found))


def _semantic_problems(
    definition: Definition,
    baselines: Mapping[DefinitionRef, Definition] | None,
    vocabulary: Vocabulary,
) -> list[Problem]:
    """Rules, limits, steps, pricing and narrowing of a definition the schema could read."""
    found = identity_problems(definition)
    found += criteria_problems(definition, vocabulary)
    found += limit_problems(definition)
    found += duplication_problems(definition)
    if definition.pricing is not None:
        found += pricing_problems(definition.pricing)
    in_force = definition
    if definition.extends is not None:
        baseline = (baselines or {}).get(definition.extends)
        if baseline is None:
            found.append(
                Problem(
                    "/extends",
                    "unknown-baseline",
                    f"{definition.extends} was not found; publish that baseline first or "
                    "correct extends",
                )
            )
        else:
            found += narrowing_problems(definition, baseline)
            found += unit_narrowing_problems(definition, baseline)
            in_force = effective(baseline, definition)
    found += unit_problems(in_force, definition)
    if in_force.authorization is not None:
        found += step_problems(in_force.authorization, in_force.limits)
        found += clock_problems(in_force.authorization, definition.effective_from)
    return found


def version_problems(definitions: Iterable[Definition]) -> dict[DefinitionRef, list[Problem]]:
    """Versions of one plan's support whose effective dates repeat or run backwards."""
    by_line: dict[tuple[str, str], list[Definition]] = defaultdict(list)
    for definition in definitions:
        by_line[(definition.plan, definition.support)].append(definition)
    found: dict[DefinitionRef, list[Problem]] = defaultdict(list)
    for line in by_line.values():
        line.sort(key=lambda d: d.version)
        for earlier, later in pairwise(line):
            if later.version == earlier.version:
                found[later.ref].append(
                    Problem(
                        "/version",
                        "duplicate-version",
                        f"{later.ref} is defined twice; give the new one the next version number",
                    )
                )
            elif later.effective_from == earlier.effective_from:
                found[later.ref].append(
                    Problem(
                        "/effective_from",
                        "effective-date-overlap",
                        f"v{later.version} starts {later.effective_from}, the same day as "
                        f"v{earlier.version}, so both would be in force; start it later",
                    )
                )
            elif later.effective_from < earlier.effective_from:
                found[later.ref].append(
                    Problem(
                        "/effective_from",
                        "effective-date-backwards",
                        f"v{later.version} starts {later.effective_from}, before "
                        f"v{earlier.version} ({earlier.effective_from}); a later version must "
                        "start later",
                    )
                )
    return found
