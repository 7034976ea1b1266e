"""The one list of workflows and activities a lieu worker runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.worker import WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.settings import Settings

NOTICES_FOLDER = "notices"  # a plan's notice templates: <definitions>/notices/<plan>/


@dataclass(frozen=True, slots=True)
class Dependencies:
    """What activities need from the outside world, built once by the worker."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]  # reads
    writes: async_sessionmaker[AsyncSession]  # read-then-write transactions (see `for_writes`)


def dependencies(settings: Settings, engine: AsyncEngine) -> Dependencies:
    """The activities' dependencies over one engine."""
    return Dependencies(
        settings=settings,
        sessions=create_session_factory(engine),
        writes=create_session_factory(for_writes(engine)),
    )


def workflow_runner(*also: str) -> WorkflowRunner:
    """The sandbox lieu's workflows run in, with lieu's own modules passed through: they are
    imported once per process, not again for each workflow run (they hold no mutable state and
    the workflow code reads no clock or randomness but Temporal's). `also` passes more through
    (a benchmark's floor workflow, to be run the same way)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules("lieu", *also)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def workflows() -> Sequence[type]:
    """Every workflow class lieu runs."""
    from lieu.workflows.appeals.workflow import AppealWorkflow
    from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
    from lieu.workflows.bulk.workflow import BulkWorkflow
    from lieu.workflows.elections.workflow import ElectionCycleWorkflow
    from lieu.workflows.webhooks.workflow import WebhookDeliveryWorkflow, WebhookSweepWorkflow

    return [
        AuthorizationWorkflow,
        AppealWorkflow,
        ElectionCycleWorkflow,
        BulkWorkflow,
        WebhookDeliveryWorkflow,
        WebhookSweepWorkflow,
    ]


def activities(deps: Dependencies) -> Sequence[Callable[..., Any]]:
    """Every activity, bound to its dependencies."""
    from lieu.platform.notices.templates import NoticeTemplates
    from lieu.workflows.appeals.activities import AppealActivities
    from lieu.workflows.authorizations.activities import AuthorizationActivities
    from lieu.workflows.bulk.activities import BulkActivities
    from lieu.workflows.elections.activities import ElectionActivities
    from lieu.workflows.notices.activities import NoticeActivities
    from lieu.workflows.webhooks.activities import WebhookActivities
    from lieu.workflows.webhooks.starts import DeliveryStarter

    starter = DeliveryStarter.of(deps.settings)
    authorizations = AuthorizationActivities(deps.sessions, deps.writes, starter)
    webhooks = WebhookActivities(deps.sessions, deps.writes, starter)
    elections = ElectionActivities(deps.sessions, deps.writes)
    templates = NoticeTemplates(deps.settings.definitions_dir / NOTICES_FOLDER)
    notices = NoticeActivities(deps.sessions, deps.writes, templates)
    appeals = AppealActivities(deps.writes)
    bulk = BulkActivities(deps.writes)
    return [
        *authorizations.all(),
        *elections.all(),
        *notices.all(),
        *appeals.all(),
        *bulk.all(),
        *webhooks.all(),
    ]
