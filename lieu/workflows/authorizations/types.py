"""The frozen dataclasses in and out of `AuthorizationWorkflow`, its updates and activities."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lieu.platform.authorizations.records import (
    AuthorizationState,
    DefinitionRef,
    LedgerInput,
    LedgerResult,
    TimelineEntry,
)
from lieu.platform.authorizations.status import Decision, LoopReason, Urgency
from lieu.platform.definitions.steps import Authorization

__all__ = [
    "AuthorizationState",
    "DefinitionRef",
    "LedgerInput",
    "LedgerResult",
    "TimelineEntry",
]


@dataclass(frozen=True)
class AuthorizationInput:
    """A provider's request, pinned to the definition in force on the date of service.

    `terms` are the pinned definition's authorization terms, copied so a later publication
    never changes a running authorization. `quantity` is in `measure` (days, hours, units,
    dollars, episodes).
    """

    authorization_id: str
    definition: DefinitionRef
    terms: Authorization
    plan: str
    member_cin: str
    county: str
    provider: str
    requested_by: str
    service_start: date
    quantity: Decimal
    measure: str
    urgency: Urgency = Urgency.STANDARD
    received_at: datetime | None = None
    referrer: str = ""
    # False where the namespace lacks lieu's search attributes (the time-skipping test server).
    search_attributes: bool = True


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision (update argument); `quantity` for a modification."""

    reviewer: str
    decision: Decision
    reason: str
    quantity: Decimal | None = None


@dataclass(frozen=True)
class ReviewExtension:
    """Take the review's one extension, with the reason (update argument)."""

    reviewer: str
    reason: str


@dataclass(frozen=True)
class ProviderResponse:
    """The provider accepts or declines the referral (update argument)."""

    provider: str
    accept: bool
    reason: str = ""


@dataclass(frozen=True)
class ServiceReport:
    """Service delivered (update argument); `report_id` makes a resend harmless."""

    report_id: str
    reported_by: str
    start: date
    end: date
    quantity: Decimal
    amount: Decimal | None = None  # dollars billed, when the measure is not dollars


@dataclass(frozen=True)
class ServiceResult:
    """What became of a service report: accepted (and the balance left) or rejected (why)."""

    report_id: str
    accepted: bool
    reason: str
    used: Decimal
    remaining_on_authorization: Decimal


@dataclass(frozen=True)
class ReauthorizationRequest:
    """Ask to continue the authorization for another period (update argument)."""

    requested_by: str
    quantity: Decimal
    reason: str = ""


@dataclass(frozen=True)
class CloseLoop:
    """Close the referral loop with a reason (update argument)."""

    actor: str
    reason: LoopReason
    note: str = ""


@dataclass(frozen=True)
class Cancel:
    """Cancel the authorization (update argument)."""

    actor: str
    reason: str


# --- activity inputs and outputs -------------------------------------------------------------


@dataclass(frozen=True)
class AssessInput:
    """Check the election and the member's eligibility for the pinned definition."""

    authorization_id: str
    definition: DefinitionRef
    plan: str
    member_cin: str
    county: str
    on: date


@dataclass(frozen=True)
class AssessResult:
    """Offered or not; eligible, not eligible or undetermined, with the explanation."""

    offered: bool
    outcome: str
    explanation: list[str]
    missing: list[str]
    refusal: str = ""


@dataclass(frozen=True)
class Projection:
    """The state to copy to the database, with the timeline entries it does not have yet."""

    state: AuthorizationState
    seq: int
