"""Benchmarks interleave their contenders round by round and report medians with each round's
ratio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.rounds import interleaved, ratio, read_results, results_path, write_results


def test_rounds_alternate_the_contenders_in_the_same_order_every_round() -> None:
    assert list(interleaved(3, ("ceiling", "ledger"))) == [
        (1, "ceiling"),
        (1, "ledger"),
        (2, "ceiling"),
        (2, "ledger"),
        (3, "ceiling"),
        (3, "ledger"),
    ]


def test_a_ratio_is_of_the_medians_with_the_range_of_the_rounds_own_ratios() -> None:
    share = ratio([50.0, 90.0, 60.0], [100.0, 100.0, 80.0])
    assert share.median == pytest.approx(60.0 / 100.0)
    assert (share.low, share.high) == (pytest.approx(0.5), pytest.approx(0.9))
    assert share.shown(percent=True) == "60% (50–90%)"


def test_a_run_writes_its_json_where_asked_and_a_quick_run_nowhere_by_default(
    tmp_path: Path,
) -> None:
    assert results_path("ledger", None, quick=True) is None
    assert results_path("ledger", None, quick=False) == (
        Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "ledger.json"
    )
    chosen = tmp_path / "out" / "ledger.json"
    assert results_path("ledger", chosen, quick=True) == chosen
    write_results(chosen, "ledger", {"summary": [1]})
    document = read_results(chosen, "ledger")
    assert document["benchmark"] == "ledger" and document["summary"] == [1]
    assert {"cpu", "cores", "python"} <= set(document["machine"])


def test_the_json_of_another_benchmark_is_refused_saying_so(tmp_path: Path) -> None:
    other = tmp_path / "api.json"
    other.write_text(json.dumps({"benchmark": "api"}))
    with pytest.raises(ValueError, match=r"is not the JSON of a `lieu bench ledger` run"):
        read_results(other, "ledger")
    with pytest.raises(ValueError, match=r"cannot read .*missing.json"):
        read_results(tmp_path / "missing.json", "ledger")
