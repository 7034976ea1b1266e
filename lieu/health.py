"""Readiness of the parts lieu depends on: the database and the Temporal server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

CHECK_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency's state: `ok`, or the reason it is not."""

    name: str
    ok: bool
    detail: str


async def _timed(name: str, probe: Callable[[], Awaitable[str]]) -> Check:
    try:
        return Check(name, True, await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS))
    except TimeoutError:
        return Check(name, False, f"no answer within {CHECK_TIMEOUT_SECONDS:g}s")
    except Exception as failure:  # a health check reports every failure, whatever its type
        return Check(name, False, f"{type(failure).__name__}: {failure}".splitlines()[0][:300])


async def check_database(engine: AsyncEngine) -> Check:
    """Can we run a query?"""

    async def probe() -> str:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "ok"

    return await _timed("database", probe)


async def check_temporal(client: Client, address: str) -> Check:
    """Does the Temporal frontend answer its health check?"""

    async def probe() -> str:
        if not await client.service_client.check_health():
            raise RuntimeError(f"Temporal at {address} reports it is not serving")
        return "ok"

    check = await _timed("temporal", probe)
    if check.ok:
        return check
    return Check("temporal", False, f"unreachable at {address} ({check.detail})")


async def check_all(engine: AsyncEngine, client: Client, temporal_address: str) -> list[Check]:
    """Every check, run concurrently."""
    return list(
        await asyncio.gather(check_database(engine), check_temporal(client, temporal_address))
    )
