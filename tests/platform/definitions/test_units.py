"""Units reconcile: a request's quantity, a limit's measure and a billing code's unit are declared
and converted explicitly (issue #10, point 2)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lieu.platform.authorizations.lifecycle import reports
from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.units import (
    Conversion,
    UnitError,
    Units,
    add_months,
    billed_in_measure,
    unit_of,
    units_of,
    whole_months,
)
from lieu.platform.definitions.validation import validate_document
from lieu.platform.pricing.terms import BillingCode, Guidance, PaymentModel, Pricing
from tests.platform.authorizations.test_lifecycle_machine import (
    RECUPERATIVE,
    TODAY,
    billed,
    presumptive_run,
)

DHCS = Path(__file__).parents[3] / "benefit_definitions" / "dhcs"

RENT = Units("days", ("months", "days"))
RESPITE = Units(
    "hours",
    ("hours", "days"),
    (Conversion("days", "hours", Decimal(24), "336 hours = 14 days of respite"),),
)


def document(support: str) -> dict[str, Any]:
    return json.loads((DHCS / support / "v1.json").read_text())


# --- a request's quantity in the measure ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (date(2027, 2, 15), 181),  # 15 February to 14 August
        (date(2027, 7, 1), 184),  # July to December: the longest six months
        (date(2028, 2, 1), 182),  # a leap February
        (date(2027, 8, 31), 182),  # 31 August + 6 months: 28 February, the day before is the end
    ],
)
def test_six_months_of_rent_are_the_days_of_six_calendar_months_from_the_start(
    start: date, days: int
) -> None:
    converted = RENT.in_measure(Decimal(6), "months", start)
    assert converted.amount == days
    assert "6 months from" in converted.words and f"{days} days" in converted.words


def test_a_request_in_the_measure_is_taken_as_it_is_and_days_of_respite_become_hours() -> None:
    assert RENT.in_measure(Decimal(6), "days", TODAY).amount == 6
    assert RESPITE.in_measure(Decimal(2), "day", TODAY).amount == 48
    assert RESPITE.in_measure(Decimal("7.5"), "hours", TODAY).amount == Decimal("7.5")


@pytest.mark.parametrize(
    ("units", "quantity", "word", "code", "says"),
    [
        (RENT, "6", "hours", "bad_unit", "takes a quantity in months, days, not in hours"),
        (RENT, "6", "fortnights", "bad_unit", "'fortnights' is not a unit lieu knows"),
        (RENT, "1.5", "months", "bad_quantity", "months are counted whole"),
        (RESPITE, "0.5", "days", "bad_quantity", "days are counted whole"),
    ],
)
def test_a_quantity_in_a_unit_the_definition_cannot_read_is_refused_with_the_accepted_units(
    units: Units, quantity: str, word: str, code: str, says: str
) -> None:
    with pytest.raises(UnitError) as refused:
        units.in_measure(Decimal(quantity), word, TODAY)
    assert refused.value.code == code and says in refused.value.message
    assert refused.value.accepted == units.accepted


def test_the_words_people_write_name_one_unit() -> None:
    assert unit_of("Month") == unit_of("months") == "months"
    assert unit_of("15 minutes") == "quarter_hours" and unit_of("per diem") == "days"
    assert unit_of("furlongs") is None
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert whole_months(date(2027, 1, 15), date(2027, 2, 14)) == 1
    assert whole_months(date(2027, 1, 1), date(2027, 2, 1)) == 2


def test_without_a_units_block_a_request_is_written_in_the_measure_only() -> None:
    respite = units_of(parse_definition(document("respite")))
    assert respite.measure == "hours" and respite.accepted == ("hours",)
    with pytest.raises(UnitError, match="takes a quantity in hours, not in days"):
        respite.in_measure(Decimal(2), "days", TODAY)
    # a bare count is also a count of what the support is priced per: months of navigation
    navigation = units_of(parse_definition(document("housing-transition-navigation")))
    assert navigation.measure == "units" and navigation.accepted == ("units", "months")
    assert navigation.in_measure(Decimal(3), "months", TODAY).amount == 3


def test_an_episode_limit_counts_authorizations_the_quantity_is_in_the_other_limits_measure() -> (
    None
):
    # once per lifetime (episodes) and $5,000 lifetime (dollars): a deposit is asked in dollars
    once = {
        "id": "once",
        "label": "Once",
        "measure": "episodes",
        "maximum": 1,
        "window": {"kind": "lifetime"},
        "counter": "hd-episodes",
        "pool_supports": ["housing-deposits"],
        "exception": {"allowed": False, "requires": "", "extra_maximum": None},
        "reference": "test",
    }
    dollars = {
        **once,
        "id": "dollars",
        "label": "$5,000",
        "measure": "dollars",
        "maximum": 5000,
        "counter": "hd-dollars",
    }
    raw = document("housing-deposits")
    raw["limits"] = [once, dollars]
    deposits = units_of(parse_definition(raw))
    assert deposits.measure == "dollars" and deposits.accepted == ("dollars",)
    assert deposits.in_measure(Decimal(3000), "dollars", TODAY).amount == 3000
    # with the episode limit alone, the request counts episodes
    raw["limits"] = [once]
    assert units_of(parse_definition(raw)).measure == "episodes"


def test_a_units_block_declares_the_units_a_request_may_use_and_their_conversions() -> None:
    raw = document("respite")
    raw["units"] = {
        "accepted": ["hours", "days"],
        "conversions": [{"from": "day", "to": "hours", "factor": 24, "reference": "14 days"}],
        "reference": "336 hours a calendar year, billed per diem",
    }
    units = units_of(parse_definition(raw))
    assert units.accepted == ("hours", "days")
    assert units.in_measure(Decimal(3), "days", TODAY).amount == 72


# --- validation ------------------------------------------------------------------------------


def problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in validate_document(raw).problems]


def test_a_unit_that_does_not_reach_the_measure_or_is_not_a_unit_is_a_problem_at_its_field() -> (
    None
):
    raw = document("respite")
    raw["units"] = {"accepted": ["hours", "days"], "reference": "r"}
    found = validate_document(raw).problems
    assert [(p.pointer, p.code) for p in found] == [
        ("/units/accepted/1", "unit-without-conversion")
    ]
    assert '"from": "days", "to": "hours"' in found[0].message
    raw["units"] = {"accepted": ["hours", "fortnights"], "reference": "r"}
    assert problems(raw) == [("/units/accepted/1", "unknown-unit")]
    raw["units"] = {"measure": "days", "accepted": ["days"], "reference": "r"}
    assert problems(raw) == [("/units/measure", "unit-measure-mismatch")]
    del raw["units"]
    raw["pricing"]["codes"][0]["unit"] = "fortnight"
    assert problems(raw) == [("/pricing/codes/0/unit", "unknown-unit")]


def test_the_shipped_definitions_name_only_units_lieu_knows() -> None:
    for path in sorted(DHCS.glob("*/v*.json")):
        raw = json.loads(path.read_text())
        assert [p for p in validate_document(raw).problems if "unit" in p.code] == [], path


def test_a_plan_may_accept_fewer_units_than_its_baseline_and_never_restate_a_conversion() -> None:
    from lieu.platform.definitions.unit_checks import unit_narrowing_problems

    base = document("respite")
    base["units"] = {
        "accepted": ["hours", "days"],
        "conversions": [{"from": "days", "to": "hours", "factor": 24, "reference": "r"}],
        "reference": "r",
    }
    baseline = parse_definition(base)
    plan = copy.deepcopy(base) | {"plan": "demo-plan"}
    plan["units"] = {"accepted": ["hours"], "reference": "r"}
    assert unit_narrowing_problems(parse_definition(plan), baseline) == []
    plan["units"] = {
        "accepted": ["hours", "weeks"],
        "conversions": [{"from": "days", "to": "hours", "factor": 8, "reference": "r"}],
        "reference": "r",
    }
    found = unit_narrowing_problems(parse_definition(plan), baseline)
    assert [(p.pointer, p.code) for p in found] == [
        ("/units/accepted/1", "unit-widens"),
        ("/units/conversions/0/factor", "conversion-changed"),
    ]


# --- billing in another unit than the measure -------------------------------------------------


def weekly() -> Pricing:
    """Recuperative care's pricing billed with a weekly code: each billed week holds 7 days."""
    assert RECUPERATIVE.pricing is not None
    code = BillingCode("T2033", ("U6",), "per week", unit="week")
    pricing = replace(RECUPERATIVE.pricing, codes=(code,), guidance=None, rate=None)
    return billed_in_measure(pricing, Units("days", ("days",)), stated=False)


