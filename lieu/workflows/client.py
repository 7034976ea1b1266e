"""Connecting to Temporal: one place that knows the address, namespace and data converter."""

from __future__ import annotations

from temporalio.client import Client

from lieu.settings import Settings
from lieu.workflows.converter import data_converter


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    """A Temporal client for the namespace; `lazy` defers connecting until the first call."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        # Workflow and activity payloads are frozen dataclasses with dates; pydantic converts them.
        data_converter=data_converter,
        lazy=lazy,
    )


async def temporal_is_up(client: Client) -> bool:
    """True when the Temporal frontend answers its health check."""
    try:
        return await client.service_client.check_health()
    except Exception:
        return False
