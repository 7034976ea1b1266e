"""Connecting to Temporal: one place that knows the address, namespace and data converter."""

from __future__ import annotations

import hashlib

from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from lieu.settings import Settings, payload_keys
from lieu.workflows.codec import encrypted_converter


async def connect(settings: Settings, *, lazy: bool = False, worker: bool = False) -> Client:
    """A Temporal client for the namespace; `lazy` defers connecting until the first call. A
    `worker`'s client serves the SDK's Prometheus metrics (task slots, polls, schedule-to-start
    latency, workflow and activity outcomes) on LIEU_WORKER_METRICS_ADDRESS when it is set."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        # Workflow and activity payloads are frozen dataclasses with dates; pydantic converts
        # them, and they travel and are stored sealed (AES-GCM, LIEU_PAYLOAD_KEYS).
        data_converter=converter_for(settings),
        lazy=lazy,
        runtime=metrics_runtime(settings.worker_metrics_address) if worker else None,
    )


_RUNTIMES: dict[str, Runtime] = {}


def metrics_runtime(address: str) -> Runtime | None:
    """The SDK runtime that serves Prometheus metrics on `address` (one per address and
    process: the port is bound once); None when no address is set."""
    if not address:
        return None
    if address not in _RUNTIMES:
        _RUNTIMES[address] = Runtime(
            telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address))
        )
    return _RUNTIMES[address]


def converter_for(settings: Settings) -> DataConverter:
    """The data converter of every client lieu builds: pydantic JSON, sealed with the settings'
    payload keys (LIEU_PAYLOAD_KEYS, or the data dir's `payload.keys`)."""
    return encrypted_converter(payload_keys(settings))


def update_id(workflow_id: str, key: str) -> str:
    """The Temporal update id of a command sent with an idempotency key: a digest of it, since
    update ids are stored in plaintext in the history and a key is the client's free text (it
    may name the member); the same key on the same workflow is the same id."""
    digest = hashlib.sha256(f"{workflow_id}\x1f{key}".encode()).hexdigest()
    return f"u-{digest[:32]}"


async def temporal_is_up(client: Client) -> bool:
    """True when the Temporal frontend answers its health check."""
    try:
        return await client.service_client.check_health()
    except Exception:
        return False
