"""Importing members from JSON Lines: every line checked against the member-facts schema first,
then all upserted by (plan, CIN) in the caller's transaction — or none, if any line is wrong.

A line is `{"cin": "91000001A", "facts": {...}}`, or the facts themselves with a `cin` key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.members.facts import member_problems
from lieu.platform.members.service import upsert_member

CIN = re.compile(r"^[0-9A-Za-z]{6,16}$")


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
    """How many members were created and updated."""

    created: int
    updated: int


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
            problems.append(LineProblem(number, "", f"not JSON: {bad.msg} at column {bad.colno}"))
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


async def import_members(
    *, session: AsyncSession, plan: str, members: Iterable[MemberLine]
) -> ImportOutcome:
    """Upsert checked members into `plan` (the caller commits, so all or none are stored)."""
    created = updated = 0
    for member in members:
        _row, new = await upsert_member(
            session=session, plan=plan, cin=member.cin, facts=member.facts
        )
        created += new
        updated += not new
    return ImportOutcome(created, updated)
