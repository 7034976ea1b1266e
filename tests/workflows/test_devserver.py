"""`DevServer.start` returns only once the frontend answers its health check: a listening port
alone let a client connect and then fail with "Frontend is not healthy yet" (seen in a bench)."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import Client

from lieu.workflows.client import temporal_is_up
from lieu.workflows.devserver import DevServer, free_port
from tests.payload_keys import sealed_converter

pytestmark = pytest.mark.temporal


def test_start_waits_for_the_health_check_not_only_the_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = DevServer._serving
    answers: list[bool] = []

    def slow_to_serve(server: DevServer) -> bool:
        # the first two checks say "not yet", as a loaded machine's fresh server does
        answer = real(server) and len(answers) >= 2
        answers.append(answer)
        return answer

    monkeypatch.setattr(DevServer, "_serving", slow_to_serve)
    server = DevServer(port=free_port(), ui_port=None).start()
    try:
        assert answers[-1] is True and answers.count(False) >= 2
        assert asyncio.run(_healthy(server.address))
    finally:
        server.stop()


async def _healthy(address: str) -> bool:
    client = await Client.connect(address, data_converter=sealed_converter())
    return await temporal_is_up(client)
