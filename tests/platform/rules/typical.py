"""A typical Community Supports criteria set, its facts, and the same test written by hand.

Used by the rule tests to compare the compiled engine with plain Python on equal terms.
"""

from __future__ import annotations

from lieu.platform.rules.dates import within_days
from lieu.platform.rules.eligibility import Criterion

COUNTIES = ("Alameda", "Fresno", "Kern", "Los Angeles", "Sacramento")
_COUNTY_SET = frozenset(COUNTIES)


def typical_criteria() -> tuple[Criterion, ...]:
    """Five criteria of the kind a recuperative-care definition has."""
    return (
        Criterion("adult", "Member is 18 or older", {">=": [{"var": "age"}, 18]}),
        Criterion(
            "county",
            "Member lives in a participating county",
            {"in": [{"var": "county"}, list(COUNTIES)]},
        ),
        Criterion(
            "housing",
            "Member is experiencing homelessness",
            {"==": [{"var": "housing_status"}, "homeless"]},
        ),
        Criterion("income", "Monthly income is at most $2,000", {"<=": [{"var": "income"}, 2000]}),
        Criterion(
            "discharge",
            "Discharged from hospital within the last 30 days",
            {"within_days": [{"var": "discharge.date"}, 30, {"var": "as_of"}]},
        ),
    )


def typical_rule() -> dict[str, object]:
    """The criteria as one JsonLogic rule (their AND)."""
    return {"and": [criterion.rule for criterion in typical_criteria()]}


def typical_facts() -> dict[str, object]:
    """Facts of a member who meets every typical criterion on 2024-06-01."""
    return {
        "age": 42,
        "county": "Kern",
        "housing_status": "homeless",
        "income": 1500,
        "discharge": {"date": "2024-05-20"},
        "as_of": "2024-06-01",
    }


def hand_written(facts: dict[str, object]) -> bool:
    """``typical_rule`` written directly in Python, trusting the facts' types."""
    discharge = facts["discharge"]
    assert isinstance(discharge, dict)
    return (
        facts["age"] >= 18  # type: ignore[operator]
        and facts["county"] in _COUNTY_SET
        and facts["housing_status"] == "homeless"
        and facts["income"] <= 2000  # type: ignore[operator]
        and within_days(discharge["date"], 30, facts["as_of"])
    )
