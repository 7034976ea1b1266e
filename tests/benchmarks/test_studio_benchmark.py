"""`lieu bench studio --quick` measures every studio page of lieu and of the baseline.

A smoke run (500 members, one round): it checks that the benchmark runs, that every page
answered 200 on both servers and that the figures are there, never how fast anything is (the
target lives in the benchmark's own table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.tables import quick_pages

pytestmark = pytest.mark.bench

PAGES = ["supports", "support", "support, persona tried", "editor", "reviews", "review"]


@pytest.mark.long
def test_lieu_bench_studio_quick_times_each_page_against_its_baseline(tmp_path: Path) -> None:
    measured = quick_pages("studio", tmp_path / "studio.json", PAGES)
    assert measured["arguments"]["members"] == 500