def test_a_code_billed_per_week_holds_at_most_seven_days_of_the_measure() -> None:
    pricing = weekly()
    assert pricing.codes[0].holds == 7
    state = presumptive_run().state
    fits = billed("w1", TODAY, TODAY, 14, units=Decimal(2), amount=Decimal(1400))
    assert reports.problem(state, fits, pricing, strict=True) is None
    beyond = billed("w2", TODAY, TODAY, 15, units=Decimal(2), amount=Decimal(1400))
    verdict = reports.problem(state, beyond, pricing, strict=True)
    assert verdict is not None and verdict.code == "bad_billing"
    assert "2 weeks of T2033-U6 hold at most 14 of the measure" in verdict.message
    unbilled = billed("w3", TODAY, TODAY, 14, units=None, amount=Decimal(1400))
    verdict = reports.problem(state, unbilled, pricing, strict=True)
    assert verdict is not None and "billed per week" in verdict.message


def test_a_code_in_the_measure_or_a_definition_written_before_units_bills_as_before() -> None:
    assert RECUPERATIVE.pricing is not None
    same = billed_in_measure(RECUPERATIVE.pricing, Units("days", ("days",)), stated=True)
    assert [code.holds for code in same.codes] == [None]
    old = billed_in_measure(RECUPERATIVE.pricing, Units("units", ("units",)), stated=False)
    assert [code.holds for code in old.codes] == [None]


def test_a_monthly_rate_billed_with_per_diem_codes_is_compared_per_month_of_service() -> None:
    pricing = Pricing(
        payment_model=PaymentModel.PMPM,
        unit="month",
        codes=(BillingCode("H0043", ("U6",), "navigation, per diem", unit="day"),),
        guidance=Guidance(324, 386, 449, "USD", "S-HHOC"),
        outside_rate="refuse",
    )
    month = billed(
        "m1",
        date(2027, 1, 1),
        date(2027, 1, 31),
        31,
        code="H0043",
        units=Decimal(31),
        amount=Decimal(400),
    )
    assert reports.pricing_verdict(month, pricing) is None
    # per diem, $400 for 31 days would be $12.90 a day and wrongly outside a monthly range
    dear = replace(month, amount=Decimal(1000))
    verdict = reports.pricing_verdict(dear, pricing)
    assert (
        verdict is not None and "$1,000 per month is outside the range $324–$449" in verdict.message
    )
