"""Values as a provider reads them: yes/no, dates and lists in words, codes by their words."""

from __future__ import annotations

import datetime as dt

import pytest

from lieu.platform.rules.eligibility import Criterion, assess, compile_criteria
from lieu.platform.rules.wording import FactWords, listing, say

SETTING = FactWords("discharge setting", {"inpatient_hospital": "inpatient hospital"})


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (True, "yes"),
        (False, "no"),
        (3, "3"),
        (9.5, "9.5"),
        ("2024-05-20", "20 May 2024"),
        ("2024-05-20T08:30:00Z", "20 May 2024"),
        (dt.date(1945, 3, 8), "8 March 1945"),
        ("Los Angeles", "Los Angeles"),
        ("", "empty"),
        ([], "none"),
        (["asthma"], "asthma"),
        (["asthma", "copd", "hiv"], "asthma, copd and hiv"),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_a_value_is_said_in_words(value: object, said: str) -> None:
    assert say(value) == said


def test_a_code_is_said_by_its_words_and_a_list_of_alternatives_with_or() -> None:
    assert say("inpatient_hospital", SETTING) == "inpatient hospital"
    assert say(["inpatient_hospital", "jail"], SETTING) == "inpatient hospital and jail"
    assert listing(["Kern", "Fresno", "Inyo"], "or") == "Kern, Fresno or Inyo"


def test_a_reason_names_facts_by_their_labels_and_says_their_values_in_words() -> None:
    recent = Criterion(
        "recent",
        "Left a hospital in the last 30 days",
        {
            "and": [
                {"==": [{"var": "discharge.setting"}, "inpatient_hospital"]},
                {"within_days": [{"var": "discharge.date"}, 30, {"var": "as_of"}]},
            ]
        },
    )
    wording = {
        "discharge.setting": SETTING,
        "discharge.date": FactWords("discharge date"),
        "as_of": FactWords("date of service"),
    }
    facts = {"discharge": {"setting": "inpatient_hospital", "date": "2024-03-01"}}
    compiled = compile_criteria([recent], wording)
    (reason,) = compiled.assess(facts, as_of="2024-06-01").reasons
    assert reason.text == (
        "Left a hospital in the last 30 days: not met (discharge setting: inpatient hospital; "
        "discharge date: 1 March 2024; date of service: 1 June 2024)"
    )
    (unknown,) = compiled.assess({}, as_of="2024-06-01").reasons
    assert unknown.text == (
        "Left a hospital in the last 30 days: undetermined — missing: discharge setting and "
        "discharge date"
    )
    assert (
        assess([recent], {}, as_of="2024-06-01")
        .reasons[0]
        .text.endswith("missing: discharge.setting and discharge.date")
    )
