"""Tri-state eligibility: missing facts make criteria undetermined, never met."""

from __future__ import annotations

import datetime as dt

import pytest

from lieu.platform.rules.eligibility import Criterion, Outcome, assess, compile_criteria
from lieu.platform.rules.explain import explain
from lieu.platform.rules.reasons import Status
from tests.platform.rules.reference_compiler import evaluate
from tests.platform.rules.typical import hand_written, typical_criteria, typical_facts, typical_rule

ADULT = Criterion("adult", "Member is 18 or older", {">=": [{"var": "age"}, 18]})
DISCHARGED = Criterion(
    "discharged",
    "Discharged from hospital within the last 30 days",
    {"within_days": [{"var": "discharge.date"}, 30, {"var": "as_of"}]},
)
RECENT = Criterion(
    "recent", "Discharged at most 30 days ago", {"<=": [{"var": "days_since_discharge"}, 30]}
)
CRITERIA = compile_criteria([ADULT, DISCHARGED])
AS_OF = "2024-06-01"


def test_member_meeting_every_criterion_is_eligible_with_met_reasons():
    result = CRITERIA.assess({"age": 30, "discharge": {"date": "2024-05-20"}}, as_of=AS_OF)
    assert result.outcome is Outcome.ELIGIBLE
    assert result.missing == ()
    assert [r.text for r in result.reasons] == [
        "Member is 18 or older: met (age: 30)",
        "Discharged from hospital within the last 30 days: met "
        "(discharge.date: 20 May 2024; as_of: 1 June 2024)",
    ]


def test_missing_discharge_date_is_undetermined_not_eligible():
    result = CRITERIA.assess({"age": 30}, as_of=AS_OF)
    assert result.outcome is Outcome.UNDETERMINED
    assert result.missing == ("discharge.date",)
    reason = result.reasons[1]
    assert reason.status is Status.UNDETERMINED
    assert reason.missing == ("discharge.date",)
    assert reason.text == (
        "Discharged from hospital within the last 30 days: undetermined — missing: discharge.date"
    )


def test_a_null_fact_counts_as_missing():
    result = CRITERIA.assess({"age": None, "discharge": {"date": None}}, as_of=AS_OF)
    assert result.outcome is Outcome.UNDETERMINED
    assert result.missing == ("age", "discharge.date")


def test_null_compared_below_a_limit_passes_in_jsonlogic_but_not_in_eligibility():
    assert evaluate(RECENT.rule, {}) is True  # standard JsonLogic: null <= 30
    result = assess([RECENT], {}, as_of=AS_OF)
    assert result.outcome is Outcome.UNDETERMINED
    assert result.statuses == {"recent": Status.UNDETERMINED}


def test_a_not_eligible_member_is_told_of_no_missing_fact_since_none_could_change_it():
    result = CRITERIA.assess({"age": 17}, as_of=AS_OF)
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert result.missing == ()
    assert result.reasons[0].values_seen == {"age": 17}
    assert result.reasons[1].missing == ("discharge.date",)  # it decides that criterion alone


def test_a_failed_criterion_fails_whatever_its_own_missing_facts_turn_out_to_be():
    rule = {"and": [{">=": [{"var": "age"}, 18]}, {"==": [{"var": "county"}, "Kern"]}]}
    result = assess([Criterion("both", "Adult in Kern", rule)], {"age": 17}, as_of=AS_OF)
    assert (result.outcome, result.missing) == (Outcome.NOT_ELIGIBLE, ())
    assert result.reasons[0].missing == ()


def test_a_failure_that_a_missing_fact_can_turn_lists_it_and_the_undetermined_facts():
    known = Criterion("known", "Disability recorded", {"!": {"missing": ["disability"]}})
    result = assess([known, DISCHARGED], {}, as_of=AS_OF)
    assert result.statuses == {"known": Status.FAILED, "discharged": Status.UNDETERMINED}
    assert result.missing == ("disability", "discharge.date")
    assert result.reasons[0].missing == ("disability",)
    also_adult = assess([known, DISCHARGED, ADULT], {"age": 17}, as_of=AS_OF)
    assert also_adult.missing == ()  # being 17 fails whatever is supplied


def test_false_and_unknown_is_false_and_true_or_unknown_is_true():
    rule_and = {"and": [{">=": [{"var": "age"}, 18]}, {"==": [{"var": "county"}, "Kern"]}]}
    rule_or = {"or": [{">=": [{"var": "age"}, 18]}, {"==": [{"var": "county"}, "Kern"]}]}
    both = compile_criteria([Criterion("and", "And", rule_and), Criterion("or", "Or", rule_or)])
    assert dict(both.assess({"age": 17}, as_of=AS_OF).statuses) == {
        "and": Status.FAILED,
        "or": Status.UNDETERMINED,
    }
    assert dict(both.assess({"age": 19}, as_of=AS_OF).statuses) == {
        "and": Status.UNDETERMINED,
        "or": Status.HELD,
    }


