"""A seeded lieu for GraphQL tests: migrated database, definitions, elections, members, tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from lieu.app import create_app
from lieu.runtime import Runtime
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.graphql.graphql_stack import Api, Seeded, seeded_stack


@pytest.fixture
async def seeded(settings: Settings, temporal_dev_server: DevServer) -> AsyncIterator[Seeded]:
    """On SQLite, with its own task queue on the shared Temporal dev server."""
    ready = settings.with_(
        temporal_address=temporal_dev_server.address, task_queue=f"gql-{uuid.uuid4().hex[:8]}"
    )
    async for stack in seeded_stack(ready):
        yield stack


@pytest.fixture
async def seeded_any(
    settings: Settings, database_url: str, temporal_dev_server: DevServer
) -> AsyncIterator[Seeded]:
    """The same, once on SQLite and once on PostgreSQL."""
    ready = settings.with_(
        database_url=database_url,
        temporal_address=temporal_dev_server.address,
        task_queue=f"gql-{uuid.uuid4().hex[:8]}",
    )
    async for stack in seeded_stack(ready):
        yield stack


@asynccontextmanager
async def in_process(settings: Settings) -> AsyncIterator[Api]:
    """The app with its runtime opened, called through httpx's ASGI transport."""
    app = create_app(settings)
    runtime = await Runtime.open(settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://lieu.test", timeout=30
        ) as http:
            yield Api(http, runtime)
    finally:
        await runtime.close()


@pytest.fixture
async def api(seeded: Seeded) -> AsyncIterator[Api]:
    """GraphQL over the seeded SQLite stack."""
    async with in_process(seeded.settings) as client:
        yield client


@pytest.fixture
async def api_any(seeded_any: Seeded) -> AsyncIterator[Api]:
    """GraphQL over the seeded stack, on SQLite and on PostgreSQL."""
    async with in_process(seeded_any.settings) as client:
        yield client
