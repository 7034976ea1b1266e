"""`lieu bench api --quick` drives both servers with wrk and reports both queries.

A smoke run (a second per measurement): it checks that the benchmark runs, that every answer
was a good one and that the figures are there, never how fast anything is (the targets live in
the benchmark's own table)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.tables import table_from

pytestmark = pytest.mark.bench


@pytest.mark.long
def test_lieu_bench_api_quick_measures_lieu_and_the_minimal_endpoint_with_wrk(
    tmp_path: Path,
) -> None:
    if shutil.which("wrk") is None:
        why = "wrk is not installed (`make system-deps` installs the Debian package)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; on CI the API benchmark's smoke run must not be skipped")
        pytest.skip(why)
    report = tmp_path / "api.json"
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "api", "--quick", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| SQLite |")]
    assert [row.split("|")[2:4] for row in rows] == [
        [" eligibility ", " lieu "],
        [" eligibility ", " minimal "],
        [" status ", " lieu "],
        [" status ", " minimal "],
    ], done.stdout
    measured = json.loads(report.read_text())
    assert measured["server_cores"] != measured["load_cores"]
    runs = measured["runs"]
    assert {(r["query"], r["server"], r["connections"]) for r in runs} == {
        (query, server, clients)
        for query in ("eligibility", "status")
        for server in ("lieu", "minimal")
        for clients in (4, 1)
    }
    assert all(r["requests"] > 0 and r["failures"] == 0 for r in runs), runs
    assert all(r["cpu_us_per_request"] > 0 for r in runs), runs
    for row in measured["summary"]:
        assert row["cpu_ratio"] > 0 and row["lieu"]["single_client_p99_ms"] > 0
    assert table_from("api", report) == done.stdout  # as the README's table is made
