"""A plan definition narrows its baseline: criteria ANDed, limits lowered, steps added."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lieu.platform.definitions.document import DefinitionRef
from lieu.platform.definitions.inheritance import InheritanceError, effective, limit_specs
from lieu.platform.definitions.library import Library
from lieu.platform.definitions.limits import Measure, WindowKind
from lieu.platform.definitions.steps import StepKind

DHCS = DefinitionRef("dhcs", "recuperative-care", 1)


def test_plan_criteria_are_added_to_the_baseline_criteria(library: Library) -> None:
    combined = library.in_force("demo-plan", "recuperative-care", date(2026, 3, 2))
    assert [c.id for c in combined.criteria] == [
        "housing-instability",
        "medical-need",
        "skilled-need",
    ]


def test_the_demo_plan_adds_a_14_day_presumptive_step_before_review(library: Library) -> None:
    combined = library.in_force("demo-plan", "recuperative-care", date(2026, 3, 2))
    assert combined.authorization is not None
    kinds = combined.authorization.kinds()
    assert kinds.index(StepKind.PRESUMPTIVE) < kinds.index(StepKind.REVIEW)
    assert combined.authorization.steps[2].days == 14


def test_a_lower_plan_limit_replaces_the_baseline_one_and_new_limits_are_added(
    library: Library,
) -> None:
    deposits = library.in_force("demo-plan", "housing-deposits", date(2026, 3, 2))
    by_id = {limit.id: limit for limit in limit_specs(deposits)}
    assert by_id["deposits-once-per-lifetime"].maximum == 1
    assert by_id["deposits-lifetime-dollars"].maximum == 5000
    assert by_id["deposits-lifetime-dollars"].measure is Measure.DOLLARS
    meals = library.in_force("demo-plan", "medically-tailored-meals", date(2026, 3, 2))
    assert [limit.maximum for limit in meals.limits] == [84]


def test_limits_are_never_raised_by_combining(library: Library) -> None:
    baseline = library.definitions[DefinitionRef("dhcs", "respite", 1)]
    looser = replace(baseline.limits[0], maximum=500)
    plan = replace(
        baseline, plan="p", extends=baseline.ref, criteria=(), limits=(looser,), authorization=None
    )
    assert [limit.maximum for limit in effective(baseline, plan).limits] == [336]


def test_the_shared_six_months_in_twelve_pool_has_one_counter(library: Library) -> None:
    pooled = [
        limit
        for support in (
            "recuperative-care",
            "short-term-post-hospitalization-housing",
            "transitional-rent",
        )
        for limit in library.in_force("dhcs", support, date(2026, 3, 2)).limits
        if limit.counter == "rc-stphh-tr-6-in-12"
    ]
    assert len(pooled) == 3
    assert {(p.maximum, p.window.kind, p.window.days) for p in pooled} == {
        (180, WindowKind.ROLLING_DAYS, 365)
    }


def test_combining_with_the_wrong_baseline_is_refused(library: Library) -> None:
    plan = library.definitions[DefinitionRef("demo-plan", "recuperative-care", 1)]
    with pytest.raises(InheritanceError, match="extends dhcs/recuperative-care/v1"):
        effective(library.definitions[DefinitionRef("dhcs", "respite", 1)], plan)
