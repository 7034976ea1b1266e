"""Importing members from JSON Lines: every line checked against the member-facts schema first,
then all upserted by (plan, CIN) in the caller's transaction — or none, if any line is wrong.

A line is `{"cin": "91000001A", "facts": {...}}`, or the facts themselves with a `cin` key.
Members are stored a chunk at a time (one query finds which of a chunk's CINs exist), so a large
file costs a few queries per thousand members, not two per member.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.members.facts import member_problems
from lieu.platform.members.models import Member

CIN = re.compile(r"^[0-9A-Za-z]{6,16}$")
CHUNK = 500
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MemberLine:
    """One member to upsert, from line `line` of the input."""

    line: int
    cin: str
    facts: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LineProblem:
    """What is wrong on one line; `pointer` is a JSON pointer into that line's object."""

    line: int
    pointer: str
    message: str

    def render(self, source: str = "") -> str:
        """`members.jsonl:3#/facts/county: ...` (the CLI's line per problem)."""
        return f"{source}:{self.line}#{self.pointer}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """How many members were created, updated, and left as they were."""

    created: int
    updated: int
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _line(number: int, raw: object) -> tuple[MemberLine | None, list[LineProblem]]:
    if not isinstance(raw, dict):
        return None, [LineProblem(number, "", "each line must be a JSON object")]
    cin = raw.get("cin")
    if not isinstance(cin, str) or not CIN.match(cin):
        return None, [LineProblem(number, "/cin", f"{cin!r} is not a CIN (6-16 letters/digits)")]
    nested = "facts" in raw
    facts = raw["facts"] if nested else {k: v for k, v in raw.items() if k != "cin"}
    base = "/facts" if nested else ""
    if not isinstance(facts, dict):
        return None, [LineProblem(number, base, "facts must be a JSON object")]
    problems = []
    for text in member_problems(facts):
        where, _, message = text.partition(": ")
        pointer = "" if where == "(member)" else "/" + where.replace(".", "/")
        problems.append(LineProblem(number, base + pointer, message))
    return (None if problems else MemberLine(number, cin, dict(facts))), problems


def parse_members(lines: Iterable[str]) -> tuple[list[MemberLine], list[LineProblem]]:
    """Every member in the input and every problem found (blank lines are skipped)."""
    members: list[MemberLine] = []
    problems: list[LineProblem] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as bad:
            problems.append(
                LineProblem(
                    number,
                    "",
                    f"not JSON: {bad.msg} at column {bad.colno}; each line must be one JSON "
                    'object {"cin": ..., "facts": {...}} (JSON Lines)',
                )
            )
            continue
        member, found = _line(number, raw)
        problems += found
        if member is None:
            continue
        if member.cin in seen:
            problems.append(
                LineProblem(number, "/cin", f"CIN {member.cin} is also on line {seen[member.cin]}")
            )
            continue
        seen[member.cin] = number
        members.append(member)
    return members, problems


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def import_members(
    *,
    session: AsyncSession,
    plan: str,
    members: Iterable[MemberLine],
    keep_existing: bool = False,
    on_stored: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Upsert checked members into `plan` (the caller commits, so all or none are stored).

    With `keep_existing`, a member already enrolled is left as it is and counted unchanged (a
    seed that never overwrites). `on_stored(n)` is called after each chunk of n members.
    """
    created = updated = unchanged = 0
    for chunk in chunks(members):
        found = await session.scalars(
            select(Member).where(Member.plan == plan, Member.cin.in_([m.cin for m in chunk]))
        )
        stored = {row.cin: row for row in found}
        for member in chunk:
            row = stored.get(member.cin)
            if row is None:
                session.add(Member(plan=plan, cin=member.cin, facts=dict(member.facts)))
                created += 1
            elif keep_existing:
                unchanged += 1
            else:
                row.facts = dict(member.facts)
                row.updated_at = utcnow()
                updated += 1
        await session.flush()
        if on_stored is not None:
            on_stored(len(chunk))
    return ImportOutcome(created, updated, unchanged)
