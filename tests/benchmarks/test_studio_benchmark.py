"""`lieu bench studio --quick` measures every studio page of lieu and of the baseline.

A smoke run (500 members, one round): it checks that the benchmark runs, that every page
answered 200 on both servers and that the figures are there, never how fast anything is (the
target lives in the benchmark's own table)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

PAGES = ["supports", "support", "support, persona tried", "editor", "reviews", "review"]


def test_lieu_bench_studio_quick_times_each_page_against_its_baseline(tmp_path: Path) -> None:
    report = tmp_path / "studio.json"
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "studio", "--quick", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| SQLite |")]
    assert [row.split("|")[2].strip() for row in rows] == PAGES, done.stdout
    measured = json.loads(report.read_text())
    assert measured["arguments"]["members"] == 500
    runs = measured["runs"]
    assert {(r["page"], r["server"]) for r in runs} == {
        (page, server) for page in PAGES for server in ("lieu", "minimal")
    }
    assert all(r["status"] == 200 and r["median_ms"] > 0 for r in runs), runs
    again = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "studio", "--table-from", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and again.stdout.splitlines()[0] == done.stdout.splitlines()[0]
