"""`lieu bench console --quick` measures every console page of lieu and of the baseline.

A smoke run (500 authorizations, one round): it checks that the benchmark runs, that every page
answered 200 on both servers and that the figures are there, never how fast anything is (the
target lives in the benchmark's own table)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.tables import table_from

pytestmark = pytest.mark.bench

PAGES = [
    "dashboard",
    "dashboard, charts cold",
    "search",
    "failures",
    "audit log",
    "member",
    "authorization",
]


def test_lieu_bench_console_quick_times_each_page_against_its_baseline(tmp_path: Path) -> None:
    report = tmp_path / "console.json"
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "console", "--quick", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| SQLite |")]
    assert [row.split("|")[2].strip() for row in rows] == PAGES, done.stdout
    measured = json.loads(report.read_text())
    assert measured["arguments"]["authorizations"] == 500
    runs = measured["runs"]
    assert {(r["page"], r["server"]) for r in runs} == {
        (page, server) for page in PAGES for server in ("lieu", "minimal")
    }
    assert all(r["status"] == 200 and r["median_ms"] > 0 for r in runs), runs
    assert all(row["failures"] == 0 for row in measured["summary"])
    assert table_from("console", report) == done.stdout  # as the README's table is made


def test_fewer_than_three_rounds_are_refused_saying_why() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "console", "--reps", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--reps must be at least 3 (a median of fewer says little)" in done.stderr
