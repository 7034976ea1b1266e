"""Every definition's plain-language cases hold: member facts on a date → outcome and reasons."""

from __future__ import annotations

from datetime import date

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


V2_FROM = date(2027, 1, 1)
CORRECTING = [case for case in CASES if case.corrects is not None and case.as_of >= V2_FROM]
AUDITED = (
    "housing-transition-navigation", "housing-deposits", "housing-tenancy-sustaining",
    "short-term-post-hospitalization-housing", "recuperative-care", "medically-tailored-meals",
    "alf-transitions", "personal-care-homemaker", "transitional-rent", "sobering-centers",
)  # fmt: skip


def _before_v2(library: Library) -> Library:
    """The library as it was: without the versions in force from 2027-01-01."""
    kept = {ref: d for ref, d in library.definitions.items() if d.effective_from < V2_FROM}
    return Library(kept)


@pytest.mark.parametrize("case", CORRECTING, ids=[case.id for case in CORRECTING])
def test_a_case_showing_a_v2_correction_fails_under_v1(case: Case, library: Library) -> None:
    assert run_case(case, library).mismatches == ()
    assert run_case(case, _before_v2(library)).mismatches, f"{case.id} passes under v1 too"


def test_every_audited_baseline_has_a_v2_case_that_fails_under_v1_and_v1_still_answers(
    library: Library,
) -> None:
    for support in AUDITED:
        shown = [case for case in CORRECTING if (case.plan, case.support) == ("dhcs", support)]
        assert shown, f"no case `corrects:` an item of {support}"
        versions = [d.version for d in library.versions("dhcs", support)]
        assert versions == [1, 2], support
        assert library.in_force("dhcs", support, date(2026, 12, 31)).version == 1
        assert library.in_force("dhcs", support, V2_FROM).version == 2


def test_every_demo_plan_definition_moves_to_the_v2_baselines_on_the_same_day(
    library: Library,
) -> None:
    for definition in library.definitions.values():
        if definition.plan != "demo-plan":
            continue
        assert definition.extends is not None
        before = library.in_force("demo-plan", definition.support, date(2026, 12, 31))
        after = library.in_force("demo-plan", definition.support, V2_FROM)
        assert (before.version, after.version) == (1, 2), definition.support
        assert after.criteria[
            : len(library.in_force("dhcs", definition.support, V2_FROM).criteria)
        ] == (library.in_force("dhcs", definition.support, V2_FROM).criteria)
