"""`ElectionCycleWorkflow`: one plan's six-month election cycles, run forever by Temporal."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from lieu.platform.elections.calendar import Cycle
    from lieu.platform.elections.changes import ElectionChange, Refusal, check_calendar
    from lieu.platform.plans.calendar import PlanCalendar
    from lieu.workflows.elections.activities import ElectionActivities
    from lieu.workflows.elections.types import (
        ChangeAccepted,
        CheckChange,
        CycleState,
        CycleStep,
        ElectionCycleInput,
        RecordChange,
        SubmitChange,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


def election_workflow_id(plan: str) -> str:
    """The one election workflow of a plan."""
    return f"elections-{plan}"


@workflow.defn(name="ElectionCycle")
class ElectionCycleWorkflow:
    """A plan's election cycles: wait for the window, accept changes while it is open, close
    it, write the changes effective on the cycle date, then continue as new for the next cycle.

    Update: `submit_change(SubmitChange) -> ChangeAccepted` (refusals fail the update with the
    reason; calendar refusals are rejected before they reach history). Query: `state()`.
    """

    @workflow.init
    def __init__(self, start: ElectionCycleInput) -> None:
        self._input = start
        self._cycle: Cycle = start.cycle or start.calendar.next_open_cycle(_today(start.time_zone))
        self._phase = "waiting"
        self._pending: list[ElectionChange] = []
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, start: ElectionCycleInput) -> None:
        cycle = self._cycle
        await _sleep_until(cycle.window_opens, start.time_zone)
        self._phase = "open"
        await _sleep_until(cycle.window_closes, start.time_zone)
        self._phase = "closed"
        await workflow.wait_condition(workflow.all_handlers_finished)
        step = CycleStep(plan=start.plan, cycle_start=cycle.start)
        await workflow.execute_activity_method(
            ElectionActivities.schedule_cycle,
            step,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self._phase = "scheduled"
        await _sleep_until(cycle.start, start.time_zone)
        await workflow.execute_activity_method(
            ElectionActivities.mark_effective,
            step,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        workflow.continue_as_new(
            ElectionCycleInput(
                plan=start.plan,
                calendar=start.calendar,
                cycle=start.calendar.next_open_cycle(cycle.start),
                cycles_completed=start.cycles_completed + 1,
                time_zone=start.time_zone,
            )
        )

    @workflow.update
    async def submit_change(self, request: SubmitChange) -> ChangeAccepted:
        """Check a change against the offerings, record it, and keep it for the cycle."""
        async with self._lock:
            self._check_calendar(request.change)  # again: another change may have won the lock
            try:
                await workflow.execute_activity_method(
                    ElectionActivities.check_change,
                    CheckChange(
                        change=request.change,
                        cycle=self._cycle,
                        mandatory=self._input.calendar.mandatory,
                        pending=tuple(self._pending),
                    ),
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            except ActivityError as failed:
                cause = failed.cause
                if isinstance(cause, ApplicationError) and cause.non_retryable:
                    raise ApplicationError(cause.message, type=cause.type) from None
                raise
            update = workflow.current_update_info()
            change_id = await workflow.execute_activity_method(
                ElectionActivities.record_change,
                RecordChange(
                    change=request.change,
                    cycle_start=self._cycle.start,
                    request_id=f"{workflow.info().workflow_id}/{update.id if update else ''}",
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._pending.append(request.change)
            return ChangeAccepted(
                change_id=change_id, cycle_start=self._cycle.start, takes_effect=self._cycle.start
            )

    @submit_change.validator
    def _validate_change(self, request: SubmitChange) -> None:
        if request.change.plan != self._input.plan:
            raise ApplicationError(
                f"this is the election workflow of plan {self._input.plan!r}, not "
                f"{request.change.plan!r}",
                type="wrong_plan",
            )
        self._check_calendar(request.change)

    def _check_calendar(self, change: ElectionChange) -> None:
        try:
            check_calendar(
                change,
                cycle=self._cycle,
                today=_today(self._input.time_zone),
                calendar=self._input.calendar,
                pending=self._pending,
            )
        except Refusal as refusal:
            raise ApplicationError(refusal.message, type=refusal.code) from None

    @workflow.query
    def state(self) -> CycleState:
        """The current cycle, its phase and the changes accepted for it."""
        return CycleState(
            plan=self._input.plan,
            phase=self._phase,
            cycle=self._cycle,
            pending=list(self._pending),
            cycles_completed=self._input.cycles_completed,
        )


def _today(time_zone: str) -> date:
    return PlanCalendar(time_zone).local_date(workflow.now())


async def _sleep_until(day: date, time_zone: str) -> None:
    """Sleep until the plan's midnight starting `day` (no-op when it has passed)."""
    target = PlanCalendar(time_zone).day_starts(day)
    delay = target - workflow.now()
    if delay > timedelta(0):
        await workflow.sleep(delay)
