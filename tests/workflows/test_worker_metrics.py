"""`lieu worker` serves the Temporal SDK's own Prometheus metrics on LIEU_WORKER_METRICS_ADDRESS
(issue #14 point 8: the worker's task slots, polls and task latencies, for monitoring)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from lieu.settings import Settings, SettingsError
from lieu.workflows.devserver import DevServer, free_port
from lieu.workflows.worker import run_worker

pytestmark = pytest.mark.temporal


async def test_the_worker_serves_the_sdks_metrics_where_the_setting_says(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    address = f"127.0.0.1:{free_port()}"
    ready = settings.with_(
        temporal_address=temporal_dev_server.address,
        task_queue="metrics-test",
        worker_metrics_address=address,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_worker(ready, stop=stop))
    text = ""
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            for _ in range(100):  # bounded: 10 s for the worker to connect and poll
                try:
                    text = (await http.get(f"http://{address}/metrics")).text
                except httpx.TransportError:
                    text = ""
                if "temporal_worker_task_slots_available" in text:
                    break
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
    assert "temporal_worker_task_slots_available" in text
    assert 'task_queue="metrics-test"' in text


def test_the_metrics_address_is_host_and_port() -> None:
    assert Settings.from_env({}).worker_metrics_address == ""
    given = Settings.from_env({"LIEU_WORKER_METRICS_ADDRESS": "0.0.0.0:9464"})
    assert given.worker_metrics_address == "0.0.0.0:9464"
    with pytest.raises(SettingsError, match="LIEU_WORKER_METRICS_ADDRESS='9464' is not host:port"):
        Settings.from_env({"LIEU_WORKER_METRICS_ADDRESS": "9464"})
