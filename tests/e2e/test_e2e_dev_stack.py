"""`lieu dev` brings the whole embedded stack up, stops it without orphans, and keeps its state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from lieu.workflows.devserver import free_port, temporal_binary

pytestmark = pytest.mark.temporal

STARTUP_SECONDS = 120


@dataclass(frozen=True)
class Stack:
    process: subprocess.Popen[str]
    api: str
    temporal: str
    output: Path


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


@contextmanager
def lieu_dev(data_dir: Path, ports: dict[str, int], log: Path) -> Iterator[Stack]:
    env = {
        **os.environ,
        "LIEU_DATA_DIR": str(data_dir),
        "LIEU_API_PORT": str(ports["api"]),
        "LIEU_TEMPORAL_ADDRESS": f"127.0.0.1:{ports['temporal']}",
        "LIEU_TEMPORAL_UI_PORT": str(ports["ui"]),
        "LIEU_LOG_LEVEL": "warning",
    }
    env.pop("LIEU_DATABASE_URL", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "lieu", "dev"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    stack = Stack(process, f"http://127.0.0.1:{ports['api']}", env["LIEU_TEMPORAL_ADDRESS"], log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"lieu dev exited early:\n{log.read_text()}"
            try:
                if httpx.get(f"{stack.api}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"lieu dev not healthy:\n{log.read_text()}"
            time.sleep(0.5)
        yield stack
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stop_with_ctrl_c(stack: Stack) -> None:
    """Ctrl-C (SIGINT to the supervisor): it exits 0 and every process it started is gone."""
    tree = descendants(stack.process.pid)
    assert len(tree) >= 3, "expected the Temporal server, a worker and the API"
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(60) == 0, stack.output.read_text()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in tree if alive(pid)], "lieu dev left processes behind"


def temporal_workflows(address: str) -> list[dict[str, object]]:
    listed = subprocess.run(
        [str(temporal_binary()), "workflow", "list", "--address", address, "-o", "json"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert listed.returncode == 0, listed.stderr
    return (
        json.loads(listed.stdout or "[]")
        if listed.stdout.strip().startswith("[")
        else [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    )


def test_lieu_dev_serves_everything_stops_cleanly_and_keeps_its_state(tmp_path: Path) -> None:
    data_dir = tmp_path / ".lieu"
    ports = {"api": free_port(), "temporal": free_port(), "ui": free_port()}

    with lieu_dev(data_dir, ports, tmp_path / "first.log") as stack:
        ide = httpx.get(f"{stack.api}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()
        admin = httpx.get(f"{stack.api}/admin/", timeout=10)
        assert admin.status_code == 200 and "Overview" in admin.text
        first_runs = {
            w["execution"]["workflowId"]: w["execution"]["runId"]  # type: ignore[index]
            for w in temporal_workflows(stack.temporal)
        }
        assert "elections-demo-plan" in first_runs
        stop_with_ctrl_c(stack)

    assert (data_dir / "temporal.db").exists() and (data_dir / "lieu.db").exists()

    with lieu_dev(data_dir, ports, tmp_path / "second.log") as stack:
        second_runs = {
            w["execution"]["workflowId"]: w["execution"]["runId"]  # type: ignore[index]
            for w in temporal_workflows(stack.temporal)
        }
        # the same workflow run survived the restart: the state was persisted, not recreated
        assert second_runs["elections-demo-plan"] == first_runs["elections-demo-plan"]
        assert "elections imported: 0" in stack.output.read_text()
        stop_with_ctrl_c(stack)
