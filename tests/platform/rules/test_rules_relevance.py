"""Missing facts are listed only when some value of them could change the answer."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from lieu.platform.rules.eligibility import Criterion, Outcome, compile_criteria
from lieu.platform.rules.errors import EvaluationError, RuleError
from lieu.platform.rules.facts import tree_reads
from lieu.platform.rules.relevance import rebuild
from lieu.platform.rules.syntax import parse
from tests.platform.rules.test_rules_kleene import AS_OF, facts, rules

CHILD_OR_CAREGIVER = Criterion(
    "caregiver-or-child",
    "Depends on a caregiver, or is a child with a foster-care history",
    {
        "or": [
            {"==": [{"var": "caregiver.dependent"}, True]},
            {
                "and": [
                    {"<": [{"age_at": [{"var": "birth_date"}, {"var": "as_of"}]}, 21]},
                    {"==": [{"var": "history.foster_care"}, True]},
                ]
            },
        ]
    },
)


def test_a_36_year_old_is_not_asked_for_a_foster_care_history_that_cannot_change_the_answer() -> (
    None
):
    found = compile_criteria([CHILD_OR_CAREGIVER]).assess(
        {"birth_date": "1990-05-01"}, as_of="2026-12-01"
    )
    assert found.outcome is Outcome.UNDETERMINED
    assert found.missing == ("caregiver.dependent",)
    (reason,) = found.unmet
    assert reason.missing == ("caregiver.dependent",)
    assert reason.text.endswith("missing: caregiver.dependent")


def test_a_child_is_asked_for_the_foster_care_history_because_it_could_make_them_eligible() -> None:
    found = compile_criteria([CHILD_OR_CAREGIVER]).assess(
        {"birth_date": "2016-05-01"}, as_of="2026-12-01"
    )
    assert found.missing == ("caregiver.dependent", "history.foster_care")
    assert (
        compile_criteria([CHILD_OR_CAREGIVER])
        .assess({"birth_date": "2016-05-01", "history": {"foster_care": True}}, as_of="2026-12-01")
        .outcome
        is Outcome.ELIGIBLE
    )


def test_an_unknown_age_keeps_both_branches_open() -> None:
    found = compile_criteria([CHILD_OR_CAREGIVER]).assess({}, as_of="2026-12-01")
    assert set(found.missing) == {"caregiver.dependent", "birth_date", "history.foster_care"}


def test_a_settled_if_condition_asks_only_for_the_branch_it_picks() -> None:
    rule = {"if": [{"==": [{"var": "kind"}, "a"]}, {"var": "x"}, {"var": "y"}]}
    criteria = compile_criteria([Criterion("c", "C", rule)])
    assert criteria.assess({"kind": "a"}, as_of=AS_OF).missing == ("x",)
    assert criteria.assess({"kind": "b"}, as_of=AS_OF).missing == ("y",)
    assert criteria.assess({}, as_of=AS_OF).missing == ("kind", "x", "y")


def test_rebuilt_facts_keep_known_values_and_never_change_the_members_own() -> None:
    own = {"x": 1}
    data = rebuild({"o": own, "o.x": 1, "p.q": "v", "p.r": None, "as_of": AS_OF})
    assert data == {"o": {"x": 1}, "p": {"q": "v"}, "as_of": AS_OF}
    assert data["o"] is own and own == {"x": 1}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules(3), data=facts, fill=facts, other=facts)
def test_a_top_level_fact_left_unlisted_never_changes_the_outcome_whatever_its_value(
    rules: object, data: dict[str, Any], fill: dict[str, Any], other: dict[str, Any]
) -> None:
    try:
        criteria = compile_criteria([Criterion("c", "C", rules)])
        before = criteria.assess(data, as_of=AS_OF)
        read = {path for path in tree_reads(parse(rules)) if "." not in path and path != "as_of"}
        unlisted = {p for p in read if data.get(p) is None and p not in before.missing}
        if before.outcome is Outcome.ELIGIBLE or not unlisted:
            return
        filled = {**data, **{k: v for k, v in fill.items() if data.get(k) is None}}
        changed = {**filled, **{k: other.get(k) for k in unlisted}}
        one = criteria.assess(filled, as_of=AS_OF).outcome
        two = criteria.assess(changed, as_of=AS_OF).outcome
    except (RuleError, EvaluationError):
        return
    assert one is two, (rules, data, unlisted, filled, changed)
