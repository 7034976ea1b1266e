"""Election activities: every database read and write the election workflow needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.elections import history
from lieu.platform.elections.changes import ChangeKind, Refusal, check_against_offerings
from lieu.platform.elections.mandates import county_gap, first_in_force, not_in_force_message
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
            first = await first_in_force(session, plan=change.plan)
        try:
            check_against_offerings(
                change, cycle=request.cycle, offered_on_start=offered, published=published
            )
            if change.kind is ChangeKind.ADD:
                check_in_force_and_mandates(request, offered, first)
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


def check_in_force_and_mandates(
    request: CheckChange, offered: frozenset[str], first: dict[str, date]
) -> None:
    """Refuse an addition for a date before the support's definition is in force, or one that
    would serve a county without a support mandatory on the cycle date."""
    change, on = request.change, request.cycle.start
    starts = first.get(change.support)
    if starts is None or on < starts:
        raise Refusal("support_not_in_force", not_in_force_message(change.support, on, starts))
    gap = county_gap(
        county=change.county,
        on=on,
        adding=change.support,
        offered=offered,
        pending_adds=[
            p.support
            for p in request.pending
            if p.county == change.county and p.kind is ChangeKind.ADD
        ],
        mandates=request.mandatory,
    )
    if gap is not None:
        raise Refusal("mandatory_support_missing", gap.message())
