"""A member's eligibility for a definition, explained in the words a provider reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.eligibility import Outcome, assess_member, fact_wording
from lieu.platform.definitions.library import Library
from lieu.platform.members.facts import load_vocabulary, member_facts_schema
from lieu.platform.rules.facts import Condition

ON = date(2026, 3, 2)


def test_reasons_name_facts_by_their_labels_and_say_dates_and_codes_in_words(
    library: Library,
) -> None:
    definition = library.in_force("dhcs", "short-term-post-hospitalization-housing", ON)
    reason = assess_member(definition, member_facts("sam"), ON).reasons[0]
    assert reason.text == (
        "Leaving recuperative care, a hospital, residential treatment, a correctional facility "
        "or a nursing facility in the last 30 days: not met (discharge setting: inpatient "
        "hospital; discharge date: 18 July 2025; date of service: 2 March 2026)"
    )


def test_lists_of_supports_are_said_by_their_names(library: Library) -> None:
    definition = library.in_force("demo-plan", "housing-deposits", ON)
    facts = member_facts({"base": "leon", "services": {"current": ["respite", "housing-deposits"]}})
    reason = assess_member(definition, facts, ON).reasons[0]
    assert reason.text == (
        "Currently receiving Housing Transition Navigation Services: not met (Community Supports "
        "received now: Respite Services and Housing Deposits)"
    )


def test_each_reason_carries_the_tests_it_makes_for_machines(library: Library) -> None:
    definition = library.in_force("dhcs", "respite", ON)
    reason = assess_member(definition, member_facts("ana"), ON).reasons[0]
    assert Condition("birth_date", "<", (21,), "age_at") in reason.conditions
    assert Condition("enrollments", "contains", ("ccs",)) in reason.conditions
    assert reason.values_seen["birth_date"] == "1945-03-08"


def test_every_declared_fact_has_a_title_to_be_named_by() -> None:
    def untitled(node: dict[str, Any], prefix: str = "") -> list[str]:
        found = []
        for name, child in node.get("properties", {}).items():
            if name.startswith("$") or name == "member_id":
                continue
            if not child.get("title"):
                found.append(prefix + name)
            found += untitled(child, f"{prefix}{name}.")
        return found

    assert untitled(dict(member_facts_schema())) == []
    wording = fact_wording()
    assert wording["recent_discharge.date"].label == "discharge date"
    assert wording["as_of"].label == "date of service"
    assert len(wording) == len(load_vocabulary().facts)


def test_the_dhcs_respite_baseline_asks_a_36_year_old_only_about_caregiving(
    library: Library,
) -> None:
    respite = library.in_force("dhcs", "respite", date(2026, 3, 2))
    adult = assess_member(respite, {"birth_date": "1990-01-01"}, date(2026, 3, 2))
    child = assess_member(respite, {"birth_date": "2016-01-01"}, date(2026, 3, 2))
    assert adult.outcome is Outcome.UNDETERMINED
    assert "history.foster_care" not in adult.missing
    assert "enrollments" not in adult.missing
    assert "history.foster_care" in child.missing
