"""Record a history for the replay test: `python -m tests.workflows.record_history [NAME.json]`.

Run it only when a change to `AuthorizationWorkflow` is meant to change its commands, and put
that change behind `workflow.patched(...)` so histories recorded before it still replay.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from lieu.platform.authorizations.status import Decision
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows.authorizations.types import ProviderResponse, ReviewDecision, ServiceReport
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from tests.workflows.authorizations import cin, enroll, world

HISTORIES = Path(__file__).resolve().parent / "histories"
# Each file is kept forever: histories recorded before a patch must still replay after it.
HISTORY = HISTORIES / "recuperative_care_review_opens_at_once.json"


async def record(target: Path = HISTORY) -> None:
    """Run a whole recuperative-care authorization and write its history as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/lieu.db"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        env = await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter,
            test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        )
        settings = Settings.from_env({"LIEU_DATA_DIR": tmp, "LIEU_DATABASE_URL": url})
        try:
            async with world(env, engine, settings) as w:
                today = await w.today()
                member = cin()
                await enroll(
                    engine,
                    member,
                    "ray",
                    recent_discharge={"date": (today - timedelta(days=1)).isoformat()},
                )
                handle = await w.request(member, "recuperative-care", "20", key="history")
                await asyncio.sleep(1)
                await handle.execute_update(
                    AuthorizationWorkflow.report_service,
                    ServiceReport("r1", "org-a", today, today + timedelta(days=4), Decimal(5)),
                )
                await handle.execute_update(
                    AuthorizationWorkflow.decide,
                    ReviewDecision("um", Decision.APPROVE, "skilled need documented"),
                )
                await asyncio.sleep(1)
                await handle.execute_update(
                    AuthorizationWorkflow.respond, ProviderResponse("org-a", True)
                )
                await handle.result()
                history = await handle.fetch_history()
                await asyncio.to_thread(target.write_text, history.to_json())
        finally:
            await env.shutdown()
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(record(HISTORIES / sys.argv[1] if len(sys.argv) > 1 else HISTORY))
    sys.stdout.flush()
    os._exit(0)  # temporalio may abort at interpreter exit (sdk-python#300)
