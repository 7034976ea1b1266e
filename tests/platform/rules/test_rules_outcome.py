"""The short-circuiting outcome path (``outcome``) gives the full assessment's outcome.

``outcome`` reads only the facts that decide and stops at the first failed criterion; ``assess``
reads every fact and works out every status. They must agree on every rule and facts where the
assessment answers (generated rules and facts as in ``test_rules_kleene``, every definition's
plain-language cases, the benchmark's synthetic members); where the assessment raises on a bad
fact, the outcome raises too, unless an earlier criterion already failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieu.platform.definitions.cases import Case, case_files, load_cases
from lieu.platform.definitions.eligibility import compile_definition
from lieu.platform.definitions.library import Library, NotInForce, load_library
from lieu.platform.members.synth import synthetic_members
from lieu.platform.rules.eligibility import CompiledCriteria, Criterion, Outcome, compile_criteria
from lieu.platform.rules.errors import EvaluationError, RuleError
from lieu.platform.screening.screener import screener_for
from tests.platform.rules.test_rules_kleene import AS_OF, PATHS, facts, reference, rules

CASES = [case for path in case_files() for case in load_cases(path)]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _criteria(rules: list[object]) -> CompiledCriteria:
    return compile_criteria([Criterion(f"c{i}", f"C{i}", rule) for i, rule in enumerate(rules)])


def _result(function: Any, facts: dict[str, Any]) -> object:
    try:
        return function(facts)
    except EvaluationError as error:
        return ("error", error.code)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=st.lists(rules(3), min_size=1, max_size=4), data=facts)
def test_the_outcome_path_gives_the_generic_tri_state_outcome(
    rules: list[object], data: dict[str, Any]
) -> None:
    try:
        criteria = _criteria(rules)
    except RuleError:
        return
    expected = _result(lambda f: reference(rules)(f)[0], data)
    found = _result(lambda f: criteria.outcome(f, as_of=AS_OF), data)
    assessed = _result(lambda f: criteria.assess(f, as_of=AS_OF).outcome, data)
    assert assessed == expected, (rules, data)
    if isinstance(expected, Outcome):
        assert found is expected, (rules, data)
    else:  # a bad fact: raised, unless a criterion before the one raising failed
        assert found == expected or found is Outcome.NOT_ELIGIBLE, (rules, data, found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=facts, rule=rules(2), op=st.sampled_from(["and", "or"]), size=st.integers(17, 80))
def test_long_and_deeply_nested_criteria_keep_the_outcome(
    data: dict[str, Any], rule: object, op: str, size: int
) -> None:
    long = {op: [rule, *({"==": [{"var": p}, True]} for p in PATHS * 7)][:size]}
    deep: object = rule
    for level in range(size):
        deep = {"!": [deep]} if level % 3 == 0 else {"or" if level % 2 else "and": [deep, rule]}
    texts = {"or": [{"in": [t, {"var": "l"}]} for t in ("a", "b", "", "1", "x y")] + [rule]}
    for each in ([long], [deep], [long, deep], [texts, rule]):
        try:
            criteria = _criteria(each)
        except RuleError:
            continue
        expected = _result(lambda f: criteria.assess(f, as_of=AS_OF).outcome, data)  # noqa: B023
        found = _result(lambda f: criteria.outcome(f, as_of=AS_OF), data)  # noqa: B023
        assert found == expected or found is Outcome.NOT_ELIGIBLE != expected, (each, data)
        if isinstance(expected, Outcome):
            assert found is expected, (each, data)


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        (["b", "x"], Outcome.ELIGIBLE),  # a list holding one of the texts
        (["z"], Outcome.NOT_ELIGIBLE),
        ("xaz", Outcome.ELIGIBLE),  # a text containing one: JavaScript's `in`
        ([["a"], {"b": 1}, "c"], Outcome.ELIGIBLE),  # unhashable items: searched one by one
        ([["a"], 1, True], Outcome.NOT_ELIGIBLE),
        (None, Outcome.UNDETERMINED),
        (7, Outcome.NOT_ELIGIBLE),
    ],
)
def test_texts_looked_for_in_one_fact_are_found_as_in_keeps_them(
    value: object, outcome: Outcome
) -> None:
    rule = {"or": [{"in": [text, {"var": "codes"}]} for text in ("a", "b", "c")]}
    criteria = _criteria([rule])
    assert criteria.outcome({"codes": value}, as_of=AS_OF) is outcome
    assert criteria.assess({"codes": value}, as_of=AS_OF).outcome is outcome


@pytest.mark.parametrize(
    "value",
    [["a", "b"], ["b", "a"], "ab", "ba", ["a"], "a", [], "", {"0": "a", "1": "b"}, None, 3, True],
)
def test_facts_read_inside_an_array_or_a_text_are_read_by_index(value: object) -> None:
    rules = [
        {"or": [{"==": [{"var": "items.0"}, "a"]}, {"==": [{"var": "items.1"}, "a"]}]},
        {"!=": [{"var": "items.1"}, "c"]},
    ]
    criteria = _criteria(rules)
    facts = {"items": value}
    assert criteria.outcome(facts, as_of=AS_OF) is criteria.assess(facts, as_of=AS_OF).outcome
    assert criteria.outcome(facts, as_of=AS_OF) is reference(rules)(facts)[0]


def test_the_outcome_path_stops_at_the_first_failed_criterion() -> None:
    criteria = _criteria(
        [{"==": [{"var": "a"}, 1]}, {"within_days": [{"var": "d"}, 30, {"var": "as_of"}]}]
    )
    bad_date = {"a": 2, "d": "not a date"}
    assert criteria.outcome(bad_date, as_of=AS_OF) is Outcome.NOT_ELIGIBLE  # decided by `a`
    with pytest.raises(EvaluationError):  # the full assessment evaluates every criterion
        criteria.assess(bad_date, as_of=AS_OF)
    with pytest.raises(EvaluationError):
        criteria.outcome({"a": 1, "d": "not a date"}, as_of=AS_OF)


def test_the_outcome_path_checks_as_of_as_assess_does() -> None:
    criteria = _criteria([{"==": [{"var": "a"}, 1]}])
    with pytest.raises(ValueError, match="as_of must be a date"):
        criteria.outcome({"a": 1}, as_of="next tuesday")
    assert criteria.outcome({"a": 1}, as_of=dt.date(2024, 6, 1)) is Outcome.ELIGIBLE


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_definition_case_gets_the_same_outcome_from_both_paths(
    case: Case, library: Library
) -> None:
    try:
        definition = library.in_force(case.plan, case.support, case.as_of)
    except NotInForce:
        return
    criteria = compile_definition(definition)
    outcome = criteria.outcome(case.member, as_of=case.as_of)
    assert outcome is criteria.assess(case.member, as_of=case.as_of).outcome
    if case.check_outcome and case.outcome is not None:
        assert outcome is case.outcome


@pytest.mark.parametrize(("seed", "missing"), [(11, 0.0), (12, 0.2), (13, 0.5), (14, 0.9)])
def test_synthetic_members_get_the_same_outcome_from_both_paths(seed: int, missing: float) -> None:
    on = dt.date(2026, 3, 2)
    screener = screener_for(load_library(), "dhcs", on)
    members = synthetic_members(1_000, seed=seed, as_of=on, missing_rate=missing)
    differing = [
        (member["cin"], support)
        for member in members
        for support, criteria in screener.compiled
        if criteria.outcome(member["facts"], as_of=on)
        is not criteria.assess(member["facts"], as_of=on).outcome
    ]
    assert differing == []


def test_an_explanation_describes_the_facts_as_they_were_when_assessed() -> None:
    criteria = compile_criteria(
        [
            Criterion("adult", "Adult", {">=": [{"var": "age"}, 18]}),
            Criterion("homeless", "Homeless", {"==": [{"var": "housing.homeless"}, True]}),
        ]
    )
    facts: dict[str, Any] = {"age": 17, "housing": {"homeless": None}}
    assessment = criteria.assess(facts, as_of=AS_OF)
    facts["age"] = 30  # the caller changes its facts, nested ones too, after the assessment
    facts["housing"]["homeless"] = True
    del facts["housing"]
    assert assessment.outcome is Outcome.NOT_ELIGIBLE
    assert [reason.text for reason in assessment.unmet] == [
        "Adult: not met (age: 17)",
        "Homeless: undetermined — missing: housing.homeless",
    ]
    assert assessment.missing == ()  # not eligible whatever housing says
    assert dict(assessment.statuses) == {"adult": "failed", "homeless": "undetermined"}
