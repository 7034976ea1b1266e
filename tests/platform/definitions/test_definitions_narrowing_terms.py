"""A plan may not widen the lifecycle terms it inherits: late reports and retroactive days."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.narrowing import narrowing_problems

DEFINITIONS = Path(__file__).resolve().parents[3] / "benefit_definitions"


def _documents(support: str) -> tuple[dict[str, Any], dict[str, Any]]:
    base = json.loads((DEFINITIONS / "dhcs" / support / "v1.json").read_text())
    plan = {
        **base,
        "plan": "demo-plan",
        "extends": {"plan": "dhcs", "support": support, "version": 1},
        "authorization": json.loads(json.dumps(base["authorization"])),
        "eligibility": {"criteria": []},  # the baseline's criteria apply; the plan adds none
    }
    return base, plan


def codes(base: dict[str, Any], plan: dict[str, Any]) -> list[tuple[str, str]]:
    problems = narrowing_problems(parse_definition(plan), parse_definition(base))
    return [(p.pointer, p.code) for p in problems]


def test_a_longer_window_for_late_reports_widens_the_baseline() -> None:
    base, plan = _documents("respite")
    plan["authorization"]["reports_close_after_days"] = 120  # the baseline's default is 90
    assert codes(base, plan) == [
        ("/authorization/reports_close_after_days", "widens-baseline-reports")
    ]
    plan["authorization"]["reports_close_after_days"] = 30
    assert codes(base, plan) == []


def test_more_retroactive_days_than_the_baseline_allows_widen_it() -> None:
    base, plan = _documents("sobering-centers")
    base["authorization"]["retroactive"] = {"allowed": True, "max_days": 30}
    plan["authorization"]["retroactive"] = {"allowed": True, "max_days": 60}
    assert codes(base, plan) == [
        ("/authorization/retroactive/max_days", "widens-baseline-retroactive")
    ]
    plan["authorization"]["retroactive"] = {"allowed": True, "max_days": 10}
    assert codes(base, plan) == []


def _on_v2(support: str) -> tuple[dict[str, Any], dict[str, Any]]:
    base, plan = _documents(support)
    base = json.loads((DEFINITIONS / "dhcs" / support / "v2.json").read_text())
    plan.update(version=2, effective_from=base["effective_from"])
    plan["extends"] = {"plan": "dhcs", "support": support, "version": 2}
    plan["authorization"] = json.loads(json.dumps(base["authorization"]))
    del plan["authorization"]["plan_defaults"]
    return base, plan


def test_a_plan_may_authorize_longer_than_a_baseline_period_that_is_only_a_plan_default() -> None:
    base, plan = _on_v2("respite")
    assert "period_days" in base["authorization"]["plan_defaults"]
    plan["authorization"]["period_days"] = base["authorization"]["period_days"] + 180
    plan["authorization"]["retroactive"] = {"allowed": True, "max_days": 30}
    assert codes(base, plan) == []


def test_a_period_the_baseline_does_not_mark_as_a_plan_default_still_binds() -> None:
    base, plan = _on_v2("respite")
    base["authorization"]["plan_defaults"] = ["reauthorization"]  # the period is a DHCS rule here
    plan["authorization"]["period_days"] = base["authorization"]["period_days"] + 180
    plan["authorization"]["retroactive"] = {"allowed": True, "max_days": 30}
    assert codes(base, plan) == [
        ("/authorization/period_days", "widens-baseline-period"),
        ("/authorization/retroactive/allowed", "widens-baseline-retroactive"),
    ]


def test_every_v2_baseline_marks_the_terms_dhcs_is_silent_on_as_plan_defaults() -> None:
    for path in sorted(DEFINITIONS.glob("dhcs/*/v2.json")):
        authorization = json.loads(path.read_text())["authorization"]
        assert "retroactive" in authorization["plan_defaults"], path
        assert "plan defaults" in authorization["reference"], path
