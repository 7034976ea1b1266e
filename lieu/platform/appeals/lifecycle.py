"""One appeal, as pure rules: what it starts from, what may be done to it, and what each step
changes. The appeal workflow (`lieu.workflows.appeals`) keeps an `AppealState` and asks these
functions; nothing here does I/O or reads a clock.

The rules (42 CFR 438.402-438.410): an appeal of an adverse benefit determination is resolved
within the plan's timeframe (30 calendar days standard, 72 hours expedited at most), extended
once by up to 14 calendar days with a notice, by someone who took no part in the determination;
a timeframe missed leaves the member's appeal process exhausted (438.408(c)(3)).
"""

# No `from __future__ import annotations`: these types travel through Temporal, and pydantic
# builds them inside the workflow sandbox.
import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from lieu.platform.appeals.terms import AppealTerms
from lieu.platform.notices.facts import NoticeFacts, NoticeKind, Reason
from lieu.platform.plans.calendar import PlanCalendar


class AppealStatus(enum.StrEnum):
    """Where an appeal stands."""

    OPEN = "open"  # waiting for a reviewer's resolution
    RESOLVED = "resolved"  # decided: upheld, overturned or partly overturned
    NOT_DECIDED = "not_decided"  # the deadline passed: the plan's appeal process is exhausted


class Outcome(enum.StrEnum):
    """What the appeal decided (42 CFR 438.408(e): the notice of appeal resolution)."""

    UPHELD = "upheld"  # the determination stands
    OVERTURNED = "overturned"  # the request is approved in full
    PARTLY_OVERTURNED = "partly_overturned"  # approved in part (the quantity given)
    NOT_DECIDED = "not_decided"  # no resolution in time (438.408(c)(3): deemed exhausted)


class OnBehalf:
    """Who the appeal is for, as whoever files it says."""

    MEMBER = "member"  # the member (or their representative) asked, e.g. by phone or letter
    PROVIDER = "provider"  # the provider, with the member's written consent (438.402(c)(1)(ii))


@dataclass(frozen=True)
class AppealStart:
    """What an appeal workflow starts from, given by the authorization it appeals."""

    appeal_id: str
    authorization_id: str  # also the authorization workflow's id (it is told the outcome)
    plan: str
    support: str
    definition_version: int
    member_cin: str
    provider: str
    measure: str
    requested: Decimal
    approved: Decimal | None  # what the appealed determination approved (a partial approval)
    determination: str  # the notice kind appealed: denial, deemed_denial, partial_approval…
    determination_seq: int  # the authorization's timeline entry of that determination
    first_decided_by: str  # who made it: they may not decide the appeal
    filed_by: str
    on_behalf: str
    reason: str
    expedited: bool
    received_at: datetime
    deadline: datetime
    terms: AppealTerms
    calendar: PlanCalendar


@dataclass(frozen=True)
class AppealDecision:
    """A reviewer resolves the appeal: upheld, overturned, or partly overturned (`quantity`)."""

    reviewer: str
    outcome: Outcome
    reason: str
    quantity: Decimal | None = None
    key: str = ""


@dataclass(frozen=True)
class AppealExtension:
    """Take the appeal's one extension, by `days` calendar days, with the reason."""

    actor: str
    reason: str
    days: int
    key: str = ""


@dataclass(frozen=True)
class AppealReply:
    """The answer to one command on an appeal, kept by its idempotency key."""

    key: str
    accepted: bool
    status: AppealStatus
    deadline: datetime
    outcome: Outcome | None = None
    message: str = ""


@dataclass
class AppealState:
    """Where one appeal stands; the workflow keeps it and projects it."""

    start: AppealStart
    deadline: datetime
    status: AppealStatus = AppealStatus.OPEN
    extended: bool = False
    extension_reason: str = ""
    outcome: Outcome | None = None
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_reason: str = ""
    quantity_approved: Decimal | None = None
    notices: int = 0
    seq: int = 0  # bumped at each change (the projection never goes back)
    answers: dict[str, AppealReply] = field(default_factory=dict)

    def reply(self, key: str, message: str) -> AppealReply:
        answer = AppealReply(key, True, self.status, self.deadline, self.outcome, message)
        self.answers[key] = answer
        return answer


DECIDED = frozenset({Outcome.UPHELD, Outcome.OVERTURNED, Outcome.PARTLY_OVERTURNED})


