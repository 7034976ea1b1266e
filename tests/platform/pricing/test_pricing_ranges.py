"""Guidance ranges read low ≤ midpoint ≤ high; contracted rates outside them are flagged."""

from __future__ import annotations

from lieu.platform.definitions.problems import Severity
from lieu.platform.pricing.ranges import pricing_problems
from lieu.platform.pricing.terms import Guidance, PaymentModel, Pricing, money

GUIDANCE = Guidance(97, 108, 119, "USD", "secondary source")


def per_diem(rate: float | None, guidance: Guidance | None = GUIDANCE) -> Pricing:
    return Pricing(PaymentModel.FFS_PER_DIEM, "day", (), guidance, rate=rate)


def test_a_rate_inside_the_range_is_fine() -> None:
    assert pricing_problems(per_diem(108)) == []


def test_a_rate_above_the_range_is_a_warning_for_review() -> None:
    (problem,) = pricing_problems(per_diem(150))
    assert (problem.code, problem.severity) == ("rate-outside-guidance", Severity.WARNING)
    assert "$150 per day" in problem.message and "$97–$119" in problem.message


def test_a_range_out_of_order_is_an_error() -> None:
    (problem,) = pricing_problems(per_diem(None, Guidance(120, 108, 119, "USD", "x")))
    assert (problem.code, problem.severity) == ("pricing-guidance-order", Severity.ERROR)


def test_no_guidance_means_no_range_check() -> None:
    assert pricing_problems(per_diem(1000, None)) == []


def test_money_is_written_as_people_write_it() -> None:
    assert (money(5000), money(97.5)) == ("$5,000", "$97.50")
