"""The lifecycle state as the rest of lieu reads it (`AuthorizationState`)."""

from __future__ import annotations

from lieu.platform.authorizations.lifecycle.state import Lifecycle
from lieu.platform.authorizations.records import AuthorizationState, TimelineEntry


def snapshot(s: Lifecycle, timeline: list[TimelineEntry] | None = None) -> AuthorizationState:
    """What the `state` query answers and the projection stores (`timeline` defaults to all the
    entries the state still holds)."""
    return AuthorizationState(
        authorization_id=s.authorization_id,
        status=s.status,
        plan=s.plan,
        support=s.support,
        definition=s.definition,
        member_cin=s.member_cin,
        provider=s.provider,
        county=s.county,
        urgency=s.urgency,
        measure=s.measure,
        quantity_requested=s.quantity_requested,
        quantity_approved=s.quantity_approved,
        quantity_reserved=s.quantity_reserved,
        quantity_used=s.quantity_used,
        service_start=s.service_start,
        service_end=s.service_end,
        presumptive_until=s.presumptive_until,
        review_deadline=s.review_deadline,
        escalated=s.escalated,
        extension_used=s.extension_used,
        loop_status=s.loop_status,
        loop_reason=s.loop_reason,
        renewals_used=s.renewals_used,
        requested_by=s.requested_by,
        received_at=s.received_at,
        timeline=list(s.timeline if timeline is None else timeline),
        phase=s.phase.value,
        problem=(
            "" if s.failure is None else f"the {s.failure.command} step failed: {s.failure.message}"
        ),
        documents=list(s.documents),
        flagged_reports=list(s.flagged_reports),
        reports_until=s.reports_until,
        escalate_at=s.escalate_at,
        deemed=s.deemed,
        late_until=s.late_until,
        information_needed=list(s.information_needed),
        appeal_until=s.appeal_until,
        appeal_open=s.appeal_open,
    )
