"""Static reading of rules: facts read, operators used, fact-versus-literal comparisons."""

from __future__ import annotations

import pytest

from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.facts import (
    Comparison,
    Condition,
    comparisons,
    conditions,
    dynamic_reads,
    facts_read,
    operators_used,
)
from lieu.platform.rules.syntax import parse

RULE = {
    "and": [
        {">=": [{"age_at": [{"var": "birth_date"}, {"var": "as_of"}]}, 18]},
        {"in": [{"var": "address.county"}, ["Kern", "Fresno"]]},
        {"<": [0, {"var": "income"}, 2000]},
        {"some": [{"var": "conditions"}, {"==": [{"var": "code"}, "SMI"]}]},
        {"!": {"missing": ["housing_status"]}},
        {"==": [{"var": 1}, "x"]},
    ]
}


def test_facts_read_lists_every_static_path_but_not_per_item_reads():
    assert facts_read(RULE) == {
        "birth_date",
        "as_of",
        "address.county",
        "income",
        "conditions",
        "housing_status",
        "1",
    }


def test_operators_used_lists_each_operator_once():
    assert operators_used(RULE) == {
        "and",
        ">=",
        "age_at",
        "var",
        "in",
        "<",
        "some",
        "==",
        "!",
        "missing",
    }


def test_comparisons_pair_each_fact_with_the_literal_it_is_compared_to():
    assert list(comparisons(RULE)) == [
        Comparison("/and/1", "in", "address.county", ["Kern", "Fresno"]),
        Comparison("/and/2", "<", "income", 0),
        Comparison("/and/2", "<", "income", 2000),
        Comparison("/and/5", "==", "1", "x"),
    ]


def test_paths_computed_at_run_time_are_reported_by_pointer():
    rule = {"or": [{"var": {"cat": ["a", "b"]}}, {"var": "c"}]}
    assert dynamic_reads(rule) == ("/or/0",)
    assert facts_read(rule) == {"c"}


def test_static_readers_reject_bad_rules_too():
    with pytest.raises(RuleError):
        facts_read({"nope": 1})


def test_conditions_say_what_each_fact_is_tested_against_for_machines() -> None:
    assert conditions(parse(RULE)) == (
        Condition("birth_date", ">=", (18,), "age_at"),
        Condition("address.county", "in", ("Kern", "Fresno")),
        Condition("income", ">", (0,)),
        Condition("income", "<", (2000,)),
        Condition("conditions", "some", ("SMI",)),
        Condition("housing_status", "missing"),
        Condition("1", "==", ("x",)),
    )


def test_conditions_read_a_literal_on_the_left_with_the_fact_on_the_left() -> None:
    rule = {
        "or": [
            {"<": [18, {"var": "age"}]},
            {"in": ["ccs", {"var": "enrollments"}]},
            {"var": "housing.homeless"},
            {"!": {"var": "housing.at_risk"}},
            {"within_days": [{"var": "discharge.date"}, 30, {"var": "as_of"}]},
            {"==": [{"var": "a"}, {"var": "b"}]},
        ]
    }
    assert conditions(parse(rule)) == (
        Condition("age", ">", (18,)),
        Condition("enrollments", "contains", ("ccs",)),
        Condition("housing.homeless", "truthy"),
        Condition("housing.at_risk", "falsy"),
        Condition("discharge.date", "within_days", (30,)),
    )
