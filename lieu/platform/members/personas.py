"""The demo personas of `benefit_definitions/members/*.yaml`, as members with CINs.

Each file holds one member's facts, as the plain-language cases read them. The CIN is the
declared fact `member_id` (the schema: "an opaque identifier for the member, e.g. the CIN"), so a
persona file stays valid member facts and needs no key the vocabulary does not declare. The
facts are written as of `PERSONAS_AS_OF`; `moved_to` shifts their dates (all but the birth date,
which a provider checks) so that the stories hold on another day: "discharged today" stays today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lieu.platform.members.facts import DEFINITIONS_ROOT, load_vocabulary, member_problems
from lieu.platform.members.importing import CIN, MemberLine

PERSONAS_DIR = DEFINITIONS_ROOT / "members"
PERSONAS_AS_OF = dt.date(2026, 3, 2)  # benefit_definitions/members/README.md
KEPT_DATES = frozenset({"birth_date"})


@dataclass(frozen=True, slots=True)
class PersonaProblem:
    """What is wrong with one persona file; `pointer` is a JSON pointer into its facts."""

    file: Path
    pointer: str
    message: str

    def render(self) -> str:
        """`ana.yaml#/member_id: …` (the CLI's line per problem)."""
        return f"{self.file}#{self.pointer}: {self.message}"


def persona_files(folder: Path = PERSONAS_DIR) -> list[Path]:
    """The persona files of a folder (`*.yaml`, `*.yml`), by name."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def read_persona(path: Path) -> tuple[MemberLine | None, list[PersonaProblem]]:
    """One persona file as a member to import (its CIN is `member_id`), or what is wrong."""
    try:
        facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, [PersonaProblem(path, "", f"cannot read it: {first}")]
    if not isinstance(facts, dict):
        return None, [PersonaProblem(path, "", "a persona file must be a mapping of member facts")]
    facts = _iso_dates(facts)
    problems = []
    for text in member_problems(facts):
        where, _, message = text.partition(": ")
        pointer = "" if where == "(member)" else "/" + where.replace(".", "/")
        problems.append(PersonaProblem(path, pointer, message))
    cin = facts.get("member_id")
    if not isinstance(cin, str) or not CIN.match(cin):
        problems.append(
            PersonaProblem(
                path, "/member_id", f"{cin!r} is not a CIN; a persona's member_id is its CIN"
            )
        )
    if problems:
        return None, problems
    assert isinstance(cin, str)
    return MemberLine(0, cin, facts), []


def read_personas(
    paths: list[Path],
) -> tuple[list[MemberLine], list[PersonaProblem]]:
    """Every persona of `paths` and every problem found (one CIN per persona)."""
    members: list[MemberLine] = []
    problems: list[PersonaProblem] = []
    seen: dict[str, Path] = {}
    for path in paths:
        member, found = read_persona(path)
        problems += found
        if member is None:
            continue
        if member.cin in seen:
            problems.append(
                PersonaProblem(
                    path, "/member_id", f"CIN {member.cin} is also {seen[member.cin].name}'s"
                )
            )
            continue
        seen[member.cin] = path
        members.append(member)
    return members, problems


def moved_to(facts: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    """The facts with every declared date but the birth date moved by `on - PERSONAS_AS_OF`."""
    days = (on - PERSONAS_AS_OF).days
    vocabulary = load_vocabulary()

    def move(node: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        moved: dict[str, Any] = {}
        for key, value in node.items():
            path = f"{prefix}{key}"
            fact = vocabulary.get(path)
            if isinstance(value, Mapping):
                moved[key] = move(value, path + ".")
            elif fact is not None and fact.kind == "date" and path not in KEPT_DATES:
                moved[key] = (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
            else:
                moved[key] = value
        return moved

    return move(facts, "")


def _iso_dates(value: Any) -> Any:
    """YAML reads `2026-03-02` unquoted as a date; member facts are JSON, with ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    return value
