"""Tri-state eligibility: eligible, not eligible, or undetermined with the facts still missing.

The criteria are ANDed. Each is evaluated with Kleene logic (see ``tristate``): a comparison, date
operation or ``in`` that reads an absent or null fact is unknown, so a missing fact never
satisfies a criterion. The as-of date is passed in and read by rules as ``{"var": "as_of"}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from lieu.platform.rules.coercion import truthy
from lieu.platform.rules.compiler import compile_kleene
from lieu.platform.rules.dates import parse_date
from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.facts import tree_reads
from lieu.platform.rules.reasons import Reason, Status
from lieu.platform.rules.runtime import ABSENT, walk
from lieu.platform.rules.syntax import Node, parse
from lieu.platform.rules.tristate import UNKNOWN

AS_OF = "as_of"


class Outcome(StrEnum):
    """The overall answer for one member."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One eligibility criterion: a stable id, the label providers read, and a JsonLogic rule."""

    id: str
    label: str
    rule: object


@dataclass(frozen=True)
class Assessment:
    """The outcome, each criterion's status (by id), and the missing facts of the criteria that
    did not hold; ``reasons`` are worked out when first read."""

    outcome: Outcome
    statuses: Mapping[str, Status]
    missing: tuple[str, ...]
    _criteria: CompiledCriteria = field(repr=False, compare=False)
    _data: Mapping[str, object] = field(repr=False, compare=False)

    @cached_property
    def reasons(self) -> tuple[Reason, ...]:
        """One reason per criterion, in criteria order."""
        return self._criteria.reasons(self._data, tuple(self.statuses.values()))

    @cached_property
    def unmet(self) -> tuple[Reason, ...]:
        """The reasons of the criteria that failed or were undetermined (cheaper than all)."""
        if self.outcome is Outcome.ELIGIBLE:
            return ()
        return self._criteria.reasons(self._data, tuple(self.statuses.values()), unmet_only=True)


def _parse(criterion: Criterion) -> Node:
    try:
        return parse(criterion.rule)
    except RuleError as error:
        raise RuleError(
            error.code, error.pointer, f"criterion {criterion.id!r}: {error.message}"
        ) from None


def _status(result: object) -> Status:
    if result is True:
        return Status.HELD
    if result is False:
        return Status.FAILED
    if result is UNKNOWN:
        return Status.UNDETERMINED
    return Status.HELD if truthy(result) else Status.FAILED


Read = tuple[str, str, tuple[str, ...] | None]  # path, first key, further keys


def _value(data: Mapping[str, object], read: Read) -> object:
    value = data.get(read[1])
    if read[2] is not None and value is not None:
        value = walk(value, read[2], None)
    return None if value is ABSENT else value


class CompiledCriteria:
    """Criteria compiled once into one function; ``assess`` applies them to a member's facts."""

    __slots__ = ("_function", "_ids", "_last_as_of", "_reads", "criteria", "source")

    def __init__(self, criteria: Sequence[Criterion]) -> None:
        self.criteria = tuple(criteria)
        trees = [_parse(criterion) for criterion in self.criteria]
        self._ids = tuple(criterion.id for criterion in self.criteria)
        for index, name in enumerate(self._ids):
            if name in self._ids[:index]:
                raise RuleError(
                    "duplicate_criterion",
                    "",
                    f"criterion id {name!r} is used twice; make ids unique",
                )
        self._function, self.source = compile_kleene(trees)
        self._reads: tuple[tuple[Read, ...], ...] = tuple(
            tuple(_read(path) for path in tree_reads(tree)) for tree in trees
        )
        self._last_as_of = ""

    def assess(self, facts: Mapping[str, object], *, as_of: dt.date | str) -> Assessment:
        """Assess one member; ``as_of`` is put into the data as ``as_of``, over any such fact."""
        if as_of is not self._last_as_of:
            if type(as_of) is not str:
                as_of = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
            if parse_date(as_of) is None:
                raise ValueError(f"as_of must be a date written YYYY-MM-DD, got {as_of!r}")
            self._last_as_of = as_of
        data = dict(facts)
        data[AS_OF] = as_of
        return self._assess(data)

    def _assess(self, data: dict[str, object]) -> Assessment:
        held, failed, unknown = Status.HELD, Status.FAILED, Status.UNDETERMINED
        statuses = [
            held if r is True else failed if r is False else unknown if r is UNKNOWN else _status(r)
            for r in self._function(data)
        ]
        if failed in statuses:
            outcome = Outcome.NOT_ELIGIBLE
        elif unknown in statuses:
            outcome = Outcome.UNDETERMINED
        else:
            by_id = dict(zip(self._ids, statuses, strict=True))
            return Assessment(Outcome.ELIGIBLE, by_id, (), self, data)
        missing: dict[str, None] = {}
        for status, reads in zip(statuses, self._reads, strict=True):
            if status is not held:
                for read in reads:
                    if _value(data, read) is None:
                        missing[read[0]] = None
        by_id = dict(zip(self._ids, statuses, strict=True))
        return Assessment(outcome, by_id, tuple(missing), self, data)

    def reasons(
        self, data: Mapping[str, object], statuses: Sequence[Status], *, unmet_only: bool = False
    ) -> tuple[Reason, ...]:
        """The reason for each criterion (or each one not held), given an assessment's statuses."""
        found = []
        for criterion, status, reads in zip(self.criteria, statuses, self._reads, strict=True):
            if unmet_only and status is Status.HELD:
                continue
            seen: dict[str, object] = {}
            missing: list[str] = []
            for read in reads:
                value = _value(data, read)
                if value is None:
                    missing.append(read[0])
                else:
                    seen[read[0]] = value
            gaps = () if status is Status.HELD else tuple(missing)
            found.append(Reason(criterion.id, criterion.label, status, seen, gaps))
        return tuple(found)


def _read(path: str) -> Read:
    first, *rest = path.split(".")
    return (path, first, tuple(rest) if rest else None)


def compile_criteria(criteria: Sequence[Criterion]) -> CompiledCriteria:
    """Parse and compile criteria once; raise RuleError naming the criterion's pointer."""
    return CompiledCriteria(criteria)


def assess(
    criteria: Sequence[Criterion], facts: Mapping[str, object], *, as_of: dt.date | str
) -> Assessment:
    """Compile the criteria and assess one member; use ``compile_criteria`` for many."""
    return compile_criteria(criteria).assess(facts, as_of=as_of)
