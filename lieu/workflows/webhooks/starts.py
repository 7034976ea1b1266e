"""Starting delivery workflows: one per outbox row, its workflow id the row's id, so a second
start (the sweep after the projection, or two sweeps) starts nothing."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from lieu.settings import Settings
from lieu.workflows.webhooks.types import DeliveryInput, SweepInput
from lieu.workflows.webhooks.workflow import (
    SWEEP_ID,
    WebhookDeliveryWorkflow,
    WebhookSweepWorkflow,
)


@dataclass(frozen=True, slots=True)
class DeliveryStarter:
    """Starts deliveries with the retry policy the settings give."""

    first_retry_seconds: float
    attempts: int

    @classmethod
    def of(cls, settings: Settings) -> DeliveryStarter:
        return cls(float(settings.webhook_first_retry_seconds), settings.webhook_attempts)

    async def start(self, client: Client, ids: Sequence[str], *, task_queue: str) -> list[str]:
        """Start each delivery unless it was started before (then it is left alone); the ids
        now known to be started."""
        started = []
        for delivery_id in ids:
            # started before (and maybe finished): left alone
            with suppress(WorkflowAlreadyStartedError):
                await client.start_workflow(
                    WebhookDeliveryWorkflow.run,
                    DeliveryInput(
                        delivery_id,
                        first_retry_seconds=self.first_retry_seconds,
                        attempts=self.attempts,
                    ),
                    id=delivery_id,
                    task_queue=task_queue,
                    # Never a second run of the same delivery, even after the first completed.
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            started.append(delivery_id)
        return started


async def ensure_sweep(
    client: Client, settings: Settings, *, task_queue: str | None = None
) -> WorkflowHandle[WebhookSweepWorkflow, None]:
    """Start the webhook sweep unless it runs (safe at every worker start)."""
    return await client.start_workflow(
        WebhookSweepWorkflow.run,
        SweepInput(every_seconds=float(settings.webhook_sweep_seconds)),
        id=SWEEP_ID,
        task_queue=task_queue or settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
