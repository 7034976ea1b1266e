"""The frozen dataclasses in and out of `AuthorizationWorkflow`, its updates and activities."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pydantic import TypeAdapter

from lieu.platform.authorizations.lifecycle.actions import (
    AppealDecided,
    AttachDocument,
    Cancel,
    CloseLoop,
    EndService,
    FileAppeal,
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    RequestInformation,
    Retry,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)
from lieu.platform.authorizations.lifecycle.state import Lifecycle, Reply
from lieu.platform.authorizations.records import (
    AuthorizationState,
    DefinitionRef,
    LedgerInput,
    LedgerResult,
    TimelineEntry,
)
from lieu.platform.authorizations.status import Urgency
from lieu.platform.definitions.steps import Authorization
from lieu.platform.plans.calendar import BEFORE_PLANS, PlanCalendar
from lieu.platform.pricing.terms import Pricing

__all__ = [
    "AppealDecided",
    "AttachDocument",
    "AuthorizationState",
    "Cancel",
    "CloseLoop",
    "DefinitionRef",
    "EndService",
    "FileAppeal",
    "LedgerInput",
    "LedgerResult",
    "ProvideInformation",
    "ProviderResponse",
    "ReauthorizationRequest",
    "Reply",
    "RequestInformation",
    "Retry",
    "ReviewDecision",
    "ReviewExtension",
    "ServiceReport",
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
    pricing: Pricing | None = None
    # The lifecycle state a previous run continued as new with, as JSON (`carry`/`carried_state`):
    # typed as a string so that decoding every new request's input stays cheap (the converter
    # builds a schema for the input type in each workflow run).
    carried: str | None = None
    # The plan's clock (time zone, working days); requests from before plans had one ran on UTC.
    calendar: PlanCalendar = BEFORE_PLANS


@functools.cache
def _lifecycle() -> TypeAdapter[Lifecycle]:
    return TypeAdapter(Lifecycle)


def carry(state: Lifecycle) -> str:
    """The state as the next run's input carries it."""
    return _lifecycle().dump_json(state).decode()


def carried_state(request: AuthorizationInput) -> Lifecycle | None:
    """The state a continued run starts from, or None for a new request."""
    return None if request.carried is None else _lifecycle().validate_json(request.carried)


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


@dataclass(frozen=True)
class ReleaseAndProject:
    """A release on the ledger and the projection of the state after it, in one transaction."""

    ledger: LedgerInput
    projection: Projection
