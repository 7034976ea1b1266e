"""Screen members read as JSON lines, one at a time; a bad line is reported, never fatal.

A line is ``{"cin": "...", "plan": "...", "facts": {...}}`` (what ``lieu members synth`` writes;
``plan`` is optional and informational: the screener's plan decides the definitions). Each good
line gives one JSON line ``{"cin", "as_of", "results"}``; each bad line gives its number and what
is wrong with it. Nothing is kept from one line to the next, so memory stays flat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from lieu.platform.members.facts import facts_are_valid, member_facts_schema
from lieu.platform.rules.errors import EvaluationError
from lieu.platform.screening.screener import Screener

_SHAPE = 'each line must be a JSON object {"cin": "...", "facts": {...}}'
_SHOWN_PROBLEMS = 3


@dataclass(frozen=True, slots=True)
class Screened:
    """One member's results as an output JSON line (without its newline)."""

    line: int
    cin: str
    text: str


@dataclass(frozen=True, slots=True)
class BadLine:
    """An input line that could not be screened, and why."""

    line: int
    problem: str


class _Bad(ValueError):
    pass


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(member_facts_schema(), format_checker=FormatChecker())


def facts_problems(facts: Mapping[str, Any]) -> list[str]:
    """What is wrong with facts against the member-facts schema (empty when valid)."""
    if facts_are_valid(facts):  # compiled: the valid majority never reaches jsonschema
        return []
    validator = _validator()
    found = []
    for error in sorted(validator.iter_errors(facts), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path)
        found.append(f"facts.{where}: {error.message}" if where else f"facts: {error.message}")
    return found


def _member(raw: bytes | str, validate: bool) -> tuple[str, dict[str, Any]]:
    try:
        member = json.loads(raw)
    except ValueError as error:
        raise _Bad(f"not JSON ({error}); {_SHAPE}") from None
    if type(member) is not dict:
        raise _Bad(f"got a JSON {type(member).__name__}; {_SHAPE}")
    cin, facts = member.get("cin"), member.get("facts")
    if type(cin) is not str or not cin:
        raise _Bad(f'"cin" is missing or not a non-empty string (got {cin!r}); {_SHAPE}')
    if type(facts) is not dict:
        shown = "missing" if facts is None else f"a {type(facts).__name__}"
        raise _Bad(f'member {cin}: "facts" must be an object, got {shown}')
    if validate:
        problems = facts_problems(facts)
        if problems:
            more = len(problems) - _SHOWN_PROBLEMS
            extra = f" (and {more} more)" if more > 0 else ""
            joined = "; ".join(problems[:_SHOWN_PROBLEMS])
            raise _Bad(f"member {cin}: {joined}{extra}; facts must match member-facts.schema.json")
    return cin, facts


def screen_line(
    raw: bytes | str, number: int, screener: Screener, *, validate: bool = True
) -> Screened | BadLine:
    """Screen one input line (numbered from 1) or say what is wrong with it."""
    try:
        cin, facts = _member(raw, validate)
        results = screener.screen(facts)
    except _Bad as bad:
        return BadLine(number, str(bad))
    except EvaluationError as error:
        return BadLine(number, f"member {cin}: {error.message}")
    text = json.dumps(
        {"cin": cin, "as_of": screener.as_of, "results": results},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Screened(number, cin, text)


def screen_lines(
    lines: Iterable[bytes | str], screener: Screener, *, validate: bool = True
) -> Iterator[Screened | BadLine]:
    """Screen every non-blank line in order, yielding a result or a bad line for each."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        yield screen_line(raw, number, screener, validate=validate)
