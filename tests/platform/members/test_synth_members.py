"""Synthetic members: valid, varied, with gaps as in real data, and the same for the same seed."""

from __future__ import annotations

import collections
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lieu.cli import run
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.members.cins import is_synthetic_cin, synthetic_cin
from lieu.platform.members.facts import member_problems
from lieu.platform.members.synth import synthetic_members
from lieu.platform.members.synth_facts import complete_facts

AS_OF = date(2026, 3, 2)


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    return list(synthetic_members(2_000, seed=11, as_of=AS_OF))


def _leaves(facts: dict[str, Any]) -> int:
    return sum(_leaves(v) if isinstance(v, dict) else 1 for v in facts.values())


def test_every_synthetic_member_is_valid_against_the_member_facts_schema(
    sample: list[dict[str, Any]],
) -> None:
    problems = [(m["cin"], p) for m in sample for p in member_problems(m["facts"])]
    assert problems == []


def test_every_support_has_eligible_not_eligible_and_undetermined_members(
    sample: list[dict[str, Any]],
) -> None:
    library = load_library()
    for support in sorted(SUPPORTS):
        criteria = compile_definition(library.in_force("dhcs", support, AS_OF))
        outcomes = collections.Counter(
            criteria.assess(m["facts"], as_of=AS_OF).outcome.value for m in sample
        )
        assert set(outcomes) == {"eligible", "not_eligible", "undetermined"}, (support, outcomes)


def test_between_ten_and_thirty_percent_of_facts_are_missing(
    sample: list[dict[str, Any]],
) -> None:
    rng = random.Random(11)
    complete = sum(_leaves(complete_facts(rng, AS_OF)) for _ in range(len(sample)))
    kept = sum(_leaves(m["facts"]) for m in sample)
    assert 0.10 <= 1 - kept / complete <= 0.30


def test_members_are_varied_like_medi_cal_members(sample: list[dict[str, Any]]) -> None:
    counties = collections.Counter(m["facts"].get("county") for m in sample)
    assert counties.most_common(1)[0][0] == "Los Angeles"
    assert len(counties) > 30
    homeless = sum(m["facts"].get("housing", {}).get("homeless") is True for m in sample)
    assert 0.03 * len(sample) < homeless < 0.15 * len(sample)
    ages = [
        AS_OF.year - int(m["facts"]["birth_date"][:4]) for m in sample if "birth_date" in m["facts"]
    ]
    assert min(ages) <= 2 and max(ages) >= 80


def test_the_same_seed_gives_the_same_members_and_another_seed_others() -> None:
    first = list(synthetic_members(300, seed=5, as_of=AS_OF))
    assert first == list(synthetic_members(300, seed=5, as_of=AS_OF))
    assert first != list(synthetic_members(300, seed=6, as_of=AS_OF))


def test_cins_have_the_real_shape_are_unique_and_recognisably_synthetic(
    sample: list[dict[str, Any]],
) -> None:
    cins = [m["cin"] for m in sample]
    assert len(set(cins)) == len(cins)
    assert all(len(c) == 9 and c[:8].isdigit() and c[8].isalpha() for c in cins)
    assert all(is_synthetic_cin(c) for c in cins)
    assert not is_synthetic_cin("91234567A")
    with pytest.raises(ValueError, match="at most"):
        synthetic_cin(10_000_000, 0)


def test_discharge_dates_fall_in_the_year_before_the_as_of_date(
    sample: list[dict[str, Any]],
) -> None:
    dates = [
        date.fromisoformat(m["facts"]["recent_discharge"]["date"])
        for m in sample
        if "date" in m["facts"].get("recent_discharge", {})
    ]
    assert dates and all(0 <= (AS_OF - d).days <= 365 for d in dates)


def test_lieu_members_synth_writes_count_json_lines_deterministically(tmp_path: Path) -> None:
    args = ["members", "synth", "--count", "50", "--seed", "3", "--as-of", "2026-03-02"]
    assert run([*args, "--plan", "demo-plan", "--out", str(tmp_path / "a.jsonl")]) == 0
    assert run([*args, "--plan", "demo-plan", "--out", str(tmp_path / "b.jsonl")]) == 0
    text = (tmp_path / "a.jsonl").read_text("utf-8")
    assert text == (tmp_path / "b.jsonl").read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 50
    assert {line["plan"] for line in lines} == {"demo-plan"}
    assert set(lines[0]) == {"cin", "plan", "facts"}


def test_lieu_members_synth_refuses_a_bad_count_or_date_as_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["members", "synth", "--count", "-1"]) == 2
    count = capsys.readouterr().err.strip().splitlines()
    assert run(["members", "synth", "--count", "1", "--as-of", "March"]) == 2
    as_of = capsys.readouterr().err.strip().splitlines()
    assert count[0] == as_of[0] == "usage: lieu members synth [OPTIONS]"
    assert count[1].startswith("lieu: error: Invalid value for --count: must be between 0 and")
    assert as_of[1] == (
        "lieu: error: Invalid value for --as-of: 'March' is not a date; write YYYY-MM-DD"
    )
    assert count[2] == as_of[2] == "Try 'lieu members synth --help' for help."
