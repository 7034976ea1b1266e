"""What people do to an authorization: each is one workflow update's argument.

Every action carries `key`, the caller's idempotency key (it is also the Temporal update id): the
same key sent again gets the first answer and changes nothing.
"""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow sandbox.
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lieu.platform.appeals.terms import DEFAULT_TERMS, AppealTerms
from lieu.platform.authorizations.status import Decision, LoopReason


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer approves, denies or modifies (`quantity`) the request under review.

    `roles` are the review roles the reviewer's token carries; a review step's `role` must be
    among them (an empty tuple comes only from histories recorded before roles existed)."""

    reviewer: str
    decision: Decision
    reason: str
    quantity: Decimal | None = None
    roles: tuple[str, ...] = ()
    key: str = ""
    reason_code: str = ""  # one of notices.facts.REASONS for a denial or a modification


@dataclass(frozen=True)
class ReviewExtension:
    """Take the review's extension of its deadline, with the reason."""

    reviewer: str
    reason: str
    key: str = ""


@dataclass(frozen=True)
class RequestInformation:
    """The reviewer asks the provider for what is `needed` to decide (the clock keeps running:
    the deadline stands unless the review is extended)."""

    reviewer: str
    needed: tuple[str, ...]
    roles: tuple[str, ...] = ()
    key: str = ""


@dataclass(frozen=True)
class ProvideInformation:
    """The provider sends what the reviewer asked for (documents are attached separately)."""

    provider: str
    note: str = ""
    key: str = ""


@dataclass(frozen=True)
class ProviderResponse:
    """The provider accepts or declines the referral."""

    provider: str
    accept: bool
    reason: str = ""
    key: str = ""


@dataclass(frozen=True)
class ServiceReport:
    """Service delivered, with its billing line.

    `quantity` is in the authorization's measure (days, hours, units...); `units` are billing
    units of `code` and `amount` is what is billed, in dollars. `report_id` names the report:
    an accepted report id is never charged twice; a refused one may be sent again."""

    report_id: str
    reported_by: str
    start: date
    end: date
    quantity: Decimal
    amount: Decimal | None = None
    code: str = ""  # HCPCS, e.g. T2033
    modifiers: tuple[str, ...] = ()
    units: Decimal | None = None
    rendering_npi: str = ""
    key: str = ""


@dataclass(frozen=True)
class ReauthorizationRequest:
    """Ask to continue an active authorization for another period."""

    requested_by: str
    quantity: Decimal
    reason: str = ""
    key: str = ""


@dataclass(frozen=True)
class CloseLoop:
    """Close the referral loop of an active authorization, with the reason."""

    actor: str
    reason: LoopReason
    note: str = ""
    key: str = ""


@dataclass(frozen=True)
class Cancel:
    """Cancel the authorization: what it holds and has not used is released."""

    actor: str
    reason: str
    key: str = ""


@dataclass(frozen=True)
class AttachDocument:
    """A document a documentation step asks for is on file (the bytes are in the store)."""

    requirement: str
    document_id: str
    filename: str
    attached_by: str
    key: str = ""


@dataclass(frozen=True)
class Retry:
    """Operations run again the step that failed in a way retrying could not fix."""

    actor: str
    reason: str
    key: str = ""


@dataclass(frozen=True)
class EndService:
    """The plan ends an active authorization before its period is over: the service goes on
    until the member's advance notice has run (42 CFR 431.211: 10 days), then it ends."""

    actor: str
    reason: str
    reason_code: str = ""  # one of notices.facts.REASONS (default other: the reason's words)
    key: str = ""


@dataclass(frozen=True)
class FileAppeal:
    """The member, or the provider for the member (`on_behalf`), appeals the adverse
    determination the authorization's last notice of action gave. `terms` are the plan's appeal
    timeframes as they stand when it is filed."""

    filed_by: str
    on_behalf: str  # member or provider (appeals.lifecycle.OnBehalf)
    reason: str
    expedited: bool = False
    terms: AppealTerms = DEFAULT_TERMS
    key: str = ""


@dataclass(frozen=True)
class AppealDecided:
    """An appeal's outcome, sent by the appeal's workflow when it ends: upheld, overturned,
    partly_overturned (approve `quantity`) or not_decided."""

    appeal_id: str
    outcome: str
    decided_by: str
    reason: str
    quantity: Decimal | None = None
    key: str = ""


Action = (
    ReviewDecision
    | ReviewExtension
    | RequestInformation
    | ProvideInformation
    | ProviderResponse
    | ServiceReport
    | ReauthorizationRequest
    | CloseLoop
    | Cancel
    | AttachDocument
    | Retry
    | EndService
    | FileAppeal
    | AppealDecided
)
