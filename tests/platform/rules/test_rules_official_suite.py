"""The jsonlogic.com test set (the 2016 specification's own) passes in full through evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lieu.platform.rules.compiler import compile_rule, evaluate

SUITES = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "jsonlogic"
ABSENT = f"the shared JsonLogic suites are not beside the project (looked in {SUITES})"


def same(got: object, expected: object) -> bool:
    """JSON equality that tells true from 1 and false from 0, as JavaScript's === does."""
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(got, int | float) and isinstance(expected, int | float):
        return got == expected or (got != got and expected != expected)
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(map(same, got, expected))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(same(got[k], expected[k]) for k in got)
    return type(got) is type(expected) and got == expected


def official_cases() -> list[object]:
    path = SUITES / "official-tests.json"
    if not path.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=ABSENT))]
    cases, section = [], "start"
    for index, entry in enumerate(json.loads(path.read_text())):
        if isinstance(entry, str):
            section = entry.strip("# ").strip()
            continue
        rule, data, expected = entry
        cases.append(pytest.param(rule, data, expected, id=f"{index}-{section}"))
    return cases


@pytest.mark.parametrize(("rule", "data", "expected"), official_cases())
def test_official_case_gives_the_expected_result(rule: object, data: object, expected: object):
    assert same(evaluate(rule, data), expected)


def test_the_official_suite_is_all_there():
    path = SUITES / "official-tests.json"
    if not path.exists():
        pytest.skip(ABSENT)
    cases = [c for c in json.loads(path.read_text()) if not isinstance(c, str)]
    assert len(cases) >= 270


def test_a_compiled_rule_gives_the_same_answer_as_evaluate_on_every_call():
    rule = {
        "if": [
            {"<": [{"var": "temp"}, 0]},
            "freezing",
            {"<": [{"var": "temp"}, 100]},
            "liquid",
            "gas",
        ]
    }
    compiled = compile_rule(rule)
    for temp, state in ((-5, "freezing"), (20, "liquid"), (120, "gas"), (20, "liquid")):
        assert compiled({"temp": temp}) == evaluate(rule, {"temp": temp}) == state


def test_javascript_coercions_hold_where_python_would_differ():
    assert evaluate({"==": [1, True]}) is True
    assert evaluate({"===": [1, True]}) is False
    assert evaluate({"==": [[1], "1"]}) is True
    assert evaluate({"<": ["10", 9]}) is False
    assert evaluate({"<": ["10", "9"]}) is True
    assert evaluate({"!!": [{"var": "o"}]}, {"o": {}}) is True
    assert evaluate({"in": [1, "a1"]}) is True
    assert evaluate({"in": [1, [True, 1.0]]}) is True
    assert evaluate({"in": [True, [1]]}) is False
    assert evaluate({"%": [-7, 2]}) == -1
    assert evaluate({"/": [1, 0]}) == float("inf")
    assert evaluate({"cat": [1.0, 0.5, None, True, [1, [2, None]]]}) == "10.5true1,2,"
    assert evaluate({"+": ["3.5kg", 1]}) == 4.5


def test_var_reads_paths_indexes_and_defaults():
    data = {"a": {"b": [10, {"c": None}]}, "n": None}
    assert evaluate({"var": "a.b.1.c"}, data) is None
    assert evaluate({"var": ["a.b.0", 5]}, data) == 10
    assert evaluate({"var": ["a.x.y", 5]}, data) == 5
    assert evaluate({"var": ["n", 5]}, data) is None  # present but null: no default, as in 2016
    assert evaluate({"var": 1}, ["x", "y"]) == "y"
    assert evaluate({"var": ["a.b.01", "none"]}, data) == "none"
    assert evaluate({"var": {"cat": ["a", ".b.0"]}}, data) == 10
    assert evaluate({"var": "a"}, None) is None


def test_any_mapping_can_be_the_data():
    from collections import OrderedDict
    from types import MappingProxyType

    rule = {"==": [{"var": "a.b"}, 1]}
    assert evaluate(rule, MappingProxyType({"a": OrderedDict(b=1)})) is True
