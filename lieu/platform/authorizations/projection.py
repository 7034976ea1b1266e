"""Copying workflow state to the database, so lists and searches never need Temporal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.records import AuthorizationState
from lieu.platform.db.base import utcnow


async def project(*, session: AsyncSession, state: AuthorizationState, seq: int) -> None:
    """Upsert the authorization row (ignoring a projection older than the stored one) and
    insert the timeline entries it carries (each once, whatever the retries)."""
    record = await session.get(AuthorizationRecord, state.authorization_id, with_for_update=True)
    if record is None:
        record = AuthorizationRecord(
            id=state.authorization_id, seq=-1, created_at=state.received_at
        )
        session.add(record)
    if seq >= record.seq:
        record.seq = seq
        record.plan = state.plan
        record.support = state.support
        record.definition_plan = state.definition.plan
        record.definition_version = state.definition.version
        record.content_hash = state.definition.content_hash
        record.member_cin = state.member_cin
        record.provider = state.provider
        record.county = state.county
        record.status = state.status.value
        record.urgency = state.urgency.value
        record.measure = state.measure
        record.quantity_requested = state.quantity_requested
        record.quantity_approved = state.quantity_approved
        record.quantity_reserved = state.quantity_reserved
        record.quantity_used = state.quantity_used
        record.service_start = state.service_start
        record.service_end = state.service_end
        record.presumptive_until = state.presumptive_until
        record.review_deadline = state.review_deadline
        record.escalated = state.escalated
        record.loop_status = state.loop_status
        record.loop_reason = state.loop_reason.value if state.loop_reason else None
        record.renewals_used = state.renewals_used
        record.requested_by = state.requested_by
        record.phase = state.phase
        record.problem = state.problem
        record.reports_until = state.reports_until
        record.flagged_reports = ",".join(state.flagged_reports)
        record.updated_at = utcnow()
    await session.flush()
    if not state.timeline:
        return
    have = set(
        await session.scalars(
            select(AuthorizationEvent.seq).where(
                AuthorizationEvent.authorization_id == state.authorization_id,
                AuthorizationEvent.seq.in_([entry.seq for entry in state.timeline]),
            )
        )
    )
    for entry in state.timeline:
        if entry.seq not in have:
            session.add(
                AuthorizationEvent(
                    authorization_id=state.authorization_id,
                    seq=entry.seq,
                    at=entry.at,
                    kind=entry.kind,
                    actor=entry.actor,
                    text=entry.text,
                    data=dict(entry.data),
                )
            )
    await session.flush()
