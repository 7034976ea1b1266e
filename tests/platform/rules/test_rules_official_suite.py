"""The jsonlogic.com test set (the 2016 specification's own) passes in full through evaluate."""

from __future__ import annotations

import pytest

from tests.platform.rules.reference_compiler import compile_rule, evaluate
from tests.platform.rules.suites import cases_or_skip, same, suite

OFFICIAL = "official-tests.json"


def official_cases() -> list[object]:
    def read(entries: list[object]) -> list[object]:
        cases, section = [], "start"
        for index, entry in enumerate(entries):
            if isinstance(entry, str):
                section = entry.strip("# ").strip()
                continue
            rule, data, expected = entry  # type: ignore[misc]
            cases.append(pytest.param(rule, data, expected, id=f"{index}-{section}"))
        return cases

    return cases_or_skip(OFFICIAL, read)


@pytest.mark.parametrize(("rule", "data", "expected"), official_cases())
def test_official_case_gives_the_expected_result(rule: object, data: object, expected: object):
    assert same(evaluate(rule, data), expected)


def test_the_official_suite_is_all_there():
    cases = [c for c in suite(OFFICIAL) if not isinstance(c, str)]
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
