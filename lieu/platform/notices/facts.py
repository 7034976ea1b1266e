"""What a notice says, as facts: the authorization's state machine fills `NoticeFacts` when a
notice is due (an adverse determination, an extension, a request for information, a reversal),
and the notices package renders it from the plan's template in the member's language.

The reasons a reviewer may give are coded (`REASONS`); the words a member reads for each code are
in the templates, in every language the plan sends notices in.
"""

# No `from __future__ import annotations`: these facts travel in a workflow command and pydantic
# builds their types inside the workflow sandbox.
import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


class NoticeKind(enum.StrEnum):
    """Why a notice is sent. The first five are adverse benefit determinations (42 CFR 438.400(b)):
    their notice carries the member's appeal, expedited appeal, State Fair Hearing and
    continuation-of-benefits rights (42 CFR 438.404(b))."""

    DENIAL = "denial"  # a reviewer, or the eligibility rules, denied the request
    DEEMED_DENIAL = "deemed_denial"  # no decision by the deadline: a denial (438.404(c)(5))
    PARTIAL_APPROVAL = "partial_approval"  # approved less than was asked (modify)
    REDUCTION = "reduction"  # an authorized service reduced (advance notice, 431.211)
    TERMINATION = "termination"  # an authorized service ended early (incl. a presumptive period)
    EXTENSION = "extension"  # the decision deadline moved, with the reason and the new date
    INFORMATION_REQUEST = "information_request"  # the reviewer needs something from the provider
    REVERSAL = "reversal"  # a decision after a deemed denial changed the outcome
    APPEAL_RESOLUTION = "appeal_resolution"  # an appeal's outcome (42 CFR 438.408(d)-(e))
    APPEAL_EXTENSION = "appeal_extension"  # an appeal's deadline moved (438.408(c)(2))

    @property
    def adverse(self) -> bool:
        """An adverse benefit determination: the notice carries the appeal rights."""
        return self in ADVERSE


ADVERSE = frozenset(
    {
        NoticeKind.DENIAL,
        NoticeKind.DEEMED_DENIAL,
        NoticeKind.PARTIAL_APPROVAL,
        NoticeKind.REDUCTION,
        NoticeKind.TERMINATION,
    }
)


class Reason(enum.StrEnum):
    """The coded reasons for an adverse determination (CMS-0057-F: a specific reason for every
    denial). `OTHER` needs the reviewer's own words; the others may add to them."""

    CRITERIA_NOT_MET = "criteria_not_met"  # the support's eligibility criteria are not met
    INFORMATION_MISSING = "information_missing"  # what was needed to decide did not arrive
    LIMIT_REACHED = "limit_reached"  # the support's cap, duration or lifetime limit is used
    DUPLICATE_SERVICE = "duplicate_service"  # another service the member gets meets the need
    NOT_OFFERED = "not_offered"  # the plan does not offer the support there or then
    TIMEFRAME_PASSED = "timeframe_passed"  # no decision in time (a deemed denial)
    LESS_IS_ENOUGH = "less_is_enough"  # a smaller amount meets the need (partial approval)
    OTHER = "other"


REASONS = tuple(reason.value for reason in Reason)
# What an appeal resolution may say (the appeals package's `Outcome` values).
APPEAL_OUTCOMES = ("upheld", "overturned", "partly_overturned", "not_decided")
APPEAL_KINDS = frozenset({NoticeKind.APPEAL_RESOLUTION, NoticeKind.APPEAL_EXTENSION})


@dataclass(frozen=True)
class Criterion:
    """A criterion the determination used, with where it is written (the member may ask for a
    free copy)."""

    text: str
    reference: str = ""


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a notice says, in data; the template gives the words.

    `key` makes issuing idempotent (the same key is one notice). `reason` is the specific reason
    in the words of whoever gave it (the reviewer, or the eligibility explanation); `reason_code`
    is one of `REASONS`. `effective_on` is the day a reduction or termination takes effect (at
    least 10 days after the notice unless an exception applies, 42 CFR 431.211/431.213).
    `decide_by` is the (new) decision deadline of an extension or information request, and
    `needed` what the reviewer asks for. An appeal's notices name the appeal (`appeal_id`); a
    resolution says its `outcome` (one of `APPEAL_OUTCOMES`) and, when the appeal approved
    something, `approved`."""

    key: str
    kind: NoticeKind
    plan: str
    support: str
    definition_version: int
    authorization_id: str
    member_cin: str
    provider: str
    issued_at: datetime
    received_at: datetime
    measure: str
    requested: Decimal
    to: tuple[str, ...] = ("member", "provider")
    approved: Decimal | None = None
    reason_code: str = Reason.OTHER.value
    reason: str = ""
    criteria: tuple[Criterion, ...] = ()
    decided_by: str = ""
    decide_by: datetime | None = None
    needed: tuple[str, ...] = ()
    effective_on: date | None = None
    service_start: date | None = None
    service_end: date | None = None
    time_zone: str = "America/Los_Angeles"
    appeal_id: str = ""
    outcome: str = ""
