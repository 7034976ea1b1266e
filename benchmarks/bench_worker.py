"""A worker process of `lieu bench authorizations`: `lieu worker`'s worker, with the floor.

`python -m benchmarks.bench_worker QUEUE [QUEUE …]` runs, in one process, a worker built as
`lieu worker` builds it (`build_worker`: lieu's workflows and activities, its sandbox and
settings) on each queue, with the floor's workflow and no-op activity registered beside them,
so lieu and the floor run in the same process under the same settings. It reads its settings
from the environment (LIEU_DATABASE_URL, LIEU_TEMPORAL_ADDRESS) and stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from contextlib import AsyncExitStack

from benchmarks.bare_workflow import BareAuthorization, noop
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.client import connect
from lieu.workflows.worker import build_worker

READY = "bench worker ready"  # printed once every queue is polled


async def serve(queues: list[str]) -> None:
    """Run one worker per queue until SIGTERM, then shut them down gracefully."""
    settings = Settings.from_env()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    client = await connect(settings)
    engine = create_engine(settings.database_url)
    deps = registry.dependencies(settings, engine)
    try:
        async with AsyncExitStack() as workers:
            for queue in queues:
                await workers.enter_async_context(
                    build_worker(
                        client,
                        settings,
                        deps,
                        task_queue=queue,
                        also=[BareAuthorization, noop],
                        also_passed_through=["benchmarks", "lieu_benchmarks"],
                    )
                )
            print(READY, flush=True)
            await stop.wait()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1:]))
    sys.stdout.flush()
    sys.stderr.flush()
    # as `lieu` ends: after a clean shutdown, skip interpreter teardown (temporalio sdk-python#300)
    os._exit(0)
