"""What operations staff see: workflow summaries and audit entries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from temporalio.client import WorkflowExecution

from lieu.graphql.errors import Conflict, NotFound
from lieu.platform.access.models import AuditEntry


@strawberry.enum(description="Temporal execution statuses operations look for.")
class WorkflowStatus(enum.Enum):
    RUNNING = "Running"
    FAILED = "Failed"
    TIMED_OUT = "TimedOut"
    TERMINATED = "Terminated"
    CANCELED = "Canceled"
    COMPLETED = "Completed"
    CONTINUED_AS_NEW = "ContinuedAsNew"


@strawberry.type(description="A Temporal workflow of your plan.")
class WorkflowSummary:
    id: str
    run_id: str
    workflow_type: str
    status: WorkflowStatus | None
    task_queue: str
    started_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, execution: WorkflowExecution) -> WorkflowSummary:
        return cls(
            id=execution.id,
            run_id=execution.run_id,
            workflow_type=execution.workflow_type,
            status=WorkflowStatus[execution.status.name] if execution.status else None,
            task_queue=execution.task_queue,
            started_at=execution.start_time,
            closed_at=execution.close_time,
        )


@strawberry.type(description="One line of the audit log.")
class AuditLogEntry:
    at: datetime
    token_id: str
    role: str
    provider: str | None
    action: str
    target: str
    outcome: str
    client_ip: str
    user_agent: str
    detail: str

    @classmethod
    def of(cls, row: AuditEntry) -> AuditLogEntry:
        return cls(
            at=row.at,
            token_id=row.token_id,
            role=row.role,
            provider=row.provider,
            action=row.action,
            target=row.target,
            outcome=row.outcome,
            client_ip=row.client_ip,
            user_agent=row.user_agent,
            detail=row.detail,
        )


@strawberry.type(description="The workflow was acted on.")
class WorkflowActed:
    id: str
    action: str
    run_id: str | None


RetryWorkflowResult = Annotated[
    WorkflowActed | NotFound | Conflict, strawberry.union("RetryWorkflowResult")
]
