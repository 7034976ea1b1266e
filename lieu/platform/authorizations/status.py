"""The states of an authorization, and the words operations and providers see for them."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    """Where an authorization stands."""

    RECEIVED = "received"
    REFUSED = "refused"  # not offered by the plan in the county on the date of service
    DENIED = "denied"
    PENDING_REVIEW = "pending_review"
    PENDING_INFORMATION = "pending_information"  # the reviewer asked the provider for more
    PRESUMPTIVE = "presumptive"  # service may start while review runs
    AWAITING_DOCUMENTS = "awaiting_documents"  # named documents must be on file first
    AWAITING_PROVIDER = "awaiting_provider"  # closed-loop referral: provider to accept
    APPROVED = "approved"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DECLINED = "declined"  # provider declined the referral
    CLOSED = "closed"  # loop closed with a reason before expiry

    @property
    def is_final(self) -> bool:
        """No further step will run."""
        return self in FINAL


FINAL = frozenset(
    {
        Status.REFUSED,
        Status.DENIED,
        Status.EXPIRED,
        Status.CANCELLED,
        Status.DECLINED,
        Status.CLOSED,
    }
)


class Urgency(enum.StrEnum):
    """Standard or expedited review (the decision deadline differs)."""

    STANDARD = "standard"
    EXPEDITED = "expedited"


class Decision(enum.StrEnum):
    """A reviewer's decision."""

    APPROVE = "approve"
    DENY = "deny"
    MODIFY = "modify"  # approve a different quantity


class LoopReason(enum.StrEnum):
    """Why a closed-loop referral was closed (DHCS CLR: the referral status and closure reason)."""

    SERVICES_RECEIVED = "services_received"
    DECLINED_BY_PROVIDER = "declined_by_provider"
    DECLINED_BY_MEMBER = "declined_by_member"
    UNABLE_TO_REACH_MEMBER = "unable_to_reach_member"
    NO_PROVIDER_RESPONSE = "no_provider_response"
    NOT_AUTHORIZED = "not_authorized"
    EXPIRED_WITHOUT_SERVICE = "expired_without_service"
    CANCELLED = "cancelled"
    OTHER = "other"
