"""Checks on prices: a guidance range in order, and contracted rates inside it."""

from __future__ import annotations

from lieu.platform.definitions.problems import Problem, Severity
from lieu.platform.pricing.terms import PaymentModel, Pricing, money


def pricing_problems(pricing: Pricing, at: str = "/pricing") -> list[Problem]:
    """Problems with a pricing block: range order broken (error), rate out of range (warning)."""
    found: list[Problem] = []
    guidance = pricing.guidance
    if guidance is not None and not guidance.low <= guidance.midpoint <= guidance.high:
        found.append(
            Problem(
                f"{at}/guidance",
                "pricing-guidance-order",
                f"guidance must read low ≤ midpoint ≤ high, got low {money(guidance.low)}, "
                f"midpoint {money(guidance.midpoint)}, high {money(guidance.high)}; "
                "reorder the three figures",
            )
        )
    elif (
        guidance is not None
        and pricing.rate is not None
        and not guidance.low <= pricing.rate <= guidance.high
    ):
        found.append(
            Problem(
                f"{at}/rate",
                "rate-outside-guidance",
                f"contracted rate {money(pricing.rate)} per {pricing.unit} is outside the "
                f"guidance range {money(guidance.low)}–{money(guidance.high)}; "
                "confirm it with the contracting team before publishing",
                Severity.WARNING,
            )
        )
    if pricing.payment_model is not PaymentModel.COST_BASED_CAPPED and pricing.cap is not None:
        found.append(
            Problem(
                f"{at}/cap",
                "pricing-cap-without-cost-basis",
                f"a cap applies only to the cost_based_capped payment model, not "
                f"{pricing.payment_model.value}; remove the cap or change the payment model",
            )
        )
    return found
