"""The diff between two versions reads as business language."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lieu.platform.definitions.diff import DifferentSupports, diff_definitions
from lieu.platform.definitions.document import DefinitionRef
from lieu.platform.definitions.library import Library
from lieu.platform.definitions.steps import Step, StepKind


def test_a_lowered_dollar_cap_reads_as_a_sentence_with_its_effective_date(
    library: Library,
) -> None:
    v1 = library.definitions[DefinitionRef("demo-plan", "housing-deposits", 1)]
    lower = tuple(
        replace(lim, maximum=3000) if lim.measure == "dollars" else lim for lim in v1.limits
    )
    v2 = replace(v1, version=2, effective_from=date(2026, 7, 1), limits=lower)
    assert diff_definitions(v1, v2) == [
        "Housing Deposits: lifetime cap lowered from $5,000 to $3,000, effective 2026-07-01"
    ]


def test_criteria_added_and_removed_are_named_by_their_labels(library: Library) -> None:
    baseline = library.definitions[DefinitionRef("dhcs", "recuperative-care", 1)]
    plan = library.definitions[DefinitionRef("demo-plan", "recuperative-care", 1)]
    v2 = replace(baseline, criteria=baseline.criteria[:1] + plan.criteria)
    lines = diff_definitions(baseline, v2)
    assert any("criterion added: Has a skilled need" in line for line in lines)
    assert any("criterion removed: Recovering from a hospital stay" in line for line in lines)


def test_steps_and_rates_appear_in_the_diff(library: Library) -> None:
    baseline = library.definitions[DefinitionRef("dhcs", "recuperative-care", 1)]
    assert baseline.authorization is not None and baseline.pricing is not None
    steps = baseline.authorization.steps
    presumptive = Step(StepKind.PRESUMPTIVE, days=14)
    v2 = replace(
        baseline,
        authorization=replace(baseline.authorization, steps=(*steps[:2], presumptive, *steps[2:])),
        pricing=replace(baseline.pricing, rate=180.0),
    )
    lines = diff_definitions(baseline, v2)
    assert (
        "Recuperative Care (Medical Respite): step added: presumptive authorization for "
        "14 days, effective 2022-01-01" in lines
    )
    assert any("contracted rate set to $180" in line for line in lines)


def test_identical_versions_have_no_changes(library: Library) -> None:
    v1 = library.definitions[DefinitionRef("dhcs", "respite", 1)]
    assert diff_definitions(v1, v1) == ["Respite Services: no changes"]


def test_a_plan_version_against_its_baseline_lists_only_what_it_narrows(library: Library) -> None:
    baseline = library.definitions[DefinitionRef("dhcs", "recuperative-care", 1)]
    plan = library.in_force("demo-plan", "recuperative-care", date(2026, 3, 2))
    assert diff_definitions(baseline, plan) == [
        "Recuperative Care (Medical Respite): criterion added: Has a skilled need after discharge "
        "(wound care, IV antibiotics, or PT/OT/speech therapy), effective 2026-01-01",
        "Recuperative Care (Medical Respite): step added: presumptive authorization for 14 days, "
        "effective 2026-01-01",
        "Recuperative Care (Medical Respite): contracted rate set to $175, effective 2026-01-01",
    ]


def test_versions_of_two_supports_are_not_compared(library: Library) -> None:
    respite = library.definitions[DefinitionRef("dhcs", "respite", 1)]
    asthma = library.definitions[DefinitionRef("dhcs", "asthma-remediation", 1)]
    with pytest.raises(DifferentSupports, match="compare two versions of one support"):
        diff_definitions(respite, asthma)


def test_the_v2_baseline_reads_its_corrections_and_its_plan_defaults(library: Library) -> None:
    v1 = library.definitions[DefinitionRef("dhcs", "recuperative-care", 1)]
    v2 = library.definitions[DefinitionRef("dhcs", "recuperative-care", 2)]
    changes = diff_definitions(v1, v2)
    assert (
        "Recuperative Care (Medical Respite): criterion added: Experiencing homelessness or "
        "unstable living conditions, or living alone without formal support, effective 2027-01-01"
    ) in changes
    assert (
        "Recuperative Care (Medical Respite): plan defaults (terms a plan may set either way, not "
        "DHCS rules): period days, reauthorization, retroactive, effective 2027-01-01"
    ) in changes
