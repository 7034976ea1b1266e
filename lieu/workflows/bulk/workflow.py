"""`BulkWorkflow`: one run of a frozen bulk action, item after item, through the authorization
command API (the activity sends each command with a key derived from the batch and the item, so
a re-run never does an item twice)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from lieu.platform.batches.service import Outcome
    from lieu.workflows.bulk.activities import BulkActivities
    from lieu.workflows.bulk.types import (
        ApplyInput,
        BulkReport,
        BulkRun,
        EndInput,
        FailInput,
        ItemResult,
        StopBatch,
    )

TIMEOUT = timedelta(seconds=60)
# An item's command is retried a few times (Temporal or the database busy); past that the item
# is reported failed with the error, and the batch goes on with the next.
ITEM_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="BulkAction")
class BulkWorkflow:
    """One run of a batch. Update: `stop` (items not reached are skipped). Query: `progress`."""

    def __init__(self) -> None:
        self._report = BulkReport()
        self._stop: StopBatch | None = None

    @workflow.run
    async def run(self, start: BulkRun) -> BulkReport:
        begun = await workflow.execute_activity_method(
            BulkActivities.begin, start, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
        self._report = BulkReport(left=len(begun.numbers))
        for number in begun.numbers:
            if self._stop is not None:
                break
            result = await self._apply(ApplyInput(start.batch_id, number, start.run))
            self._count(result)
        stopped = self._stop is not None and self._report.left > 0
        await workflow.execute_activity_method(
            BulkActivities.end,
            EndInput(start.batch_id, start.run, stopped),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        self._report = replace(self._report, stopped=stopped)
        return self._report

    async def _apply(self, item: ApplyInput) -> ItemResult:
        try:
            return await workflow.execute_activity_method(
                BulkActivities.apply, item, start_to_close_timeout=TIMEOUT, retry_policy=ITEM_RETRY
            )
        except ActivityError as failed:
            cause = failed.cause
            message = str(cause.message if cause is not None else failed.message)  # type: ignore[attr-defined]
            return await workflow.execute_activity_method(
                BulkActivities.fail,
                FailInput(item.batch_id, item.authorization_id, item.run, message),
                start_to_close_timeout=TIMEOUT,
                retry_policy=RETRY,
            )

    def _count(self, result: ItemResult) -> None:
        r = self._report
        self._report = replace(
            r,
            done=r.done + (result.outcome == Outcome.DONE),
            refused=r.refused + (result.outcome == Outcome.REFUSED),
            failed=r.failed + (result.outcome == Outcome.FAILED),
            left=r.left - 1,
        )

    @workflow.update
    async def stop(self, stop: StopBatch) -> BulkReport:
        """Stop after the item in hand (the rest are reported skipped); answers how far the
        run has come. An update, not a signal: the console learns that the run took it."""
        self._stop = stop
        return self._report

    @workflow.query
    def progress(self) -> BulkReport:
        """How far this run has come."""
        return self._report
