"""What a benchmark prints again from the JSON of a run (how the README's tables are made), and
the smoke run the page benchmarks (console, studio) share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def table_from(benchmark: str, report: Path) -> str:
    """The output of `lieu bench BENCHMARK --table-from REPORT` (which must succeed)."""
    again = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", benchmark, "--table-from", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    return again.stdout


def quick_pages(benchmark: str, report: Path, pages: list[str]) -> dict[str, Any]:
    """`lieu bench BENCHMARK --quick --json REPORT`: every page measured on lieu and on the
    baseline, each answering 200, its table printed again from the JSON; returns the JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", benchmark, "--quick", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| SQLite |")]
    assert [row.split("|")[2].strip() for row in rows] == pages, done.stdout
    measured: dict[str, Any] = json.loads(report.read_text())
    runs = measured["runs"]
    assert {(r["page"], r["server"]) for r in runs} == {
        (page, server) for page in pages for server in ("lieu", "minimal")
    }
    assert all(r["status"] == 200 and r["median_ms"] > 0 for r in runs), runs
    assert all(row["failures"] == 0 for row in measured["summary"])
    assert table_from(benchmark, report) == done.stdout  # as the README's table is made
    return measured
