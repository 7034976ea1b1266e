"""A world to run authorizations in: definitions published, members enrolled, elections made,
and a worker with lieu's real workflows and activities on the time-skipping server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from lieu.platform.authorizations.status import Status
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.directory import load_directory
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.elections.seed import SeedElection, import_elections
from lieu.platform.members.service import upsert_member
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.authorizations.service import NewRequest, request_authorization
from lieu.workflows.authorizations.types import AuthorizationState
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from tests import database_templates

DEFINITIONS = Path(__file__).resolve().parents[2] / "benefit_definitions"
PLAN = "demo-plan"
COUNTY = "los-angeles"
NOT_OFFERED_HERE = "sobering-centers"


WORLD = "authorizations world"  # the session's template of what `prepare_database` writes


def first_in_force(support: str) -> date:
    """Elected from 2022, or from the day its first definition is (transitional rent)."""
    return date(2025, 7, 1) if support == "transitional-rent" else date(2022, 1, 1)


async def _publish_and_elect(engine: AsyncEngine) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        await load_directory(session=session, root=DEFINITIONS, actor="test")
        rows = [
            SeedElection(COUNTY, support, first_in_force(support))
            for support in sorted(SUPPORTS - {NOT_OFFERED_HERE})
        ]
        await import_elections(session=session, plan=PLAN, rows=rows, actor="test")


async def _build_world(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await _publish_and_elect(engine)
    finally:
        await engine.dispose()


async def prepare_database(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Publish the shipped definitions and elect every support but one in Los Angeles.

    On a migrated database that holds nothing yet, that is a copy of the session's template
    (published once per session); otherwise it is written here, on top of what is there."""
    templates = database_templates.active()
    url = engine.url.render_as_string(hide_password=False)
    if templates is None or not await templates.restore(url, WORLD, _build_world, engine=engine):
        await _publish_and_elect(engine)
    return create_session_factory(for_writes(engine))


async def enroll(engine: AsyncEngine, cin: str, name: str, **changes: Any) -> dict[str, Any]:
    """Enroll a seed member (benefit_definitions/members/<name>.yaml) with changed facts."""
    facts = member_facts({"base": name, **changes} if changes else name)
    async with create_session_factory(for_writes(engine)).begin() as session:
        await upsert_member(session=session, plan=PLAN, cin=cin, facts=facts)
    return facts


def cin() -> str:
    """A fresh synthetic CIN."""
    return f"{uuid.uuid4().int % 10**8:08d}X"


@dataclass
class World:
    """Everything a test needs to request and drive authorizations."""

    env: WorkflowEnvironment
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    task_queue: str
    search_attributes: bool = False  # the time-skipping server has no custom ones

    @property
    def client(self) -> Client:
        return self.env.client

    async def today(self) -> date:
        """The plan's date on the server's clock (demo-plan works on California's)."""
        return CALIFORNIA.local_date(await self.env.get_current_time())

    async def advance_to(self, day: date, hour: int = 12) -> None:
        target = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        now = await self.env.get_current_time()
        assert target > now, f"cannot go back from {now} to {target}"
        await self.env.sleep(target - now)

    async def advance(self, delta: timedelta) -> None:
        await self.env.sleep(delta)

    async def request(
        self,
        member: str,
        support: str,
        quantity: str,
        *,
        start: date | None = None,
        measure: str | None = None,
        key: str | None = None,
        provider: str = "org-a",
    ) -> WorkflowHandle[AuthorizationWorkflow, AuthorizationState]:
        return await request_authorization(
            self.client,
            self.sessions,
            NewRequest(
                plan=PLAN,
                member_cin=member,
                support=support,
                provider=provider,
                requested_by="discharge-planner@hospital",
                service_start=start or await self.today(),
                quantity=Decimal(quantity),
                idempotency_key=key or uuid.uuid4().hex,
                unit=measure,
            ),
            task_queue=self.task_queue,
            search_attributes=self.search_attributes,
            received_at=await self.env.get_current_time(),
        )


async def settle(
    handle: WorkflowHandle[AuthorizationWorkflow, AuthorizationState],
    ready: Callable[[AuthorizationState], bool] = lambda state: state.status is not Status.RECEIVED,
    *,
    seconds: float = 15.0,
) -> AuthorizationState:
    """The state once `ready` holds (the workflow works asynchronously to the test)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        state = await handle.query(AuthorizationWorkflow.state)
        if ready(state):
            return state
        assert asyncio.get_running_loop().time() < deadline, f"never ready: {state.status}"
        await asyncio.sleep(0.02)


@asynccontextmanager
async def world(
    env: WorkflowEnvironment, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[World]:
    """A worker with every registered workflow and activity, over `engine`."""
    await prepare_database(engine)
    queue = f"auth-{uuid.uuid4().hex[:8]}"
    deps = registry.dependencies(settings.with_(task_queue=queue), engine)
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=list(registry.workflows()),
        activities=list(registry.activities(deps)),
        workflow_runner=registry.workflow_runner(),
    ):
        yield World(env, engine, create_session_factory(engine), queue)