def test_not_of_unknown_is_unknown_and_a_missing_fact_never_satisfies_a_criterion():
    criteria = [
        Criterion("not", "Not in Kern", {"!": [{"==": [{"var": "county"}, "Kern"]}]}),
        Criterion("default", "Flag or default", {"var": ["flag", True]}),
        Criterion("ne", "Not homeless", {"!=": [{"var": "housing"}, "homeless"]}),
        Criterion("in", "County listed", {"in": [{"var": "county"}, ["Kern"]]}),
        Criterion(
            "none", "No SUD", {"none": [{"var": "conditions"}, {"==": [{"var": ""}, "SUD"]}]}
        ),
    ]
    result = assess(criteria, {}, as_of=AS_OF)
    assert set(result.statuses.values()) == {Status.UNDETERMINED}
    assert result.outcome is Outcome.UNDETERMINED
    assert result.missing == ("county", "flag", "housing", "conditions")


def test_if_with_an_unknown_condition_is_unknown():
    rule = {"if": [{"var": "homeless"}, {">=": [{"var": "age"}, 18]}, False]}
    result = assess([Criterion("if", "If", rule)], {"age": 30}, as_of=AS_OF)
    assert result.statuses["if"] is Status.UNDETERMINED


def test_missing_lets_a_rule_branch_on_absence_explicitly():
    rule = {"or": [{"missing": ["disability"]}, {"==": [{"var": "disability"}, "none"]}]}
    assert assess([Criterion("m", "M", rule)], {}, as_of=AS_OF).outcome is Outcome.ELIGIBLE


def test_iterators_are_kleene_over_their_items():
    rule = {"some": [{"var": "stays"}, {">=": [{"var": "days"}, 3]}]}
    criteria = compile_criteria([Criterion("stay", "A stay of 3+ days", rule)])
    assert (
        criteria.assess({"stays": [{"days": 1}, {}]}, as_of=AS_OF).statuses["stay"]
        is Status.UNDETERMINED
    )
    assert (
        criteria.assess({"stays": [{"days": 4}, {}]}, as_of=AS_OF).statuses["stay"] is Status.HELD
    )
    assert criteria.assess({"stays": [{"days": 1}]}, as_of=AS_OF).statuses["stay"] is Status.FAILED


def test_as_of_comes_from_the_caller_and_overrides_a_fact_of_that_name():
    criteria = compile_criteria([DISCHARGED])
    facts = {"discharge": {"date": "2024-05-20"}, "as_of": "1999-01-01"}
    assert criteria.assess(facts, as_of=dt.date(2024, 6, 1)).outcome is Outcome.ELIGIBLE
    assert criteria.assess(facts, as_of="2024-08-01").outcome is Outcome.NOT_ELIGIBLE
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        criteria.assess(facts, as_of="June 1")


def test_age_from_birth_date_is_not_met_the_day_before_the_eighteenth_birthday():
    rule = {">=": [{"age_at": [{"var": "birth_date"}, {"var": "as_of"}]}, 18]}
    criteria = compile_criteria([Criterion("adult", "Member is 18 or older", rule)])
    assert (
        criteria.assess({"birth_date": "2006-06-02"}, as_of=AS_OF).outcome is Outcome.NOT_ELIGIBLE
    )
    assert criteria.assess({"birth_date": "2006-06-01"}, as_of=AS_OF).outcome is Outcome.ELIGIBLE
    assert criteria.assess({}, as_of=AS_OF).missing == ("birth_date",)


def test_the_typical_criteria_agree_with_the_hand_written_rule():
    facts = typical_facts()
    assert evaluate(typical_rule(), facts) is hand_written(facts) is True
    result = compile_criteria(typical_criteria()).assess(facts, as_of=str(facts["as_of"]))
    assert result.outcome is Outcome.ELIGIBLE


def test_explain_labels_clauses_by_pointer_and_describes_the_rest():
    rule = {"and": [{">=": [{"var": "age"}, 18]}, {"in": [{"var": "county"}, ["Kern", "Fresno"]]}]}
    reasons = explain(rule, {"age": 17}, labels={"/and/0": "Member is 18 or older"})
    assert [r.criterion_id for r in reasons] == ["/and/0", "/and/1"]
    assert reasons[0].text == "Member is 18 or older: not met (age: 17)"
    assert reasons[1].text == "county is one of Kern or Fresno: undetermined — missing: county"
    assert reasons[1].label == "county is one of Kern or Fresno"


def test_explain_treats_a_rule_that_is_not_an_and_as_one_clause():
    (reason,) = explain({"<": [0, {"var": "n"}, 10]}, {"n": 3})
    assert (reason.criterion_id, reason.status, reason.text) == (
        "/",
        Status.HELD,
        "n is more than 0 and less than 10: met (n: 3)",
    )


def test_unmet_lists_only_the_criteria_that_did_not_hold():
    result = CRITERIA.assess({"age": 17}, as_of=AS_OF)
    assert [(r.criterion_id, r.status) for r in result.unmet] == [
        ("adult", Status.FAILED),
        ("discharged", Status.UNDETERMINED),
    ]
    eligible = CRITERIA.assess({"age": 30, "discharge": {"date": "2024-05-20"}}, as_of=AS_OF)
    assert eligible.unmet == ()
