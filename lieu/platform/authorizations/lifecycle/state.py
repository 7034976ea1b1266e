"""An authorization's lifecycle state: where it stands, what it holds, what it waits for.

One `Lifecycle` value is the whole of it: the workflow keeps it, queries answer from it, and it is
carried whole into the next run when the workflow continues as new (at a renewal).
"""

# No `from __future__ import annotations`: the state travels through Temporal, and pydantic builds
# its types inside the workflow sandbox.
import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lieu.platform.authorizations.lifecycle.actions import ReviewDecision, ServiceReport
from lieu.platform.authorizations.lifecycle.commands import Notify, Release, Reserve
from lieu.platform.authorizations.records import DefinitionRef, TimelineEntry
from lieu.platform.authorizations.status import LoopReason, Status, Urgency

ZERO = Decimal(0)


class Phase(enum.StrEnum):
    """What the authorization waits for (the status says where it stands for people)."""

    ASSESSING = "assessing"  # the eligibility check runs
    RESERVING = "reserving"  # the limits are being held
    DOCUMENTS = "documents"  # named documents must be attached
    REVIEW = "review"  # a reviewer decides
    SECOND_REVIEW = "second_review"  # a second reviewer confirms
    PROVIDER = "provider"  # the provider accepts or declines the referral
    ACTIVE = "active"  # service runs to the end of the period
    RENEWING = "renewing"  # a renewal is being held against the limits
    RENEWAL_REVIEW = "renewal_review"  # a reviewer decides a renewal
    DEEMED = "deemed"  # denied when the review deadline passed; a late decision may come
    REINSTATING = "reinstating"  # a late approval holds again what the deemed denial released
    APPEAL_HOLD = "appeal_hold"  # an appeal approved more: it is being held on the limits
    REPORTING = "reporting"  # ended; service inside the period may still be reported
    DONE = "done"  # nothing more happens


WAITING_FOR_A_RESULT = frozenset(
    {Phase.ASSESSING, Phase.RESERVING, Phase.RENEWING, Phase.REINSTATING, Phase.APPEAL_HOLD}
)
REVIEWING = frozenset({Phase.REVIEW, Phase.SECOND_REVIEW, Phase.RENEWAL_REVIEW})


@dataclass(frozen=True)
class Decided:
    """A reviewer's decision as it was applied (the second review checks against it)."""

    reviewer: str
    decision: str
    quantity: Decimal | None


@dataclass(frozen=True)
class Reply:
    """The answer to one command, kept by its idempotency key: a resend gets it again."""

    key: str
    accepted: bool
    status: Status
    code: str = ""  # why it was refused (accepted: empty)
    message: str = ""
    report_id: str = ""  # service reports: the report, what is used and what is left
    used: Decimal = ZERO
    remaining: Decimal = ZERO
    flagged: bool = False  # accepted, but held for a person to check (a rate outside range)
    appeal_id: str = ""  # an appeal filed: its id


@dataclass(frozen=True)
class Renewal:
    """A reauthorization being carried out."""

    requested_by: str
    quantity: Decimal
    reason: str
    start: date
    end_before: date
    added: Decimal = ZERO


@dataclass(frozen=True)
class Failure:
    """A step that failed in a way retrying cannot fix, until operations retry it."""

    command: str  # the command's name (assess, reserve, release, project, notify)
    message: str
    reserve: Reserve | None = None  # what to run again (assess and project need nothing)
    release: Release | None = None
    notify: Notify | None = None


@dataclass
class Lifecycle:
    """Everything one authorization is; changed only by `machine.advance`."""

    authorization_id: str
    plan: str
    support: str
    definition: DefinitionRef
    member_cin: str
    provider: str
    county: str
    urgency: Urgency
    measure: str
    quantity_requested: Decimal
    service_start: date
    requested_by: str
    received_at: datetime
    status: Status = Status.RECEIVED
    phase: Phase = Phase.ASSESSING
    step: int = 0  # the index of the step the request is at
    quantity_approved: Decimal | None = None
    quantity_reserved: Decimal = ZERO
    quantity_used: Decimal = ZERO
    service_end: date | None = None
    period_end: date | None = None  # the authorized period's last day (service_end shrinks as
    # unused days are released at the end; late reports are checked against this)
    presumptive_until: date | None = None
    served: bool = False  # service could be delivered (presumptive or approved) at some point
    review_deadline: datetime | None = None
    review_since: datetime | None = None  # when the review's clock started (receipt, renewal)
    escalate_at: datetime | None = None  # when operations are alerted (before the deadline)
    escalated: bool = False
    deemed: bool = False  # denied because the deadline passed (a late decision may reverse it)
    deemed_phase: Phase | None = None  # the review the deadline passed in
    late_until: datetime | None = None  # a late decision is taken until then
    hold_released: bool = False  # the deemed denial gave back what the request held
    late_decision: ReviewDecision | None = None  # a late approval waiting for its hold
    information_needed: tuple[str, ...] = ()  # asked of the provider, not yet received
    notices: int = 0  # notices of action issued (their keys count them)
    # The last adverse determination: an appeal may be filed against it until `appeal_until`
    appeal_until: datetime | None = None
    appealable: str = ""  # its notice kind (denial, deemed_denial, partial_approval…)
    adverse_seq: int = 0  # its timeline entry
    adverse_by: str = ""  # who made it (the appeal is decided by someone else)
    appeals_filed: int = 0
    appeal_open: str = ""  # the appeal being decided (its id)
    appeal_approves: Decimal | None = None  # what an overturned appeal approves, being held
    appeal_back_to: Phase | None = None  # where the authorization was when the appeal decided
    extension_used: bool = False
    decided: Decided | None = None
    decision_told: bool = False
    acceptance_due: datetime | None = None
    loop_status: str | None = None
    loop_reason: LoopReason | None = None
    renewals_used: int = 0
    renewal: Renewal | None = None
    reminded_for: date | None = None
    reports_until: date | None = None
    documents: list[str] = field(default_factory=list)  # requirement ids on file
    reports: dict[str, Reply] = field(default_factory=dict)  # accepted service reports by id
    flagged_reports: list[str] = field(default_factory=list)
    answers: dict[str, Reply] = field(default_factory=dict)  # every command's answer, by key
    pending: str = ""  # the key of the command whose result is awaited
    pending_report: ServiceReport | None = None  # the report being recorded
    failure: Failure | None = None
    ledger_calls: int = 0
    timeline: list[TimelineEntry] = field(default_factory=list)
    timeline_dropped: int = 0  # entries left behind at a continue-as-new (all projected)
    projected: int = 0  # entries the database has
    continue_as_new: bool = False  # a renewal is done: the next run starts from this state

    @property
    def seq(self) -> int:
        """How many timeline entries there have been."""
        return self.timeline_dropped + len(self.timeline)

    @property
    def remaining(self) -> Decimal:
        """What is held and not used."""
        return self.quantity_reserved - self.quantity_used
