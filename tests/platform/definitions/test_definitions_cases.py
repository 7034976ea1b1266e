"""Every definition's plain-language cases hold: member facts on a date → outcome and reasons."""

from __future__ import annotations

import pytest

from lieu.platform.definitions.cases import Case, case_files, load_cases, run_case
from lieu.platform.definitions.library import Library
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.members.facts import DEFINITIONS_ROOT, member_problems

CASES = [case for path in case_files() for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case_outcome_and_reasons_are_as_written(case: Case, library: Library) -> None:
    result = run_case(case, library)
    assert not result.mismatches, "; ".join(result.mismatches)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case_members_are_valid_member_facts(case: Case) -> None:
    assert member_problems(dict(case.member)) == []


def test_every_one_of_the_fifteen_supports_has_a_dhcs_baseline_with_cases() -> None:
    for support in SUPPORTS:
        assert (DEFINITIONS_ROOT / "dhcs" / support / "v1.json").is_file(), support
        assert list((DEFINITIONS_ROOT / "dhcs" / support / "cases").glob("*.yaml")), support


def test_every_demo_plan_definition_has_cases() -> None:
    for definition in (DEFINITIONS_ROOT / "demo-plan").glob("*/v1.json"):
        assert list((definition.parent / "cases").glob("*.yaml")), definition


def test_a_missing_fact_gives_undetermined_never_eligible(library: Library) -> None:
    from datetime import date

    from lieu.platform.definitions.eligibility import Outcome, assess_member

    for support in SUPPORTS:
        definition = library.in_force("dhcs", support, date(2026, 3, 2))
        assert assess_member(definition, {}, date(2026, 3, 2)).outcome is Outcome.UNDETERMINED


def test_a_plan_definition_is_not_in_force_before_its_effective_date(library: Library) -> None:
    from datetime import date

    from lieu.platform.definitions.library import NotInForce

    with pytest.raises(NotInForce, match="demo-plan"):
        library.in_force("demo-plan", "asthma-remediation", date(2025, 12, 31))
    assert library.in_force("dhcs", "asthma-remediation", date(2025, 12, 31)).plan == "dhcs"
