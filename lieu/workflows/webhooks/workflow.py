"""The webhook workflows: one delivery per outbox row (its id is the row's id, so starting it
twice starts it once), and the sweep that starts those nobody started."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from lieu.workflows.webhooks.types import (
        Attempt,
        DeliveryInput,
        DeliveryOutcome,
        GiveUp,
        SweepInput,
        SweepRound,
        Swept,
    )

POST_TIMEOUT = timedelta(seconds=30)
BOOKKEEPING = timedelta(seconds=30)


@workflow.defn(name="WebhookDelivery")
class WebhookDeliveryWorkflow:
    """POST one status change to one endpoint, retried with exponential backoff until it is
    answered 2xx or the attempts are spent (then the row is marked failed). No signals,
    queries or updates."""

    @workflow.run
    async def run(self, given: DeliveryInput) -> DeliveryOutcome:
        retry = RetryPolicy(
            initial_interval=timedelta(seconds=given.first_retry_seconds),
            backoff_coefficient=given.backoff,
            maximum_interval=timedelta(seconds=given.longest_wait_seconds),
            maximum_attempts=given.attempts,
            non_retryable_error_types=["delivery_not_found"],
        )
        try:
            attempt: Attempt = await workflow.execute_activity(
                "webhooks.post",
                given.delivery_id,
                result_type=Attempt,
                start_to_close_timeout=POST_TIMEOUT,
                retry_policy=retry,
            )
        except ActivityError as failed:
            why = f"gave up after {given.attempts} attempts: {failed.cause or failed}"
            await workflow.execute_activity(
                "webhooks.give_up",
                GiveUp(given.delivery_id, why),
                start_to_close_timeout=BOOKKEEPING,
            )
            return DeliveryOutcome(given.delivery_id, delivered=False, why=why)
        return DeliveryOutcome(given.delivery_id, attempt.delivered, attempt.skipped)


SWEEP_ID = "lieu-webhook-sweep"


@workflow.defn(name="WebhookSweep")
class WebhookSweepWorkflow:
    """Every few seconds, start the delivery workflows of outbox rows nobody started (a process
    died between the projection's commit and the start); continues as new. No signals, queries
    or updates."""

    @workflow.run
    async def run(self, given: SweepInput) -> None:
        for _ in range(given.rounds):
            await workflow.execute_activity(
                "webhooks.sweep",
                SweepRound(given.grace_seconds, given.batch),
                result_type=Swept,
                start_to_close_timeout=timedelta(minutes=2),
            )
            await workflow.sleep(timedelta(seconds=given.every_seconds))
        workflow.continue_as_new(given)
