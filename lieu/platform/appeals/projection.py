"""An appeal's state, written to the `appeals` table: one upsert that never goes back to an
older `seq` (a retried activity or a late write cannot undo a newer one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.appeals.lifecycle import AppealState
from lieu.platform.appeals.models import AppealRecord
from lieu.platform.db.base import utcnow


def row(s: AppealState) -> dict[str, Any]:
    start = s.start
    return {
        "id": start.appeal_id,
        "authorization_id": start.authorization_id,
        "plan": start.plan,
        "support": start.support,
        "member_cin": start.member_cin,
        "provider": start.provider,
        "filed_by": start.filed_by,
        "on_behalf": start.on_behalf,
        "reason": start.reason,
        "expedited": start.expedited,
        "determination": start.determination,
        "determination_seq": start.determination_seq,
        "first_decided_by": start.first_decided_by,
        "received_at": start.received_at,
        "deadline": s.deadline,
        "extended": s.extended,
        "extension_reason": s.extension_reason,
        "status": s.status.value,
        "outcome": s.outcome.value if s.outcome is not None else None,
        "decided_by": s.decided_by or None,
        "decided_at": s.decided_at,
        "decision_reason": s.decision_reason,
        "quantity_approved": s.quantity_approved,
        "seq": s.seq,
        "updated_at": utcnow(),
    }


async def project(*, session: AsyncSession, state: AppealState) -> None:
    """Write the appeal as `state` has it, unless the table has a newer one."""
    values = row(state)
    table: Any = AppealRecord.__table__
    dialect = session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table).values(**values)
    changed = {name: statement.excluded[name] for name in values if name != "id"}
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_=changed, where=table.c.seq <= statement.excluded.seq
        )
    )
