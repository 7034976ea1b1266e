"""`lieu bench`: benchmarks found in benchmarks/, run by name, unknown names listed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lieu.cli import run
from lieu.commands.bench import available, run_benchmark
from tests.benchmarks.tables import table_from
from tests.database_templates import POSTGRES_ADMIN_DSN, postgres_admin


def test_benchmarks_are_the_modules_with_a_run_or_main_function(tmp_path: Path) -> None:
    (tmp_path / "fast.py").write_text("def run(argv):\n    return '| a |'\n", "utf-8")
    (tmp_path / "old.py").write_text("def main(argv=None):\n    return 3\n", "utf-8")
    (tmp_path / "helpers.py").write_text("X = 1\n", "utf-8")
    (tmp_path / "_private.py").write_text("def run(argv):\n    return ''\n", "utf-8")
    assert available(tmp_path) == ["fast", "old"]
    assert run_benchmark("old", [], tmp_path) == 3
    assert {"eligibility", "ledger"} <= set(available())


def test_an_unknown_benchmark_is_a_usage_error_listing_the_available_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["bench", "nope"]) == 2
    usage, error, hint = capsys.readouterr().err.strip().splitlines()
    assert usage.startswith("usage: lieu bench ")
    assert error.startswith("lieu: error: Invalid value for NAME: no benchmark named 'nope'; ")
    assert "eligibility" in error and error.endswith(", or all")
    assert hint == "Try 'lieu bench --help' for help."


@pytest.mark.bench
@pytest.mark.long
def test_lieu_bench_eligibility_quick_prints_a_markdown_table(tmp_path: Path) -> None:
    report = tmp_path / "eligibility.json"
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "eligibility", "--quick", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=180,  # a smoke run: the bound catches a hang, not a busy machine
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert "| engine | evaluations | evaluations/s |" in table
    for engine in ("hand-written", "lieu compiled", "explanations", "panzi"):
        assert engine in table
    assert "| 1,000 |" in table and "| 3,000 |" in table
    assert "0 disagreement(s)" in table
    assert "round 1/1" in done.stderr
    assert table_from("eligibility", report) == done.stdout  # as the README's table is made


def test_a_benchmark_imports_its_sibling_modules_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite" / "benchmarks"
    suite.mkdir(parents=True)
    (suite / "__init__.py").write_text("", "utf-8")
    (suite / "floor.py").write_text("RATE = 7\n", "utf-8")
    (suite / "timed.py").write_text(
        "from benchmarks.floor import RATE\n\ndef run(argv):\n    return f'| {RATE} |'\n", "utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # as from .venv/bin/lieu outside the checkout: neither the checkout nor the cwd on the path
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", os.getcwd())])
    for name in [m for m in sys.modules if m == "benchmarks" or m.startswith("benchmarks.")]:
        monkeypatch.delitem(sys.modules, name)
    assert run_benchmark("timed", [], suite) == 0
    assert capsys.readouterr().out.strip() == "| 7 |"


@pytest.mark.bench
@pytest.mark.temporal
@pytest.mark.long
def test_lieu_bench_authorizations_quick_measures_one_and_two_workers_and_reprints_its_json(
    tmp_path: Path,
) -> None:
    results = tmp_path / "authorizations.json"
    done = _bench_authorizations("--quick", "--json", str(results), timeout=240)
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    rows = {(row["database"], row["workers"]): row for row in report["summary"]}
    assert set(rows) == {("sqlite", 1), ("sqlite", 2)}
    assert {(r["server"], r["workers"]) for r in report["runs"]} == {
        ("lieu", 1), ("floor", 1), ("lieu", 2), ("floor", 2)
    }  # fmt: skip
    # lieu did the Temporal work the floor is pinned to (one projection more, now and then,
    # when a decision sent at once reaches the workflow only after its review opened)
    pinned = report["arguments"]["floor_activities"]
    assert all(pinned <= r["activities"] < pinned + 1 for r in report["runs"])
    assert rows[("sqlite", 1)]["vs_floor"] > 0 and rows[("sqlite", 2)]["lieu_scaling"] > 0
    assert all(r["worker_cpu_ms"] > 0 and r["temporal_cpu_ms"] > 0 for r in report["runs"])
    again = _bench_authorizations("--table-from", str(results))
    assert again.returncode == 0, again.stderr
    assert again.stdout == done.stdout


def test_the_readme_shows_the_authorizations_table_printed_from_its_json() -> None:
    root = Path(__file__).resolve().parents[2]
    done = _bench_authorizations(
        "--table-from", str(root / "benchmarks/results/authorizations.json")
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(rows) >= 4  # the header, its rule, and a row per database and worker count
    readme = (root / "README.md").read_text("utf-8")
    assert all(row in readme for row in rows), "regenerate the README's table from the JSON"


def _bench_authorizations(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lieu", "bench", "authorizations", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.bench
@pytest.mark.postgres
@pytest.mark.long
def test_lieu_bench_ledger_quick_grants_exactly_the_caps_against_its_ceiling(
    tmp_path: Path,
) -> None:
    async def reachable() -> None:  # skips, or fails on CI, when the server is down
        await (await postgres_admin()).close()

    asyncio.run(reachable())
    report = tmp_path / "ledger.json"
    command = ["bench", "ledger", "--quick", "--postgres", POSTGRES_ADMIN_DSN]
    done = subprocess.run(
        [sys.executable, "-m", "lieu", *command, "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(report.read_text())
    assert [(r["database"], r["scenario"]) for r in measured["summary"]] == [
        ("SQLite (WAL)", "one account"),
        ("SQLite (WAL)", "20 accounts"),
        ("PostgreSQL", "one account"),
        ("PostgreSQL", "20 accounts"),
    ]
    runs = measured["runs"]
    assert {(r["contender"], r["rep"]) for r in runs} == {("ceiling", 1), ("ledger", 1)}
    # both contenders grant every unit of the caps and not one more
    assert all(r["granted"] == r["cap"] == 80 and r["overspend"] == 0 for r in runs), runs
    assert all(r["per_second"] > 0 for r in runs)
    assert table_from("ledger", report) == done.stdout  # as the README's table is made
