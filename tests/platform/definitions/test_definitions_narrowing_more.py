"""Narrowing that means what it says (issue #10, points 4-6): a plan's pricing bills only the
baseline's codes at rates inside its guidance; a mandated population cannot be narrowed; a
plan's duplication rules add to its baseline's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.eligibility import assess_member
from lieu.platform.definitions.inheritance import effective
from lieu.platform.definitions.validation import validate_document

DEFINITIONS = Path(__file__).resolve().parents[3] / "benefit_definitions"


def baseline(support: str, version: int = 2) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (DEFINITIONS / "dhcs" / support / f"v{version}.json").read_text()
    )
    return document


def plan_of(base: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {
        "plan": "demo-plan",
        "support": base["support"],
        "version": 1,
        "title": base["title"],
        "extends": {"plan": "dhcs", "support": base["support"], "version": base["version"]},
        "effective_from": base["effective_from"],
        "reference": "a plan's policy",
        "status": "draft",
        **parts,
    }


def problems(base: dict[str, Any], plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    parsed = parse_definition(base)
    found = validate_document(plan, baselines={parsed.ref: parsed}).problems
    return [(p.pointer, p.code, p.severity.value) for p in found]


def pricing(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**json.loads(json.dumps(base["pricing"])), **changes}


def test_a_sobering_plan_billing_another_code_at_five_thousand_dollars_does_not_validate() -> None:
    base = baseline("sobering-centers")
    wrong = pricing(base, codes=[{"hcpcs": "T2033", "modifiers": ["U6"], "label": "x"}])
    assert problems(base, plan_of(base, pricing=wrong)) == [
        ("/pricing/codes/0", "widens-baseline-code", "error")
    ]
    parsed = parse_definition(base)
    message = (
        validate_document(plan_of(base, pricing=wrong), baselines={parsed.ref: parsed})
        .problems[0]
        .message
    )
    assert message.startswith("T2033-U6 is not one of the baseline's codes (H0014-U6)")
    # the baseline's code, with fewer modifiers than it: still not the baseline's
    bare = pricing(base, codes=[{"hcpcs": "H0014", "modifiers": [], "label": "x"}])
    assert problems(base, plan_of(base, pricing=bare))[0][1] == "widens-baseline-code"
    assert problems(base, plan_of(base, pricing=pricing(base))) == []


def test_a_contracted_rate_outside_the_baseline_guidance_range_does_not_validate() -> None:
    base = baseline("short-term-post-hospitalization-housing")  # $97-$119 per day
    assert problems(base, plan_of(base, pricing=pricing(base, rate=5000))) == [
        ("/pricing/rate", "rate-outside-guidance", "warning"),
        ("/pricing/rate", "rate-outside-baseline-guidance", "error"),
    ]
    assert problems(base, plan_of(base, pricing=pricing(base, rate=105))) == []
    wider = dict(base["pricing"]["guidance"], low=50)
    assert problems(base, plan_of(base, pricing=pricing(base, guidance=wider))) == [
        ("/pricing/guidance", "widens-baseline-guidance", "error")
    ]


def test_a_plan_may_lower_a_baseline_cost_cap_but_not_raise_or_drop_it() -> None:
    base = baseline("community-home-transition")  # cost-based, capped at $7,500
    assert problems(base, plan_of(base, pricing=pricing(base, cap=9000))) == [
        ("/pricing/cap", "widens-baseline-cap", "error")
    ]
    assert problems(base, plan_of(base, pricing=pricing(base, cap=None))) == [
        ("/pricing/cap", "widens-baseline-cap", "error")
    ]
    assert problems(base, plan_of(base, pricing=pricing(base, cap=5000))) == []


SUBSIDY = {
    "id": "long-term-subsidy",
    "label": "A long-term funding source is named",
    "rule": {"==": [{"var": "housing.long_term_subsidy_identified"}, True]},
    "reference": "a plan's policy",
}


def test_a_plan_criterion_on_a_mandated_support_applies_only_outside_the_mandated_population() -> (
    None
):
    base = baseline("transitional-rent")
    plan = plan_of(base, eligibility={"criteria": [SUBSIDY]})
    assert problems(base, plan) == [
        ("/eligibility/criteria/0", "narrows-mandatory-population", "warning")
    ]
    rules = effective(parse_definition(base), parse_definition(plan))
    on = date(2027, 1, 11)
    unsheltered = {"status": "unsheltered", "homeless": True}
    # Dana meets SMHS criteria: mandated, so the plan's criterion cannot refuse her
    dana = member_facts(
        {"base": "dana", "housing": {**unsheltered, "long_term_subsidy_identified": False}}
    )
    assert assess_member(rules, dana, on).outcome.value == "eligible"
    # Ray is in an optional clinical-risk group only: the plan's criterion applies to him
    ray = member_facts({"base": "ray", "housing": {"long_term_subsidy_identified": False}})
    outcome = assess_member(rules, ray, on)
    assert outcome.outcome.value == "not_eligible"
    # written as population OR rule, the criterion says so itself: no warning, the same answer
    spared = {**SUBSIDY, "rule": {"or": [base["mandatory"]["population"], SUBSIDY["rule"]]}}
    said = plan_of(base, eligibility={"criteria": [spared]})
    assert problems(base, said) == []
    as_said = effective(parse_definition(base), parse_definition(said))
    assert assess_member(as_said, dana, on).outcome.value == "eligible"
    assert assess_member(as_said, ray, on).outcome.value == "not_eligible"
    # a plan cannot declare a mandate of its own
    own = plan_of(base, mandatory=base["mandatory"])
    assert ("/mandatory", "mandatory-in-plan", "error") in problems(base, own)


def test_a_plans_duplication_rules_add_to_the_baselines_and_name_another_support() -> None:
    base = baseline("medically-tailored-meals")
    again = {**base["duplication"][0]}  # the baseline's own id
    itself = {
        "id": "not-twice",
        "support": "medically-tailored-meals",
        "reason": "r",
        "reference": "x",
    }
    plan = plan_of(base, duplication=[again, itself, {**itself, "support": "respite"}])
    assert problems(base, plan) == [
        ("/duplication/1/support", "duplication-self", "error"),
        ("/duplication/2/id", "duplicate-duplication-id", "error"),
        ("/duplication/0/id", "duplicate-duplication-id", "error"),
    ]
    hospice = {"id": "not-in-hospice", "program": "hospice", "reason": "r", "reference": "x"}
    merged = effective(
        parse_definition(base), parse_definition(plan_of(base, duplication=[hospice]))
    )
    assert [(r.id, r.other) for r in merged.duplication] == [
        ("meals-during-recuperative-care", "recuperative-care"),
        ("not-in-hospice", "hospice"),
    ]
    # a rule names a support or a program, one of the two: the schema says so at the rule
    neither = plan_of(base, duplication=[{"id": "x", "reason": "r", "reference": "x"}])
    assert problems(base, neither) == [("/duplication/0", "duplication-names-one", "error")]
    both = plan_of(base, duplication=[{**hospice, "support": "respite"}])
    assert problems(base, both) == [("/duplication/0", "duplication-names-one", "error")]
    unknown = plan_of(base, duplication=[{**hospice, "program": "medicare_part_z"}])
    assert problems(base, unknown) == [("/duplication/0/program", "schema-enum", "error")]
