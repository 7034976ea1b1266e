"""What every benchmark shares: rounds that interleave a subject with its baseline, medians and
ratios over those rounds, and the JSON file a run leaves (``benchmarks/results/<name>.json``)
from which its table is printed again (``--table-from``).

A run measures each contender once per round, in the same order in every round (A/B/A/B…), so
noise on this shared machine falls on both alike; a figure is the median over the rounds, and a
ratio is the ratio of the medians, shown with the lowest and highest of the rounds' own ratios
(round i of the subject against round i of its baseline).
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

RESULTS = Path(__file__).resolve().parent / "results"
MIN_ROUNDS = 3  # a median of fewer says little on a shared machine
T = TypeVar("T")


def interleaved(rounds: int, contenders: Sequence[T]) -> Iterator[tuple[int, T]]:
    """(round, contender) for every contender in every round, rounds outermost, from round 1."""
    for number in range(1, rounds + 1):
        for contender in contenders:
            yield number, contender


def median(values: Sequence[float]) -> float:
    """The median, NaN when there is nothing to take it of."""
    return float(statistics.median(values)) if values else float("nan")


@dataclass(frozen=True, slots=True)
class Ratio:
    """The subject's median over the baseline's, and the lowest and highest round's ratio."""

    median: float
    low: float
    high: float

    def shown(self, digits: int = 2, *, percent: bool = False) -> str:
        """``0.81 (0.78–0.85)``, or ``81% (78–85%)`` with ``percent``."""
        if percent:
            return f"{self.median:.0%} ({self.low * 100:.0f}–{self.high:.0%})"
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}–{self.high:.{digits}f})"

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "low": self.low, "high": self.high}


def ratio(subject: Sequence[float], baseline: Sequence[float]) -> Ratio:
    """Ratio of the medians, with the range of the per-round ratios (the rounds pair up in
    order; a round whose baseline is 0 has no ratio)."""
    per_round = [a / b for a, b in zip(subject, baseline, strict=True) if b]
    base = median(baseline)
    middle = median(subject) / base if base else float("nan")
    if not per_round:
        return Ratio(middle, float("nan"), float("nan"))
    return Ratio(middle, min(per_round), max(per_round))


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "host": socket.gethostname(),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def results_path(name: str, given: Path | None, *, quick: bool) -> Path | None:
    """Where a run writes its JSON: ``--json`` if given, else ``benchmarks/results/<name>.json``
    for a full run; a ``--quick`` smoke run writes nothing unless asked (its figures are not
    results)."""
    if given is not None:
        return given
    return None if quick else RESULTS / f"{name}.json"


def write_results(path: Path, name: str, report: dict[str, Any]) -> None:
    """Write a run's JSON (the benchmark's name, the date, the machine, then ``report``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"benchmark": name, "date": date.today().isoformat(), "machine": machine()}
    path.write_text(json.dumps(document | report, indent=2) + "\n", "utf-8")


def read_results(path: Path, name: str) -> dict[str, Any]:
    """An earlier run's JSON; ValueError saying what to do when it is not one of ``name``'s."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as unreadable:
        why = unreadable.strerror if isinstance(unreadable, OSError) else str(unreadable)
        raise ValueError(
            f"cannot read {path} as the JSON of a `lieu bench {name}` run ({why}); run the "
            f"benchmark (with --json PATH, or without --quick) to make one"
        ) from None
    if not isinstance(document, dict) or document.get("benchmark") != name:
        raise ValueError(f"{path} is not the JSON of a `lieu bench {name}` run")
    return document
