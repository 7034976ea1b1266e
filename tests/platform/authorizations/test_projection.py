"""The projection copies a workflow's state to the database: an older projection never wins, and
each timeline entry is written once however often an activity is retried (both databases)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.projection import project
from lieu.platform.authorizations.records import AuthorizationState, DefinitionRef, TimelineEntry
from lieu.platform.authorizations.status import Status, Urgency
from lieu.platform.db.engine import create_session_factory, for_writes

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def state(status: Status, entries: int) -> AuthorizationState:
    return AuthorizationState(
        authorization_id="A-PROJECTION",
        status=status,
        plan="demo-plan",
        support="respite",
        definition=DefinitionRef("dhcs", "respite", 1, "0" * 64),
        member_cin="91000001A",
        provider="org-a",
        county="sacramento",
        urgency=Urgency.STANDARD,
        measure="hours",
        quantity_requested=Decimal(40),
        quantity_approved=None,
        quantity_reserved=Decimal(40),
        quantity_used=Decimal(0),
        service_start=NOW.date(),
        service_end=None,
        presumptive_until=None,
        review_deadline=NOW + timedelta(days=5),
        escalated=False,
        extension_used=False,
        loop_status="sent",
        loop_reason=None,
        renewals_used=0,
        requested_by="provider",
        received_at=NOW,
        timeline=[
            TimelineEntry(seq, NOW + timedelta(minutes=seq), "step", "lieu", f"step {seq}")
            for seq in range(1, entries + 1)
        ],
        phase="review",
        flagged_reports=["r1", "r2"],
    )


async def test_an_older_projection_never_overwrites_a_newer_one_and_entries_are_written_once(
    engine: AsyncEngine,
) -> None:
    writes = create_session_factory(for_writes(engine))
    newer = replace(state(Status.APPROVED, 3), quantity_approved=Decimal(24), phase="provider")
    older = state(Status.PENDING_REVIEW, 2)
    for projected, seq in [(older, 2), (newer, 3), (older, 2), (newer, 3)]:  # retried, reordered
        async with writes.begin() as session:
            await project(session=session, state=projected, seq=seq)
    async with create_session_factory(engine)() as session:
        row = await session.get(AuthorizationRecord, "A-PROJECTION")
        events = await session.scalar(
            select(func.count()).where(AuthorizationEvent.authorization_id == "A-PROJECTION")
        )
    assert row is not None
    assert (row.seq, row.status, row.phase, row.quantity_approved) == (
        3,
        "approved",
        "provider",
        Decimal(24),
    )
    assert row.flagged_reports == "r1,r2" and row.created_at == NOW
    assert events == 3
