"""Definitions held in memory (read from disk), answering which one is in force on a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lieu.platform.definitions.document import Definition, DefinitionRef, DocumentStatus
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.loading import load_files
from lieu.platform.definitions.problems import errors
from lieu.platform.members.facts import DEFINITIONS_ROOT


class NotInForce(LookupError):
    """No version of a plan's definition of a support is in force on the date asked."""


@dataclass(frozen=True, slots=True)
class Library:
    """Valid definitions by identity."""

    definitions: dict[DefinitionRef, Definition]

    def versions(self, plan: str, support: str) -> list[Definition]:
        """Every version of one plan's support, oldest first."""
        found = [d for d in self.definitions.values() if (d.plan, d.support) == (plan, support)]
        return sorted(found, key=lambda d: d.version)

    def in_force(self, plan: str, support: str, on: date) -> Definition:
        """The effective definition (baseline ⊕ plan) of the version in force on `on`."""
        candidates = [
            d
            for d in self.versions(plan, support)
            if d.effective_from <= on and d.status is not DocumentStatus.RETIRED
        ]
        if not candidates:
            raise NotInForce(f"no {plan} definition of {support} is in force on {on}")
        chosen = max(candidates, key=lambda d: d.effective_from)
        if chosen.extends is None:
            return chosen
        baseline = self.definitions.get(chosen.extends)
        if baseline is None:
            raise NotInForce(f"{chosen.ref} extends {chosen.extends}, which is not loaded")
        return effective(baseline, chosen)


def load_library(paths: Iterable[Path] = (DEFINITIONS_ROOT,)) -> Library:
    """Every definition under `paths` that validates without errors."""
    found = {}
    for source in load_files(paths, root=None):
        if source.definition is not None and not errors(source.validated.problems):
            found[source.definition.ref] = source.definition
    return Library(found)
