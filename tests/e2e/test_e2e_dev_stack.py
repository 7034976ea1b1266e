"""`lieu dev` brings the whole embedded stack up, stops it without orphans, and keeps its state."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from lieu.workflows.devserver import temporal_binary
from tests.dev_stack import free_ports, lieu_dev, stop_with_ctrl_c

pytestmark = pytest.mark.temporal


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


@pytest.mark.long
def test_lieu_dev_serves_everything_stops_cleanly_and_keeps_its_state(tmp_path: Path) -> None:
    data_dir = tmp_path / ".lieu"
    ports = free_ports()

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
    # the Temporal payload key was made on the first start, for this machine only
    key_file = data_dir / "payload.keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()

    with lieu_dev(data_dir, ports, tmp_path / "second.log") as stack:
        second_runs = {
            w["execution"]["workflowId"]: w["execution"]["runId"]  # type: ignore[index]
            for w in temporal_workflows(stack.temporal)
        }
        # the same workflow run survived the restart: the state was persisted, not recreated
        assert second_runs["elections-demo-plan"] == first_runs["elections-demo-plan"]
        assert "elections imported: 0" in stack.output.read_text()
        # the same key, and the history the first start wrote is sealed by it
        assert key_file.read_text() == key
        show = [str(temporal_binary()), "workflow", "show", "--address", stack.temporal]
        shown = subprocess.run(
            [*show, "--workflow-id", "elections-demo-plan", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert shown.returncode == 0, shown.stderr
        sealed = base64.b64encode(b"binary/encrypted").decode()
        key_id = base64.b64encode(key.split(":", 1)[0].encode()).decode()
        assert sealed in shown.stdout and key_id in shown.stdout
        stop_with_ctrl_c(stack)
