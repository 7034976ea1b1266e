"""The lieu worker: polls lieu's task queue and runs the registry's workflows and activities."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker

from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.client import connect
from lieu.workflows.search import register as register_search_attributes
from lieu.workflows.webhooks.starts import ensure_sweep

log = structlog.get_logger(__name__)

GRACEFUL_SHUTDOWN = timedelta(seconds=10)


async def connect_with_retry(settings: Settings, *, attempts: int = 60) -> Client:
    """Connect to Temporal, waiting for it to come up (a cluster may start after the worker)."""
    for attempt in range(1, attempts + 1):
        try:
            return await connect(settings, worker=True)
        except RuntimeError as failure:
            if attempt == attempts:
                raise
            log.warning(
                "temporal not reachable yet",
                address=settings.temporal_address,
                attempt=attempt,
                error=str(failure).splitlines()[0][:200],
            )
            await asyncio.sleep(min(5.0, 0.5 * attempt))
    raise AssertionError("unreachable")


def build_worker(
    client: Client,
    settings: Settings,
    deps: registry.Dependencies,
    *,
    task_queue: str | None = None,
    also: Sequence[Any] = (),
    also_passed_through: Sequence[str] = (),
) -> Worker:
    """A worker for lieu's task queue with every registered workflow and activity; `also`
    adds workflow classes and activities run the same way (a benchmark's floor), from the
    modules `also_passed_through`."""
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[*registry.workflows(), *(w for w in also if isinstance(w, type))],
        activities=[*registry.activities(deps), *(a for a in also if not isinstance(a, type))],
        workflow_runner=registry.workflow_runner(*also_passed_through),
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


async def run_worker(settings: Settings, *, stop: asyncio.Event) -> None:
    """Run until `stop` is set, then finish in-flight activities (graceful shutdown)."""
    client = await connect_with_retry(settings)
    try:
        await register_search_attributes(client, settings.temporal_namespace)
    except RPCError as refused:  # e.g. a cloud namespace where workers may not change them
        log.warning(
            "could not register lieu's search attributes; register them once with "
            "`temporal operator search-attribute create`",
            error=str(refused),
        )
    engine = create_engine(settings.database_url)
    deps = registry.dependencies(settings, engine)
    try:
        async with build_worker(client, settings, deps):
            await ensure_sweep(client, settings)  # webhook deliveries nobody started
            log.info(
                "worker started", task_queue=settings.task_queue, temporal=settings.temporal_address
            )
            await stop.wait()
            log.info("worker stopping")
    finally:
        await engine.dispose()
    log.info("worker stopped")
