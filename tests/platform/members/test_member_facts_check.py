"""The compiled member-facts check says exactly what jsonschema says, twenty times faster."""

from __future__ import annotations

import copy
import json
import random
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from lieu.platform.members.facts import (
    MEMBER_FACTS_SCHEMA,
    facts_are_valid,
    member_facts_schema,
    member_problems,
)
from lieu.platform.members.personas import PERSONAS_DIR, persona_files, read_personas
from lieu.platform.members.synth import synthetic_members

REFERENCE = Draft202012Validator(member_facts_schema(), format_checker=FormatChecker())
STRANGE_VALUES: list[Any] = [
    True, False, 0, 1, -1, 1.0, 2.5, -0.5, 10**6, "", "x", "Los Angeles", "2026-02-30",
    "2026-02-28", "2026-2-28", "20260228", None, [], {}, ["asthma", "asthma"], ["asthma"],
    ["no-such-condition"], {"status": "housed"}, "housed", "respite",
]  # fmt: skip


def _paths(facts: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(facts, dict):
        for key, value in facts.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(facts, list):
        for index, value in enumerate(facts):
            found += _paths(value, (*prefix, index))
    return found


def _replace(facts: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(facts)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def _members() -> list[dict[str, Any]]:
    synthetic = [m["facts"] for m in synthetic_members(300, seed=4, as_of=date(2026, 3, 2))]
    personas, problems = read_personas(persona_files())
    assert problems == []
    return synthetic + [p.facts for p in personas]


def test_valid_members_and_thousands_of_broken_variants_are_judged_as_jsonschema_does() -> None:
    rng = random.Random(7)
    judged = disagreements = invalid = 0
    for facts in _members():
        variants = [facts]
        paths = _paths(facts)
        for _ in range(12):
            path = rng.choice(paths)
            variants.append(_replace(facts, path, copy.deepcopy(rng.choice(STRANGE_VALUES))))
        variants.append({**facts, "not_a_fact": 1})
        for variant in variants:
            expected = REFERENCE.is_valid(variant)
            judged += 1
            invalid += not expected
            disagreements += facts_are_valid(variant) != expected
    assert judged > 4000 and invalid > 1000
    assert disagreements == 0


def test_a_calendar_date_that_does_not_exist_is_refused_as_jsonschema_refuses_it() -> None:
    assert not facts_are_valid({"birth_date": "2026-02-30"})
    assert member_problems({"birth_date": "2026-02-30"}) == [
        "birth_date: '2026-02-30' is not a 'date'"
    ]
    assert facts_are_valid({"birth_date": "2024-02-29"})


def test_a_schema_using_a_keyword_the_compiled_check_does_not_know_is_refused(
    tmp_path: Path,
) -> None:
    schema = json.loads(MEMBER_FACTS_SCHEMA.read_text())
    schema["properties"]["county"] = {"$ref": "#/$defs/county"}
    changed = tmp_path / "member-facts.schema.json"
    changed.write_text(json.dumps(schema))
    with pytest.raises(ValueError, match=r"does not know \['\$ref'\]"):
        facts_are_valid({}, changed)


def test_the_compiled_check_is_at_least_ten_times_faster_than_jsonschema() -> None:
    members = _members()
    facts_are_valid(members[0])  # compile once
    started = time.process_time()
    for facts in members:
        REFERENCE.is_valid(facts)
    reference = time.process_time() - started
    started = time.process_time()
    for facts in members:
        facts_are_valid(facts)
    compiled = time.process_time() - started
    assert compiled * 10 < reference, (compiled, reference)


def test_every_persona_file_is_valid_member_facts() -> None:
    for path in sorted(PERSONAS_DIR.glob("*.yaml")):
        _member, problems = read_personas([path])
        assert problems == [], path
