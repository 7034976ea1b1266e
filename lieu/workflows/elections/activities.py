"""Election activities: every database read and write the election workflow needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.elections import history
from lieu.platform.elections.changes import Refusal, check_against_offerings
from lieu.platform.elections.offerings import offered_supports, published_for_plan
from lieu.workflows.elections.types import CheckChange, CycleStep, RecordChange


class ElectionActivities:
    """Bound to session factories by the worker; each activity is one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
    ) -> None:
        self.sessions = sessions
        self.writes = writes

    def all(self) -> Sequence[Callable[..., Any]]:
        """Every activity of this class, for the worker's registry."""
        return [self.check_change, self.record_change, self.schedule_cycle, self.mark_effective]

    @activity.defn(name="elections.check_change")
    async def check_change(self, request: CheckChange) -> None:
        """Refuse (non-retryable, with the reason) a change the current offerings do not allow."""
        change = request.change
        async with self.sessions() as session:
            offered = await offered_supports(
                session=session, plan=change.plan, county=change.county, on=request.cycle.start
            )
            published = await published_for_plan(session=session, plan=change.plan)
        try:
            check_against_offerings(
                change, cycle=request.cycle, offered_on_start=offered, published=published
            )
        except Refusal as refusal:
            raise ApplicationError(refusal.message, type=refusal.code, non_retryable=True) from None

    @activity.defn(name="elections.record_change")
    async def record_change(self, request: RecordChange) -> int:
        """Store an accepted change as pending history; returns its id."""
        async with self.writes.begin() as session:
            return await history.record_change(
                session=session,
                change=request.change,
                cycle_start=request.cycle_start,
                request_id=request.request_id,
            )

    @activity.defn(name="elections.schedule_cycle")
    async def schedule_cycle(self, step: CycleStep) -> int:
        """Write the cycle's changes as elections dated on the cycle start."""
        async with self.writes.begin() as session:
            return await history.schedule_cycle(
                session=session, plan=step.plan, cycle_start=step.cycle_start
            )

    @activity.defn(name="elections.mark_effective")
    async def mark_effective(self, step: CycleStep) -> int:
        """Record that the cycle's changes are in effect."""
        async with self.writes.begin() as session:
            return await history.mark_effective(
                session=session, plan=step.plan, cycle_start=step.cycle_start
            )
