"""`lieu bench console --quick` measures every console page of lieu and of the baseline.

A smoke run (500 authorizations, one round): it checks that the benchmark runs, that every page
answered 200 on both servers and that the figures are there, never how fast anything is (the
target lives in the benchmark's own table)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.tables import quick_pages

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


@pytest.mark.long
def test_lieu_bench_console_quick_times_each_page_against_its_baseline(tmp_path: Path) -> None:
    measured = quick_pages("console", tmp_path / "console.json", PAGES)
    assert measured["arguments"]["authorizations"] == 500


def test_fewer_than_three_rounds_are_refused_saying_why() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "console", "--reps", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--reps must be at least 3 (a median of fewer says little)" in done.stderr
