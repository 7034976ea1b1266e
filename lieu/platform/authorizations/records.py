"""What the authorization workflow projects and posts: plain records the platform understands."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lieu.platform.authorizations.status import LoopReason, Status, Urgency


@dataclass(frozen=True)
class DefinitionRef:
    """The definition version an authorization is pinned to, with its content hash."""

    plan: str
    support: str
    version: int
    content_hash: str


@dataclass(frozen=True)
class TimelineEntry:
    """One step of an authorization's life, with who did it and when."""

    seq: int
    at: datetime
    kind: str
    actor: str
    text: str
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthorizationState:
    """What the `state` query answers, and what the projection stores."""

    authorization_id: str
    status: Status
    plan: str
    support: str
    definition: DefinitionRef
    member_cin: str
    provider: str
    county: str
    urgency: Urgency
    measure: str
    quantity_requested: Decimal
    quantity_approved: Decimal | None
    quantity_reserved: Decimal
    quantity_used: Decimal
    service_start: date
    service_end: date | None
    presumptive_until: date | None
    review_deadline: datetime | None
    escalated: bool
    extension_used: bool
    loop_status: str | None
    loop_reason: LoopReason | None
    renewals_used: int
    requested_by: str
    received_at: datetime
    timeline: list[TimelineEntry]
    phase: str = ""  # what it waits for (lifecycle.state.Phase)
    problem: str = ""  # a step that failed for good, until operations retry it
    documents: list[str] = field(default_factory=list)  # requirement ids on file
    flagged_reports: list[str] = field(default_factory=list)
    reports_until: date | None = None  # late service reports are taken until this day
    escalate_at: datetime | None = None  # operations are alerted then if no decision is in
    deemed: bool = False  # denied because the review deadline passed; a late decision may come
    late_until: datetime | None = None  # a late decision is taken until then
    information_needed: list[str] = field(default_factory=list)  # asked of the provider
    appeal_until: datetime | None = None  # the last adverse determination may be appealed until
    appeal_open: str = ""  # the appeal being decided


@dataclass(frozen=True)
class LedgerInput:
    """Reserve, release or consume for an authorization on the pinned definition's limits.

    `quantity` is in `measure`; for days, `start`..`end` are the days (a release gives back the
    last days held). `first` marks the authorization's first hold, which also counts one episode
    on episode limits; `whole` marks a release of everything held, which gives the episode back.
    """

    authorization_id: str
    definition: DefinitionRef
    plan: str
    member_cin: str
    measure: str
    start: date
    end: date
    quantity: Decimal
    key: str
    actor: str
    reason: str = ""
    first: bool = False
    whole: bool = False
    late: bool = False  # a consume after the end: what was released is held again first


@dataclass(frozen=True)
class LedgerResult:
    """What the ledger did: the quantity recorded (maybe less than asked), and why."""

    quantity: Decimal
    end: date
    message: str
    remaining: Decimal | None = None
