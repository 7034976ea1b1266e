"""Checking a service report against the authorization and the definition's pricing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lieu.platform.authorizations.lifecycle.actions import ServiceReport
from lieu.platform.authorizations.lifecycle.state import Lifecycle, Phase
from lieu.platform.authorizations.status import Status
from lieu.platform.definitions.units import Units, noun, unit_of, whole_months
from lieu.platform.pricing.terms import BillingCode, PaymentModel, Pricing, money

SERVING = frozenset({Status.PRESUMPTIVE, Status.APPROVED, Status.ACTIVE, Status.AWAITING_PROVIDER})


@dataclass(frozen=True)
class Verdict:
    """A report's problem: refused (`flag` False) or accepted and flagged for review."""

    code: str
    message: str
    flag: bool = False


def npi_valid(npi: str) -> bool:
    """A National Provider Identifier: 10 digits whose Luhn check over 80840 + digits holds."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def problem(
    state: Lifecycle, report: ServiceReport, pricing: Pricing | None, *, strict: bool
) -> Verdict | None:
    """What is wrong with the report, or None. `strict` (a new report, checked when it arrives)
    also requires the billing line; without it only what a recorded history could have sent is
    checked, so an old history replays as it ran."""
    served = _service_problem(state, report)
    if served is not None:
        over = state.phase is not Phase.REPORTING and served.startswith(f"{report.quantity} ")
        return Verdict("limit_exceeded" if over else "service_rejected", served)
    if strict:
        missing = _billing_missing(report, pricing)
        if missing is not None:
            return Verdict("bad_billing", missing)
    return pricing_verdict(report, pricing)


def _service_problem(state: Lifecycle, report: ServiceReport) -> str | None:
    late = state.phase is Phase.REPORTING
    if not late and state.status not in SERVING:
        return f"the authorization is {state.status.value}; no service can be reported"
    if report.end < report.start:
        return "the service ends before it starts"
    if report.quantity <= 0:
        return "the quantity must be positive"
    if report.start < state.service_start:
        return f"service before the authorized start {state.service_start.isoformat()}"
    if late:
        last = state.period_end or state.presumptive_until
        if last is None or report.end > last:
            return "service after the authorized period" + (
                f" (it ended {last.isoformat()})" if last else ""
            )
        return None
    if state.status is Status.PRESUMPTIVE and state.presumptive_until is not None:
        if report.end > state.presumptive_until:
            return f"presumptive authorization covers service to {state.presumptive_until}"
    elif state.service_end is not None and report.end > state.service_end:
        return f"service after the authorized end {state.service_end.isoformat()}"
    if state.quantity_used + report.quantity > state.quantity_reserved:
        return (
            f"{report.quantity} {state.measure} exceeds what is left on this authorization "
            f"({state.remaining} {state.measure})"
        )
    return None


def _billing_missing(report: ServiceReport, pricing: Pricing | None) -> str | None:
    if pricing is not None and pricing.codes and not report.code:
        codes = ", ".join(str(code) for code in pricing.codes)
        return f"a service report needs its HCPCS code and modifiers: one of {codes}"
    code = _code(report, pricing)
    if pricing is not None and code is not None and code.holds is not None and not report.units:
        unit = unit_of(code.unit or pricing.unit) or "units"
        return (
            f"{code} is billed per {noun(unit, 1)}, not in the authorization's measure: give "
            f"the {noun(unit)} billed in `units`"
        )
    if report.amount is None:
        return "a service report needs the amount billed, in dollars"
    if not report.rendering_npi:
        return "a service report needs the rendering provider's NPI (10 digits)"
    return None


def pricing_verdict(report: ServiceReport, pricing: Pricing | None) -> Verdict | None:
    """The billing line checked against the definition's pricing: refused, flagged or None."""
    if report.rendering_npi and not npi_valid(report.rendering_npi):
        return Verdict(
            "bad_billing",
            f"{report.rendering_npi!r} is not a valid NPI (10 digits with a valid check digit)",
        )
    if report.units is not None and report.units <= 0:
        return Verdict("bad_billing", "billing units must be positive")
    if report.amount is not None and report.amount < 0:
        return Verdict("bad_billing", "the amount billed cannot be negative")
    if pricing is None:
        return None
    if report.code:
        line = "-".join((report.code, *report.modifiers))
        known = [c for c in pricing.codes if c.hcpcs == report.code]
        match = [c for c in known if c.modifiers == tuple(report.modifiers)]
        if not match:
            codes = ", ".join(str(code) for code in pricing.codes) or "none"
            return Verdict(
                "bad_billing", f"{line} is not a code of this support; bill one of {codes}"
            )
        first = match[0].effective_from
        if first is not None and report.start < first:
            return Verdict(
                "bad_billing", f"{line} may be billed for service from {first.isoformat()} on"
            )
        held = _beyond_billed(report, pricing, match[0])
        if held is not None:
            return Verdict("bad_billing", held)
    return _rate_problem(report, pricing)