def decision_refusal(s: AppealState, decision: AppealDecision) -> tuple[str, str] | None:
    """Why this decision cannot be taken, as (code, message); None when it can."""
    if decision.key and decision.key in s.answers:
        return None  # a resend: it gets the first answer
    if s.status is not AppealStatus.OPEN:
        return ("already_final", f"appeal {s.start.appeal_id} is {s.status.value} already")
    if decision.outcome not in DECIDED:
        return (
            "bad_outcome",
            f"an appeal is decided upheld, overturned or partly_overturned, not "
            f"{decision.outcome.value}",
        )
    if not decision.reason.strip():
        return ("reason_required", "give the reason for the appeal's resolution, in words")
    if decision.reviewer == s.start.first_decided_by:
        return (
            "same_reviewer",
            f"{decision.reviewer} made the determination under appeal; the appeal must be "
            "decided by someone who took no part in it (42 CFR 438.406(b)(2)(i))",
        )
    if decision.outcome is Outcome.PARTLY_OVERTURNED:
        least = s.start.approved or Decimal(0)
        if decision.quantity is None or not least < decision.quantity < s.start.requested:
            return (
                "bad_quantity",
                f"a partly overturned appeal approves more than {least:f} and less than the "
                f"{s.start.requested:f} {s.start.measure} asked for; give that quantity (or "
                "decide overturned to approve all of it)",
            )
    return None


def extension_refusal(s: AppealState, extension: AppealExtension) -> tuple[str, str] | None:
    """Why this extension cannot be taken; None when it can."""
    if extension.key and extension.key in s.answers:
        return None
    if s.status is not AppealStatus.OPEN:
        return ("already_final", f"appeal {s.start.appeal_id} is {s.status.value} already")
    if s.extended:
        return ("already_extended", "an appeal's timeframe is extended once at most (438.408(c))")
    most = s.start.terms.extension_days
    if not 1 <= extension.days <= most:
        return (
            "bad_days",
            f"an appeal's extension is 1 to {most} calendar days (42 CFR 438.408(c)(1)), "
            f"not {extension.days}",
        )
    if not extension.reason.strip():
        return (
            "reason_required",
            "say why the extension is in the member's interest (the member's notice gives it)",
        )
    return None


def decide(s: AppealState, decision: AppealDecision, now: datetime) -> None:
    s.status = AppealStatus.RESOLVED
    s.outcome = decision.outcome
    s.decided_by = decision.reviewer
    s.decided_at = now
    s.decision_reason = decision.reason.strip()
    if decision.outcome is Outcome.OVERTURNED:
        s.quantity_approved = s.start.requested
    elif decision.outcome is Outcome.PARTLY_OVERTURNED:
        s.quantity_approved = decision.quantity
    else:
        s.quantity_approved = s.start.approved
    s.seq += 1


def extend(s: AppealState, extension: AppealExtension) -> None:
    s.deadline = s.start.terms.extended(s.deadline, extension.days, s.start.calendar)
    s.extended = True
    s.extension_reason = extension.reason.strip()
    s.seq += 1


def exhaust(s: AppealState, now: datetime) -> None:
    """The deadline passed with no resolution: the plan's appeal process is exhausted."""
    s.status = AppealStatus.NOT_DECIDED
    s.outcome = Outcome.NOT_DECIDED
    s.decided_by = "lieu"
    s.decided_at = now
    s.decision_reason = (
        f"no resolution by the deadline, {s.start.calendar.words(s.deadline)}: the member may "
        "ask for a State Fair Hearing (42 CFR 438.408(c)(3))"
    )
    s.quantity_approved = s.start.approved
    s.seq += 1


def notice(s: AppealState, kind: NoticeKind, now: datetime) -> NoticeFacts:
    """The facts of the appeal's next notice: its resolution or its extension."""
    start = s.start
    s.notices += 1
    resolution = kind is NoticeKind.APPEAL_RESOLUTION
    return NoticeFacts(
        key=f"{start.appeal_id}/notice/{s.notices}",
        kind=kind,
        plan=start.plan,
        support=start.support,
        definition_version=start.definition_version,
        authorization_id=start.authorization_id,
        member_cin=start.member_cin,
        provider=start.provider,
        issued_at=now,
        received_at=start.received_at,
        measure=start.measure,
        requested=start.requested,
        approved=s.quantity_approved if resolution else None,
        reason_code=Reason.OTHER.value,
        reason=s.decision_reason if resolution else s.extension_reason,
        decided_by=s.decided_by if resolution else "",
        decide_by=s.deadline,
        time_zone=start.calendar.time_zone,
        appeal_id=start.appeal_id,
        outcome=s.outcome.value if resolution and s.outcome is not None else "",
    )
