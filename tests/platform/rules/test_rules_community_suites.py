"""The community suites (compat-tables, datalogic-rs), for the cases within 2016 JsonLogic.

A case is in scope unless one of these stated criteria puts it out (see SEMANTICS.md):
1. it uses an operator outside the 2016 set (``val``, ``??``, ``try``, ``length``, ...);
2. it expects an error (2016 JsonLogic never raises one);
3. lieu rejects the rule at compile time as ``bad_arity`` or ``malformed_rule`` (extra arguments
   that 2016 silently ignores, object literals) -- deliberately stricter, checked by code below;
4. it is listed in DIVERGENT under the newer semantics it tests. The list is exact: a listed
   case that stops failing, or a case that is not listed and fails, fails this test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.operators import OPERATORS
from tests.platform.rules.reference_compiler import compile_rule, evaluate
from tests.platform.rules.suites import cases_or_skip, same, suite

FILES = ("compat-tables-suite.json", "datalogic-rs-suite.json")
STANDARD = frozenset(op for op, spec in OPERATORS.items() if not spec.date)

DIVERGENT: dict[str, tuple[tuple[str, str], ...]] = {
    "newer + and * read booleans, null and '' with Number(); 2016 uses parseFloat (NaN), "
    "and a lone * argument comes back unchanged in 2016": (
        ("arithmetic/multiply.json", "Multiply Operator with Single Operand (String)"),
        (
            "arithmetic/multiply.json",
            "Multiply Operator with Single Operand, Direct (Empty String)",
        ),
        (
            "arithmetic/multiply.json",
            "Multiply Operator with Single Operand, Direct (Negative Number String)",
        ),
        ("arithmetic/multiply.json", "Multiply Operator with Single Operand, Direct (String 0)"),
        ("arithmetic/multiply.json", "Multiply Operator with Single Operand, Direct (false)"),
        ("arithmetic/multiply.json", "Multiply Operator with Single Operand, Direct (true)"),
        ("arithmetic/multiply.json", "Multiply Operator with a Single Operand, Direct (null)"),
        ("arithmetic/multiply.json", "Multiply with Booleans"),
        ("arithmetic/multiply.json", "Multiply with Multiple Value Types (3)"),
        ("arithmetic/multiply.json", "Multiply with Multiple Value Types"),
        ("arithmetic/plus.json", "Addition with Booleans"),
        ("arithmetic/plus.json", "Addition with Multiple Value Types"),
        ("arithmetic/plus.json", "Plus Operator with Single Operand, Direct (Empty String)"),
        ("arithmetic/plus.json", "Plus Operator with Single Operand, Direct (false)"),
        ("arithmetic/plus.json", "Plus Operator with Single Operand, Direct (true)"),
        ("arithmetic/plus.json", "Plus Operator with a Single Operand, Direct (null)"),
        ("array/reduce.json", "Initial value is optional"),
        ("array/reduce.json", "Reduce with null values in array"),
        ("array/reduce.json", "Fusion bails: nulls in mapped input fall back to general coercion"),
    ),
    "newer engines spread a computed array into arithmetic arguments; 2016 sees one argument": (
        ("arithmetic/chain.json", "Minus can be chained with other operators (2)"),
        ("arithmetic/chain.json", "Multiply can be chained with other operators (2)"),
        ("arithmetic/chain.json", "Plus can be chained with other operators (2)"),
        ("arithmetic/max.json", "Max can chain with other operators (3)"),
        ("arithmetic/min.json", "Min can chain with other operators (3)"),
    ),
    "newer cat flattens an array argument; 2016 joins it with commas": (
        ("chained.json", "Cat with Logic Chaining"),
    ),
    "newer == treats null as 0; JavaScript's null == 0 is false": (
        ("comparison/softEquals.json", "== with (null, 0)"),
        ("comparison/softNotEquals.json", "!= with (null, 0)"),
    ),
    "datalogic's merge drops nulls; 2016 keeps them": (
        ("array/merge.json", "Merge should ignore null values in arrays"),
        ("array/merge.json", "Merge should skip null arguments"),
        ("array/merge.json", "Merge with all nulls should return empty array"),
        ("array/merge.json", "Merge with mixed values and nulls"),
        ("array/merge.json", "Merge with null inside arrays"),
    ),
    "datalogic's 64-bit integers overflow to floats; lieu keeps integers exact": (
        (
            "array/reduce.json",
            "Fused: i64 overflow promotes to float (map overflows, fold stays f64)",
        ),
        (
            "array/reduce.json",
            "Subtract reduce - accumulator on LHS, i64 overflow promotes to float",
        ),
        ("array/reduce.json", "Subtract reduce - current on LHS, i64 overflow promotes to float"),
    ),
    "datalogic maps over an object's values; 2016 maps only arrays": (
        ("array/reduce.json", "Fusion bails: object (Bridge) input to the map"),
    ),
}
LISTED = {key: reason for reason, keys in DIVERGENT.items() for key in keys}


def operators(rule: object) -> Iterator[str]:
    if isinstance(rule, dict):
        for op, args in rule.items():
            yield op
            yield from operators(args)
    elif isinstance(rule, list):
        for item in rule:
            yield from operators(item)


def out_of_scope(case: dict[str, object]) -> str | None:
    """Why a case is outside 2016 JsonLogic as lieu implements it, or None when it is in."""
    if not set(operators(case["rule"])) <= STANDARD:
        return "operator outside the 2016 set"
    if "error" in case:
        return "expects an error"
    try:
        compile_rule(case["rule"])
    except RuleError as error:
        assert error.code in ("bad_arity", "malformed_rule"), error
        return f"lieu rejects it ({error.code})"
    return None


def suite_cases() -> list[object]:
    params = []
    for name in FILES:

        def read(document: dict[str, Any], name: str = name) -> list[object]:
            return [
                pytest.param(file, case, name, id=f"{name.split('-')[0]}:{file}:{index}")
                for file, cases in document["suites"].items()
                for index, case in enumerate(cases)
                if isinstance(case, dict) and out_of_scope(case) is None
            ]

        params += cases_or_skip(name, read)
    return params


@pytest.mark.parametrize(("file", "case", "suite"), suite_cases())
def test_in_scope_community_case_passes_or_is_a_listed_divergence(
    file: str, case: dict[str, object], suite: str
):
    got = evaluate(case["rule"], case.get("data"))
    listed = LISTED.get((file, str(case["description"])))
    if listed is None:
        assert same(got, case["result"]), f"{suite} {file}: {case['description']}"
    else:
        assert not same(got, case["result"]), f"listed as divergent ({listed}) but now agrees"


def test_every_listed_divergence_names_a_real_case():
    known = set()
    for name in FILES:
        for file, cases in suite(name)["suites"].items():
            known |= {(file, c["description"]) for c in cases if isinstance(c, dict)}
    assert set(LISTED) <= known


def test_most_in_scope_cases_agree_with_the_community_suites():
    for name in FILES:
        suite(name)  # skips (fails on CI) when a suite is absent
    params = [p for p in suite_cases() if not getattr(p, "marks", None)]
    assert len(params) > 1300
