"""Copying workflow state to the database, so lists and searches never need Temporal.

Two statements per projection, whatever the retries: an upsert of the authorization's row that
never goes back to an older projection (`seq`), and an insert of the new timeline entries that
skips those already there (each entry is unique by authorization and `seq`). A projection that
changes the status also records the change in the webhook outbox, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.records import AuthorizationState
from lieu.platform.db.base import utcnow
from lieu.platform.webhooks.outbox import StatusChange, record_change

RECORDS: Table = AuthorizationRecord.__table__  # type: ignore[assignment]
EVENTS: Table = AuthorizationEvent.__table__  # type: ignore[assignment]


def _row(state: AuthorizationState, seq: int) -> dict[str, Any]:
    return {
        "id": state.authorization_id,
        "seq": seq,
        "plan": state.plan,
        "support": state.support,
        "definition_plan": state.definition.plan,
        "definition_version": state.definition.version,
        "content_hash": state.definition.content_hash,
        "member_cin": state.member_cin,
        "provider": state.provider,
        "county": state.county,
        "status": state.status.value,
        "urgency": state.urgency.value,
        "measure": state.measure,
        "quantity_requested": state.quantity_requested,
        "quantity_approved": state.quantity_approved,
        "quantity_reserved": state.quantity_reserved,
        "quantity_used": state.quantity_used,
        "service_start": state.service_start,
        "service_end": state.service_end,
        "presumptive_until": state.presumptive_until,
        "review_deadline": state.review_deadline,
        "escalated": state.escalated,
        "loop_status": state.loop_status,
        "loop_reason": state.loop_reason.value if state.loop_reason else None,
        "renewals_used": state.renewals_used,
        "requested_by": state.requested_by,
        "phase": state.phase,
        "problem": state.problem,
        "reports_until": state.reports_until,
        "flagged_reports": ",".join(state.flagged_reports),
        "updated_at": utcnow(),
    }


def _insert(session: AsyncSession, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


async def project(*, session: AsyncSession, state: AuthorizationState, seq: int) -> list[str]:
    """Upsert the authorization row (ignoring a projection older than the stored one) and
    insert the timeline entries it carries (each once, whatever the retries); a new status is
    recorded for the provider's webhooks. Returns the ids of the webhook deliveries recorded."""
    row = _row(state, seq)
    stored = (
        await session.execute(
            select(RECORDS.c.status, RECORDS.c.seq).where(RECORDS.c.id == state.authorization_id)
        )
    ).first()
    upsert = _insert(session, RECORDS).values(**row, created_at=state.received_at)
    changed = {name: upsert.excluded[name] for name in row if name != "id"}
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[RECORDS.c.id],
            set_=changed,
            where=RECORDS.c.seq <= upsert.excluded.seq,
        )
    )
    deliveries: list[str] = []
    if stored is None or (stored.seq <= seq and stored.status != row["status"]):
        change = StatusChange(
            authorization_id=state.authorization_id,
            seq=seq,
            plan=state.plan,
            provider=state.provider,
            support=state.support,
            status=row["status"],
            previous_status=stored.status if stored is not None else None,
            changed_at=state.timeline[-1].at if state.timeline else row["updated_at"],
            service_start=state.service_start,
            service_end=state.service_end,
        )
        deliveries = await record_change(session=session, change=change)
    if not state.timeline:
        return deliveries
    entries = [
        {
            "authorization_id": state.authorization_id,
            "seq": entry.seq,
            "at": entry.at,
            "kind": entry.kind,
            "actor": entry.actor,
            "text": entry.text,
            "data": dict(entry.data),
        }
        for entry in state.timeline
    ]
    insert = _insert(session, EVENTS).values(entries)
    await session.execute(
        insert.on_conflict_do_nothing(index_elements=[EVENTS.c.authorization_id, EVENTS.c.seq])
    )
    return deliveries
