"""Run `lieu dev` (what `make run` starts) as a real process tree on free ports, in a data dir of
its own, and take it down again: gently (Ctrl-C) when a test is done, by force when it fails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from lieu.workflows.devserver import free_port

STARTUP_SECONDS = 120
STOP_SECONDS = 60


@dataclass(frozen=True)
class Stack:
    process: subprocess.Popen[str]
    api: str
    temporal: str
    output: Path
    env: Mapping[str, str]
    """The environment the stack was started with: `lieu` commands run with it see this stack."""


def free_ports() -> dict[str, int]:
    """Ports for the API, the Temporal frontend and its UI (never the fixed defaults)."""
    return {"api": free_port(), "temporal": free_port(), "ui": free_port()}


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, set[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        for child in children.get(frontier.pop(), set()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def started_at(pid: int) -> str | None:
    """The process's start time in clock ticks (with the pid, it names one process: pids are
    reused)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _kill_leftovers(tree: dict[int, str | None]) -> None:
    for pid, start in tree.items():
        if alive(pid) and start is not None and started_at(pid) == start:
            os.kill(pid, signal.SIGKILL)


def stack_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """The environment of a `lieu dev` on `ports` keeping its state in `data_dir`."""
    env = {
        **os.environ,
        "LIEU_DATA_DIR": str(data_dir),
        "LIEU_API_PORT": str(ports["api"]),
        "LIEU_TEMPORAL_ADDRESS": f"127.0.0.1:{ports['temporal']}",
        "LIEU_TEMPORAL_UI_PORT": str(ports["ui"]),
        "LIEU_LOG_LEVEL": "warning",
    }
    env.pop("LIEU_DATABASE_URL", None)
    env.pop("LIEU_PAYLOAD_KEYS", None)  # `lieu dev` makes its own key in the data dir
    return env


@contextmanager
def lieu_dev(data_dir: Path, ports: dict[str, int], log: Path) -> Iterator[Stack]:
    """`lieu dev` until healthy; whatever is still running at the end is killed, tree and all."""
    env = stack_env(data_dir, ports)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "lieu", "dev"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    stack = Stack(
        process, f"http://127.0.0.1:{ports['api']}", env["LIEU_TEMPORAL_ADDRESS"], log, env
    )
    tree: dict[int, str | None] = {}

    def note_tree() -> None:
        tree.update({pid: started_at(pid) for pid in descendants(process.pid) if pid not in tree})

    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"lieu dev exited early:\n{log.read_text()}"
            note_tree()
            try:
                if httpx.get(f"{stack.api}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"lieu dev not healthy:\n{log.read_text()}"
            time.sleep(0.5)
        note_tree()
        yield stack
    finally:
        note_tree()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # the children run in sessions of their own: make sure none outlives a failed test
        _kill_leftovers(tree)


def stop_with_ctrl_c(stack: Stack) -> None:
    """Ctrl-C (SIGINT to the supervisor): it exits 0 and every process it started is gone."""
    tree = descendants(stack.process.pid)
    assert len(tree) >= 3, "expected the Temporal server, a worker and the API"
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(STOP_SECONDS) == 0, stack.output.read_text()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in tree if alive(pid)], "lieu dev left processes behind"
