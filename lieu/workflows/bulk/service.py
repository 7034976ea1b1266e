"""Starting and stopping a batch's run: the console calls these, and only these."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lieu.workflows.bulk.types import BulkReport, BulkRun, StopBatch
from lieu.workflows.bulk.workflow import BulkWorkflow

Handle = WorkflowHandle[BulkWorkflow, BulkReport]


class BatchNotRunnable(Exception):
    """The run cannot start or stop as asked; the message says why."""


def workflow_id(batch_id: str) -> str:
    """Every run of a batch is an execution of one workflow id (its history lists them)."""
    return f"bulk-{batch_id}"


async def start_run(client: Client, batch_id: str, run: int, *, task_queue: str) -> Handle:
    """Start the batch's `run`-th run; refused while another run of it is open."""
    try:
        return await client.start_workflow(
            BulkWorkflow.run,
            BulkRun(batch_id, run),
            id=workflow_id(batch_id),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError:
        raise BatchNotRunnable(
            f"batch {batch_id} is already running; wait for it to end or stop it"
        ) from None


async def stop_run(client: Client, batch_id: str, actor: str, reason: str = "") -> None:
    """Stop the open run after the item in hand."""
    handle: Handle = client.get_workflow_handle_for(BulkWorkflow.run, workflow_id(batch_id))
    try:
        await handle.execute_update(BulkWorkflow.stop, StopBatch(actor, reason))
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise BatchNotRunnable(f"batch {batch_id} is not running: nothing to stop") from None
        raise
