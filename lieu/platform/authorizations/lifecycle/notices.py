"""The facts of a notice of action, taken from the authorization's state when one is due."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from lieu.platform.authorizations.lifecycle.state import Lifecycle
from lieu.platform.definitions.steps import Authorization, StepKind
from lieu.platform.notices.facts import Criterion, NoticeFacts, NoticeKind, Reason
from lieu.platform.plans.calendar import PlanCalendar


def notice_facts(
    s: Lifecycle,
    authorization: Authorization,
    calendar: PlanCalendar,
    now: datetime,
    kind: NoticeKind,
    *,
    key: str,
    reason_code: str = "",
    reason: str = "",
    criteria: tuple[Criterion, ...] = (),
    approved: Decimal | None = None,
    **more: Any,
) -> NoticeFacts:
    """What a notice of `kind` says now; the criteria default to the definition's terms, with
    the reference the member may ask a free copy of."""
    return NoticeFacts(
        key=key,
        kind=kind,
        plan=s.plan,
        support=s.support,
        definition_version=s.definition.version,
        authorization_id=s.authorization_id,
        member_cin=s.member_cin,
        provider=s.provider,
        issued_at=now,
        received_at=s.received_at,
        measure=s.measure,
        requested=s.quantity_requested,
        approved=approved,
        reason_code=reason_code or Reason.OTHER.value,
        reason=reason,
        criteria=criteria or terms_used(s, authorization),
        service_start=s.service_start,
        service_end=s.service_end,
        time_zone=calendar.time_zone,
        **more,
    )


def terms_used(s: Lifecycle, authorization: Authorization) -> tuple[Criterion, ...]:
    """The definition's authorization terms, as the criteria a review decided on."""
    review = authorization.step(StepKind.REVIEW)
    reference = (review.reference if review is not None else None) or authorization.reference
    return (
        Criterion(
            f"{s.support}: {s.definition.plan} benefit definition, version {s.definition.version}",
            reference or "",
        ),
    )


def criteria_of(explanation: tuple[str, ...], reference: str) -> tuple[Criterion, ...]:
    """Eligibility reasons, each a criterion with the definition's reference."""
    return tuple(Criterion(line, reference) for line in explanation if line.strip())
