"""Rules are checked when compiled: unknown operators and malformed rules raise RuleError only."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieu.platform.rules.eligibility import Criterion, compile_criteria
from lieu.platform.rules.errors import EvaluationError, RuleError
from lieu.platform.rules.explain import explain
from lieu.platform.rules.operators import OPERATORS
from tests.platform.rules.reference_compiler import compile_rule, evaluate


def error_of(rule: object) -> RuleError:
    with pytest.raises(RuleError) as caught:
        compile_rule(rule)
    return caught.value


def test_unknown_operator_names_its_pointer_and_suggests_the_close_one():
    error = error_of({"and": [{"==": [1, 1]}, True, {"or": [{"fo": 1}, {"=<": [1, 2]}]}]})
    assert error.code == "unknown_operator"
    assert error.pointer == "/and/2/or/0"
    assert "'fo'" in error.message and "did you mean 'for'" not in error.message


def test_misspelt_operator_gets_a_did_you_mean():
    error = error_of({"and": [True, True, {"misisng": ["age"]}]})
    assert (error.code, error.pointer) == ("unknown_operator", "/and/2")
    assert "did you mean 'missing'?" in error.message
    assert "did you mean 'and'?" in error_of({"AND": [True]}).message
    assert "did you mean 'within_days'?" in error_of({"within_day": [1, 2, 3]}).message


@pytest.mark.parametrize(
    ("written", "meant"),
    [("eq", "=="), ("EQ", "=="), ("gte", ">="), ("not", "!"), ("contains", "in"),
     ("older_than", "age_at"), ("days-since", "days_between"), ("<>", "!=")],
)  # fmt: skip
def test_an_operator_from_another_rule_language_suggests_lieus_name(written: str, meant: str):
    error = error_of({"and": [{written: [{"var": "a"}, 1]}]})
    assert (error.code, error.pointer) == ("unknown_operator", "/and/0")
    assert f"unknown operator {written!r}; did you mean {meant!r}?" in error.message


def test_operator_far_from_any_lists_the_allowed_ones():
    assert "use one of:" in error_of({"exec": "import os"}).message


def test_pointer_escapes_slash_and_tilde_as_rfc_6901_says():
    assert error_of({"or": [{"a/b~c": 1}]}).pointer == "/or/0"
    assert error_of({"if": [True, {"!": [{"x/y": 1}]}]}).pointer == "/if/1/!/0"
    assert error_of({"==": [1]}).pointer == "/=="
    assert error_of({"in": [1, {"a/~": 1}]}).pointer == "/in/1"


def test_an_object_with_two_keys_is_malformed():
    error = error_of({"and": [{"var": "a", "==": 1}]})
    assert (error.code, error.pointer) == ("malformed_rule", "/and/0")
    assert "exactly one key" in error.message


def test_an_empty_object_is_malformed():
    assert error_of({"!": [{}]}).code == "malformed_rule"


def test_wrong_argument_counts_say_what_the_operator_takes():
    error = error_of({"==": [1, 2, 3]})
    assert (error.code, error.pointer) == ("bad_arity", "/==")
    assert "exactly 2 arguments, got 3" in error.message
    assert error_of({"within_days": ["2024-01-01", 30]}).code == "bad_arity"
    assert "2 to 3 arguments" in error_of({"<": [1]}).message


def test_a_literal_that_is_not_a_date_is_rejected_where_it_is_written():
    error = error_of({"age_at": ["1990-02-30", {"var": "as_of"}]})
    assert (error.code, error.pointer) == ("bad_argument", "/age_at/0")
    assert "YYYY-MM-DD" in error.message
    assert error_of({"date_add_days": [{"var": "d"}, "ten"]}).pointer == "/date_add_days/1"


def test_values_that_are_not_json_are_rejected():
    assert error_of({"==": [{1, 2}, 1]}).code == "bad_argument"
    assert error_of({"==": [(1, 2), 1]}).code == "bad_argument"
    assert error_of({"==": [math.nan, 1]}).code == "bad_argument"
    assert error_of({1: [1]}).code == "malformed_rule"


def test_nesting_deeper_than_the_limit_is_rejected_with_a_pointer():
    rule: object = 1
    for _ in range(200):
        rule = {"!": [rule]}
    error = error_of(rule)
    assert error.code == "too_deep"
    assert error.pointer.startswith("/!/0/!/0")


def test_deep_but_allowed_nesting_and_long_chains_compile_and_run():
    rule: object = {"var": "x"}
    for _ in range(121):
        rule = {"!": [rule]}
    assert evaluate(rule, {"x": 0}) is True
    assert evaluate({"and": [{"==": [{"var": f"k{i}"}, None]} for i in range(400)]}, {}) is True
    assert evaluate({"or": [{"var": f"k{i}"} for i in range(400)] + ["x"]}, {}) == "x"


def test_a_criterion_error_names_the_criterion():
    with pytest.raises(RuleError) as caught:
        compile_criteria([Criterion("adult", "Adult", {">=": [{"varr": "age"}, 18]})])
    assert caught.value.pointer == "/>=/0"
    assert "criterion 'adult'" in caught.value.message


def test_duplicate_criterion_ids_are_rejected():
    with pytest.raises(RuleError, match="used twice"):
        compile_criteria([Criterion("a", "A", True), Criterion("a", "B", False)])


def test_rule_strings_are_never_run_as_code():
    sneaky = "__import__('os').system('false')"
    assert evaluate({"cat": [sneaky, "')\n"]}) == sneaky + "')\n"
    key = "__import__('os')"
    assert evaluate({"var": key}, {key: 1}) == 1
    assert evaluate({"in": [{"var": "x"}, [sneaky, "a\\"]]}, {"x": "a\\"}) is True


NAMES = st.sampled_from([*OPERATORS, "fo", "", "AND", "var ", "__class__", "exec"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(["2024-02-29", "2023-02-29", "as_of", "a.b", "0", ""]),
    st.just(()),
    st.just(frozenset()),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(NAMES, inner, max_size=2),
        st.dictionaries(st.one_of(NAMES, st.integers()), inner, min_size=1, max_size=1),
    ),
    max_leaves=20,
)
DATA = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["a", "b", "as_of", "0"]), SCALARS | st.lists(SCALARS)),
    st.lists(SCALARS),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=JUNK, data=DATA)
def test_junk_rules_raise_nothing_but_rule_error(rule: object, data: object):
    try:
        compiled = compile_rule(rule)
    except RuleError:
        return
    for run in (compiled, lambda d: explain(rule, d if isinstance(d, dict) else {})):
        try:
            run(data)
        except EvaluationError as error:
            assert error.code in ("bad_date", "bad_number")
