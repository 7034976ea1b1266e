"""Run the real ASGI app under uvicorn inside a test, on a free port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from lieu.app import create_app
from lieu.commands.serve import proxy_options
from lieu.settings import Settings
from lieu.workflows.devserver import free_port


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """Serve `create_app(settings)` until the block ends; yields the base URL."""
    async with serve_app(create_app(settings), **proxy_options(settings)) as base:
        yield base


@asynccontextmanager
async def serve_app(app: ASGIApp, host: str = "127.0.0.1", **options: Any) -> AsyncIterator[str]:
    """Serve any ASGI app on `host` and a free port until the block ends; yields the base URL
    (`options`: more of uvicorn's, e.g. `lieu api`'s proxy options)."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        lifespan="on",
        **{"proxy_headers": False, **options},
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
