"""`lieu migrate`, `lieu api`, `lieu worker`: each usable alone (Postgres + a Temporal cluster)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import typer
import uvicorn

from lieu import logs
from lieu.commands.database import DATABASE_FAILURES, require_database
from lieu.commands.errors import (
    database_unreachable,
    is_temporal_connect_failure,
    temporal_unreachable,
)
from lieu.platform.db import migrate as migrations
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings, console_secret, member_key_secret, payload_keys
from lieu.workflows.worker import run_worker


async def migrate_database(settings: Settings, revision: str = "head") -> str | None:
    """Upgrade the database to `revision`; returns the revision it is at afterwards."""
    engine = create_engine(settings.database_url)
    try:
        await migrations.upgrade(engine, revision)
        return await migrations.current(engine)
    except DATABASE_FAILURES as failure:
        raise database_unreachable(settings.database_url, failure) from None
    finally:
        await engine.dispose()


def migrate(
    revision: str = typer.Option("head", help="Alembic revision to upgrade to."),
) -> None:
    """Create or upgrade lieu's tables in LIEU_DATABASE_URL."""
    settings = Settings.from_env()
    logs.configure(settings)
    at = asyncio.run(migrate_database(settings, revision))
    typer.echo(f"database at revision {at}")


def api(
    host: str | None = typer.Option(None, help="Interface to bind (default LIEU_API_HOST)."),
    port: int | None = typer.Option(None, help="Port to bind (default LIEU_API_PORT)."),
    workers: int = typer.Option(1, min=1, help="Server processes (stateless; scale freely)."),
) -> None:
    """Serve /graphql, /admin, /healthz and /metrics with uvicorn."""
    settings = Settings.from_env()
    logs.configure(settings)
    require_database(settings)
    console_secret(settings)  # a data dir it cannot write to is one line here, not a traceback
    payload_keys(settings)  # so is a bad LIEU_PAYLOAD_KEYS
    member_key_secret(settings)
    uvicorn.run(
        "lieu.app:serving_process",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        log_config=None,
        access_log=False,  # lieu's logging keeps uvicorn.access at WARNING: nothing to format
        timeout_graceful_shutdown=10,
        **proxy_options(settings),
    )


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: forwarded headers believed only from LIEU_TRUSTED_PROXIES (by
    default from nobody: a client on the same host cannot set the audited address)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies}


def worker() -> None:
    """Run a Temporal worker on LIEU_TASK_QUEUE until SIGTERM or Ctrl-C, then drain gracefully."""
    settings = Settings.from_env()
    logs.configure(settings)
    require_database(settings)
    payload_keys(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            await run_worker(settings, stop=stop)
        except RuntimeError as failure:
            if is_temporal_connect_failure(failure):
                raise temporal_unreachable(settings.temporal_address, failure) from None
            raise

    asyncio.run(main())
