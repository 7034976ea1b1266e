"""`lieu bench api --quick` runs both servers and reports both queries."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # a smoke run (--quick); `lieu bench api` measures for real

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "api.py"


async def test_the_api_benchmark_reports_lieu_against_the_bare_endpoint() -> None:
    spec = importlib.util.spec_from_file_location("lieu_bench_api_test", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    table = await asyncio.to_thread(module.run, ["--quick"])
    rows = [line for line in table.splitlines() if line.startswith("| eligibility") or
            line.startswith("| status")]  # fmt: skip
    assert len(rows) == 4, table
    assert all(row.split("|")[7].strip() == "0" for row in rows), "no failed requests"
