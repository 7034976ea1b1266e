"""Run `lieu worker` as a real child process (to kill it and start another, as in production)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkerEnv:
    """The environment a worker process reads its settings from."""

    database_url: str
    temporal_address: str
    task_queue: str

    def environ(self) -> dict[str, str]:
        return {
            **os.environ,
            "LIEU_DATABASE_URL": self.database_url,
            "LIEU_TEMPORAL_ADDRESS": self.temporal_address,
            "LIEU_TASK_QUEUE": self.task_queue,
            "LIEU_LOG_LEVEL": "warning",
        }


def spawn_worker(env: WorkerEnv, log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start `python -m lieu worker` (its output appended to `log` when given)."""
    with ExitStack() as files:
        out = files.enter_context(log.open("ab")) if log is not None else None
        return subprocess.Popen(
            [sys.executable, "-m", "lieu", "worker"],
            env=env.environ(),
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the worker gets no chance to finish anything."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


@contextmanager
def worker_process(env: WorkerEnv) -> Iterator[subprocess.Popen[bytes]]:
    """A worker for the block; stopped with SIGTERM (graceful) at the end if still running."""
    with stopped_at_the_end(spawn_worker(env)) as process:
        yield process


@contextmanager
def stopped_at_the_end(
    process: subprocess.Popen[bytes], seconds: float = 30
) -> Iterator[subprocess.Popen[bytes]]:
    """`process` for the block; SIGTERM at the end if still running, SIGKILL after `seconds`."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(seconds)
            except subprocess.TimeoutExpired:
                kill(process)