def _code(report: ServiceReport, pricing: Pricing | None) -> BillingCode | None:
    if pricing is None or not report.code:
        return None
    for code in pricing.codes:
        if code.hcpcs == report.code and code.modifiers == tuple(report.modifiers):
            return code
    return None


def _beyond_billed(report: ServiceReport, pricing: Pricing, code: BillingCode) -> str | None:
    """The quantity reported beyond what the billed units of a code in another unit can hold
    (2 per diems of respite hold at most 48 hours)."""
    if code.holds is None or report.units is None:
        return None
    most = report.units * code.holds
    if report.quantity <= most:
        return None
    unit = unit_of(code.unit or pricing.unit) or "units"
    return (
        f"{report.units.normalize():f} {noun(unit, report.units)} of {code} hold at most "
        f"{most.normalize():f} of the measure ({code.holds.normalize():f} each); "
        f"{report.quantity.normalize():f} were reported: bill more {noun(unit)} or report less"
    )


def _rate_units(report: ServiceReport, pricing: Pricing) -> Decimal:
    """The number of pricing units the billed amount pays for: the billed units of the code when
    it is billed in the pricing's unit, else the months of service for a monthly rate billed with
    per-diem codes (a housing navigation month), else the quantity or billed units as given."""
    units = report.units if report.units is not None else report.quantity
    code = _code(report, pricing)
    if code is None or code.unit is None:
        return units
    billed, priced = unit_of(code.unit), unit_of(pricing.unit)
    if billed == priced or billed is None or priced is None:
        return units
    if priced == "months":
        return Decimal(whole_months(report.start, report.end))
    factor = Units(priced, (priced,)).factor(billed, priced)
    return units if factor is None else units * factor


def _rate_problem(report: ServiceReport, pricing: Pricing) -> Verdict | None:
    if report.amount is None:
        return None
    flag = pricing.outside_rate != "refuse"
    if pricing.payment_model is PaymentModel.COST_BASED_CAPPED:
        if pricing.cap is not None and report.amount > Decimal(str(pricing.cap)):
            return Verdict(
                "rate_outside_range",
                f"{money(float(report.amount))} is above the cap of {money(pricing.cap)}",
                flag,
            )
        return None
    units = _rate_units(report, pricing)
    if units <= 0:
        return None
    rate = report.amount / units
    if pricing.rate is not None:
        if rate > Decimal(str(pricing.rate)):
            return Verdict(
                "rate_outside_range",
                f"{money(float(rate))} per {pricing.unit} is above the contracted rate of "
                f"{money(pricing.rate)}",
                flag,
            )
        return None
    guidance = pricing.guidance
    if guidance is not None and not (
        Decimal(str(guidance.low)) <= rate <= Decimal(str(guidance.high))
    ):
        return Verdict(
            "rate_outside_range",
            f"{money(float(rate))} per {pricing.unit} is outside the range "
            f"{money(guidance.low)}–{money(guidance.high)}",
            flag,
        )
    return None


def billing_line(report: ServiceReport) -> str:
    """The billing line in words: T2033-U6 × 5 = $500."""
    if not report.code:
        return ""
    line = "-".join((report.code, *report.modifiers))
    units = report.units if report.units is not None else report.quantity
    billed = f" = {money(float(report.amount))}" if report.amount is not None else ""
    npi = f", NPI {report.rendering_npi}" if report.rendering_npi else ""
    return f"{line} × {units}{billed}{npi}"
