"""Validation finds every problem at once, with a code, a JSON pointer and a way to fix it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieu.platform.definitions import schema
from lieu.platform.definitions.library import Library
from lieu.platform.definitions.loading import load_files
from lieu.platform.definitions.problems import Problem, Severity, errors
from lieu.platform.definitions.schema import schema_problems
from lieu.platform.definitions.validation import validate_document
from lieu.platform.members.facts import DEFINITIONS_ROOT, load_vocabulary

BROKEN = Path(__file__).parent / "broken"
BROKEN_POINTERS = {
    "deadline-over-ceiling": "/authorization/steps/2/deadlines/standard",
    "advance-notice-too-short": "/authorization/steps/2/advance_notice_days",
    "duplicate-criterion-id": "/eligibility/criteria/1/id",
    "duplicate-limit-id": "/limits/1/id",
    "dynamic-fact-path": "/eligibility/criteria/1/rule",
    "effective-before-baseline": "/effective_from",
    "effective-date-backwards": "/effective_from",
    "effective-date-overlap": "/effective_from",
    "exception-not-allowed": "/limits/0/exception",
    "extends-non-baseline": "/extends/plan",
    "extends-other-support": "/extends/support",
    "json-invalid": "",
    "limit-check-missing": "/authorization/steps",
    "limit-negative": "/limits/0/maximum",
    "limit-unreachable": "/limits/0/maximum",
    "limit-pool-missing-support": "/limits/0/pool_supports",
    "limit-unknown-support": "/limits/0/pool_supports/2",
    "presumptive-without-review": "/authorization/steps/2",
    "pricing-cap-without-cost-basis": "/pricing/cap",
    "pricing-guidance-order": "/pricing/guidance",
    "rate-outside-guidance": "/pricing/rate",
    "rule-malformed": "/eligibility/criteria/1/rule",
    "schema-baseline-extends": "/extends",
    "schema-enum": "/support",
    "schema-format": "/effective_from",
    "schema-pattern": "/pricing/codes/0/hcpcs",
    "schema-required": "/title",
    "schema-type": "/version",
    "schema-unknown-property": "",
    "step-duplicate": "/authorization/steps/3",
    "step-order": "/authorization/steps/0",
    "type-mismatch": "/eligibility/criteria/0/rule/or/0/==/1",
    "undeclared-fact": "/eligibility/criteria/0/rule/or/0/==/0",
    "unknown-baseline": "/extends",
    "unknown-operator": "/eligibility/criteria/0/rule",
    "widens-baseline-exception": "/limits/0/exception/allowed",
    "widens-baseline-limit": "/limits/1/maximum",
    "widens-baseline-measure": "/limits/0/measure",
    "widens-baseline-period": "/authorization/period_days",
    "widens-baseline-retroactive": "/authorization/retroactive/allowed",
    "widens-baseline-step-dropped": "/authorization/steps",
    "widens-baseline-window": "/limits/0/window",
}


def test_the_shipped_definitions_have_no_problems_at_all() -> None:
    sources = load_files([DEFINITIONS_ROOT])
    assert len(sources) == 40
    assert [(s.path, p) for s in sources for p in s.validated.problems] == []


def test_each_broken_fixture_is_named_after_a_known_code() -> None:
    assert sorted(p.stem for p in BROKEN.glob("*.json")) == sorted(BROKEN_POINTERS)


@pytest.mark.parametrize("code", sorted(BROKEN_POINTERS))
def test_broken_fixture_fails_with_its_code_at_its_pointer(code: str) -> None:
    (source,) = load_files([BROKEN / f"{code}.json"])
    found = {(p.code, p.pointer) for p in source.validated.problems}
    assert (code, BROKEN_POINTERS[code]) in found, found
    assert all(p.message.strip() for p in source.validated.problems)


def test_rates_outside_the_guidance_range_are_warnings_not_errors() -> None:
    (source,) = load_files([BROKEN / "rate-outside-guidance.json"])
    assert [p.severity for p in source.validated.problems] == [Severity.WARNING]
    assert errors(source.validated.problems) == []


def test_a_rule_reading_an_undeclared_fact_suggests_the_declared_one() -> None:
    (source,) = load_files([BROKEN / "undeclared-fact.json"])
    (problem,) = source.validated.problems
    assert "'housing.homeles'" in problem.message
    assert "did you mean 'housing.homeless'?" in problem.message


def test_every_problem_is_reported_at_once() -> None:
    document = json.loads((BROKEN / "limit-negative.json").read_text())
    document["pricing"]["cap"] = 10
    document["eligibility"]["criteria"][0]["rule"] = {"==": [{"var": "caregiver.dependant"}, 1]}
    codes = sorted(p.code for p in validate_document(document).problems)
    assert codes == ["limit-negative", "pricing-cap-without-cost-basis", "undeclared-fact"]


def test_comparing_a_date_fact_by_order_is_a_type_mismatch() -> None:
    document = json.loads((DEFINITIONS_ROOT / "dhcs/day-habilitation/v1.json").read_text())
    rule = {"<": [{"var": "housing.exited_homelessness_on"}, "2024-01-01"]}
    document["eligibility"]["criteria"][0]["rule"] = rule
    (problem,) = validate_document(document).problems
    assert problem.code == "type-mismatch"
    assert "within_days" in problem.message


def test_an_enum_value_not_in_the_vocabulary_is_a_type_mismatch_with_a_suggestion() -> None:
    document = json.loads((DEFINITIONS_ROOT / "dhcs/asthma-remediation/v1.json").read_text())
    document["eligibility"]["criteria"][0]["rule"] = {"in": ["asthmaa", {"var": "conditions"}]}
    (problem,) = validate_document(document).problems
    assert (problem.code, problem.pointer) == (
        "type-mismatch",
        "/eligibility/criteria/0/rule/in/0",
    )
    assert "did you mean 'asthma'?" in problem.message


def test_the_vocabulary_declares_nested_facts_and_the_as_of_date() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.get("housing.homeless") is not None
    assert vocabulary.get("recent_discharge.date").kind == "date"  # type: ignore[union-attr]
    assert vocabulary.get("as_of").kind == "date"  # type: ignore[union-attr]
    assert vocabulary.get("member_id") is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
KEYS = st.sampled_from(
    ["plan", "support", "version", "eligibility", "limits", "authorization", "pricing", "extends"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(junk=JSON)
def test_junk_documents_give_problems_never_exceptions(junk: object) -> None:
    validate_document(junk)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(key=KEYS, value=JSON, rule=JSON)
def test_a_baseline_with_one_junk_field_or_rule_gives_problems_never_exceptions(
    key: str, value: object, rule: object
) -> None:
    document = json.loads((DEFINITIONS_ROOT / "dhcs/recuperative-care/v1.json").read_text())
    document["eligibility"]["criteria"][1]["rule"] = rule
    validate_document(document)
    document[key] = value
    validate_document(document)


def test_every_broken_part_of_one_rule_is_reported_with_the_rest_still_checked() -> None:
    document = json.loads((DEFINITIONS_ROOT / "dhcs/sobering-centers/v1.json").read_text())
    document["eligibility"]["criteria"][0]["rule"] = {
        "and": [
            {"eq": [{"var": "public_intoxication.found"}, True]},
            {"gte": [{"age_at": [{"var": "birth_date"}, {"var": "as_of"}]}, 18]},
            {"==": [{"var": "public_intoxication.foud"}, True]},
            {"==": [1]},
        ]
    }
    found = [(p.code, p.pointer) for p in validate_document(document).problems]
    at = "/eligibility/criteria/0/rule/and"
    assert found == [
        ("unknown-operator", f"{at}/0"),
        ("unknown-operator", f"{at}/1"),
        ("rule-malformed", f"{at}/3/=="),
        ("undeclared-fact", f"{at}/2/==/0"),
    ]
    messages = " ".join(p.message for p in validate_document(document).problems)
    assert "did you mean '=='?" in messages and "did you mean '>='?" in messages


def baseline_limit(support: str) -> dict[str, object]:
    """The first limit of a DHCS baseline, as written."""
    document = json.loads((DEFINITIONS_ROOT / "dhcs" / support / "v1.json").read_text())
    limit: dict[str, object] = document["limits"][0]
    return limit


def test_schema_problems_do_not_hide_rule_limit_and_narrowing_problems(library: Library) -> None:
    document = json.loads((DEFINITIONS_ROOT / "demo-plan/housing-deposits/v1.json").read_text())
    del document["reference"]  # a schema problem
    wider = {**baseline_limit("housing-deposits"), "maximum": 2}  # the DHCS baseline's is 1
    broken = {**document["limits"][0], "window": {"kind": "fortnightly"}}  # a schema problem
    document["limits"] = [broken, wider]
    document["eligibility"] = {
        "criteria": [
            {"id": "a", "label": "A", "rule": {"eq": [{"var": "housing.homeless"}, True]}},
            {"id": "b", "label": "B", "rule": {"==": [{"var": "housing.homeles"}, True]}},
        ]
    }
    baselines = {ref: d for ref, d in library.definitions.items() if d.extends is None}
    found = {(p.code, p.pointer) for p in validate_document(document, baselines=baselines).problems}
    assert found == {
        ("schema-required", "/reference"),
        ("schema-enum", "/limits/0/window/kind"),
        ("schema-required", "/eligibility/criteria/0/reference"),
        ("schema-required", "/eligibility/criteria/1/reference"),
        ("unknown-operator", "/eligibility/criteria/0/rule"),
        ("undeclared-fact", "/eligibility/criteria/1/rule/==/0"),
        ("widens-baseline-limit", "/limits/1/maximum"),
    }


def test_checks_that_depend_on_a_broken_field_wait_for_it_to_be_fixed() -> None:
    document = json.loads((BROKEN / "limit-negative.json").read_text())
    document["support"] = "respit"
    found = {(p.code, p.pointer) for p in validate_document(document).problems}
    assert found == {("schema-enum", "/support"), ("limit-negative", "/limits/0/maximum")}


def test_a_document_validated_again_is_answered_from_memory_until_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[object] = []
    problems_of = schema._problems

    def counting(document: object, path: Path) -> list[Problem]:
        checked.append(document)
        return problems_of(document, path)

    monkeypatch.setattr(schema, "_problems", counting)
    document = json.loads((DEFINITIONS_ROOT / "dhcs/respite/v1.json").read_text())
    document["description"] = f"asked twice ({uuid.uuid4()})"  # no earlier test's answer
    first = schema_problems(document)
    again = schema_problems(document)
    assert first == again == [] and len(checked) == 1
    again.append(Problem("/x", "mine", "a caller's own list"))  # changes nothing remembered
    assert schema_problems(document) == []
    document["version"] = "one"
    changed = schema_problems(document)
    assert [(p.pointer, p.code) for p in changed] == [("/version", "schema-type")]
    assert len(checked) == 2
    document["version"] = float("nan")  # not JSON text: checked as it is, every time
    assert schema_problems(document)[0].pointer == "/version"
    assert schema_problems(document)[0].pointer == "/version"
    assert len(checked) == 4
