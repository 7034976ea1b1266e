"""`lieu dev` starts a child again when it dies (a worker killed mid-step no longer stops the
whole stack), and stops only when one keeps dying: real child processes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from lieu.commands.dev import RESTARTS, Supervisor
from lieu.workflows.devserver import free_port


def _gone(supervisor: Supervisor, seconds: float = 30.0) -> tuple[str, int]:
    deadline = time.monotonic() + seconds
    while (gone := supervisor.exited()) is None:
        assert time.monotonic() < deadline, "the child never exited"
        time.sleep(0.05)
    return gone


@pytest.mark.long
def test_a_killed_child_is_started_again_and_one_that_keeps_dying_is_not() -> None:
    supervisor = Supervisor()
    try:
        supervisor.spawn("worker", ["--help"])  # a child that exits at once, like a crash loop
        first = supervisor.children[0][1]
        assert _gone(supervisor)[0] == "worker"
        assert supervisor.restart("worker")
        second = supervisor.children[0][1]
        assert second.pid != first.pid and len(supervisor.children) == 1
        for _ in range(RESTARTS - 1):
            _gone(supervisor)
            assert supervisor.restart("worker")
        _gone(supervisor)
        assert not supervisor.restart("worker")  # RESTARTS within the window: it cannot start
    finally:
        supervisor.stop_all()


def test_a_worker_killed_with_sigkill_is_started_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # a worker that stays up (it waits for a Temporal server that never answers), as in `lieu dev`
    monkeypatch.setenv("LIEU_TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("LIEU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LIEU_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}")
    supervisor = Supervisor()
    try:
        supervisor.spawn("worker", ["worker"])
        killed = supervisor.children[0][1]
        time.sleep(0.5)
        assert supervisor.exited() is None  # running
        os.killpg(killed.pid, signal.SIGKILL)
        assert _gone(supervisor) == ("worker", -signal.SIGKILL)
        assert supervisor.restart("worker")
        again = supervisor.children[0][1]
        time.sleep(0.5)
        assert again.pid != killed.pid and again.poll() is None and supervisor.exited() is None
    finally:
        supervisor.stop_all()
