"""Pricing terms of a benefit definition: payment model, unit, billing codes and guidance range."""

# No `from __future__ import annotations`: pricing travels in the authorization workflow's input,
# and pydantic builds its types inside the workflow sandbox.

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


class PaymentModel(enum.StrEnum):
    """How a Community Support is paid."""

    FFS_PER_DIEM = "ffs_per_diem"
    FFS_PER_15_MINUTES = "ffs_per_15_minutes"
    FFS_PER_SERVICE = "ffs_per_service"
    FFS_PER_MEAL = "ffs_per_meal"
    FFS_PER_ENCOUNTER = "ffs_per_encounter"
    PMPM = "pmpm"
    COST_BASED_CAPPED = "cost_based_capped"


PAYMENT_MODEL_WORDS: Mapping[PaymentModel, str] = {
    PaymentModel.FFS_PER_DIEM: "fee-for-service per day",
    PaymentModel.FFS_PER_15_MINUTES: "fee-for-service per 15 minutes",
    PaymentModel.FFS_PER_SERVICE: "fee-for-service per service",
    PaymentModel.FFS_PER_MEAL: "fee-for-service per meal",
    PaymentModel.FFS_PER_ENCOUNTER: "fee-for-service per encounter",
    PaymentModel.PMPM: "per member per month",
    PaymentModel.COST_BASED_CAPPED: "cost-based with a cap",
}


@dataclass(frozen=True, slots=True)
class BillingCode:
    """A HCPCS code with its modifiers (the modifier tells supports sharing a code apart)."""

    hcpcs: str
    modifiers: tuple[str, ...]
    label: str
    effective_from: date | None = None
    # What one billed unit of the code is (day, month, 15 minutes); None: the pricing's unit.
    unit: str | None = None
    # How much of the authorization's measure one billed unit holds at most, when the code's
    # unit is not the measure (a per diem of respite: 24 hours); set when a request is pinned.
    holds: Decimal | None = None

    def __str__(self) -> str:
        return "-".join((self.hcpcs, *self.modifiers))


@dataclass(frozen=True, slots=True)
class Guidance:
    """A non-binding price range per unit."""

    low: float
    midpoint: float
    high: float
    currency: str
    reference: str


@dataclass(frozen=True, slots=True)
class Pricing:
    """How a support is paid, with the contracted rate when a plan has set one."""

    payment_model: PaymentModel
    unit: str
    codes: tuple[BillingCode, ...]
    guidance: Guidance | None
    rate: float | None = None
    cap: float | None = None
    outside_rate: str = "review"  # or "refuse": a report billed outside the contracted range


def parse_pricing(raw: Mapping[str, Any]) -> Pricing:
    """Pricing from the `pricing` object of a schema-valid definition document."""
    guidance = raw.get("guidance")
    return Pricing(
        payment_model=PaymentModel(raw["payment_model"]),
        unit=raw["unit"],
        codes=tuple(
            BillingCode(
                hcpcs=code["hcpcs"],
                modifiers=tuple(code["modifiers"]),
                label=code["label"],
                effective_from=(
                    date.fromisoformat(code["effective_from"]) if "effective_from" in code else None
                ),
                unit=code.get("unit"),
            )
            for code in raw["codes"]
        ),
        guidance=(
            None
            if guidance is None
            else Guidance(
                low=guidance["low"],
                midpoint=guidance["midpoint"],
                high=guidance["high"],
                currency=guidance["currency"],
                reference=guidance["reference"],
            )
        ),
        rate=raw.get("rate"),
        cap=raw.get("cap"),
        outside_rate=raw.get("outside_rate", "review"),
    )


def money(amount: float, currency: str = "USD") -> str:
    """An amount as people write it: $5,000 or $97.50."""
    symbol = "$" if currency == "USD" else f"{currency} "
    if float(amount).is_integer():
        return f"{symbol}{int(amount):,}"
    return f"{symbol}{amount:,.2f}"
