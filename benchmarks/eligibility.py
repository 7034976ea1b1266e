"""`lieu bench eligibility`: screening throughput and memory of lieu's compiled rule engine.

One run screens the same synthetic members (``lieu members synth``, seed 2026, as of 2026-03-02)
against the 15 DHCS baselines with:

- **lieu**: ``compile_criteria(...)`` once per definition, then ``assess(facts, as_of=...)`` per
  member and support (three-valued outcome and the missing facts: more work than the others do);
- **explanations**: for each (member, support) pair that is not eligible, ``assess`` and the text
  of every unmet reason (``[r.text for r in assessment.unmet]``), as ``lieu screen`` writes them;
- **hand-written**: ``lieu.platform.screening.handwritten``, the same 15 rules as plain Python with
  the same three-valued logic (the ceiling; a test keeps it equal to the compiled definitions);
- **panzi-json-logic**, the fastest pure-Python interpreter of the bake-off: one
  ``jsonLogic(rule, data, operations)`` call per evaluation of the definition's criteria ANDed in
  one rule. panzi has no date operators; rather than pre-computing dates into the facts (which would
  give it less work than the others), ``within_days`` and ``age_at`` are registered through its
  ``operations`` argument and run lieu's own date functions, so all engines evaluate the same
  rules on the same facts (panzi with standard two-valued JsonLogic: a missing fact is null).

Rates are (member × support) evaluations per second, the median of ``--reps`` repetitions; the
engines take turns within each repetition, so noise on this shared machine hits them alike.
Peak memory is the high-water RSS (VmHWM) of a fresh subprocess that streams members from the
generator through ``lieu.platform.screening.stream`` (JSON line in, JSON line out to /dev/null,
schema validation off: it holds nothing between lines) at ``--members`` and at ``--big``
members; equal peaks mean memory is flat in the number of members.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from json_logic import jsonLogic
from json_logic.builtins import BUILTINS

from lieu.platform.definitions.library import load_library
from lieu.platform.members.synth import member_line, synthetic_members
from lieu.platform.rules.dates import age_at, within_days
from lieu.platform.rules.eligibility import Outcome
from lieu.platform.screening.handwritten import HAND_WRITTEN
from lieu.platform.screening.screener import Screener, screener_for
from lieu.platform.screening.stream import screen_line

SEED = 2026
AS_OF = dt.date(2026, 3, 2)
PANZI_OPERATIONS: dict[str, Any] = {
    **BUILTINS,
    "within_days": lambda data, day, days, as_of: within_days(day, days, as_of),
    "age_at": lambda data, born, as_of: age_at(born, as_of),
}
TARGET_OF_CEILING, TARGET_OVER_PANZI, TARGET_EXPLANATIONS, TARGET_FLAT = 0.5, 10.0, 200_000, 1.10
Facts = dict[str, Any]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lieu bench eligibility", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=200_000, help="members screened per rep")
    parser.add_argument("--big", type=int, default=1_000_000, help="second size for peak memory")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quick", action="store_true", help="2,000 / 6,000 members, 1 rep")
    parser.add_argument("--no-memory", dest="memory", action="store_false", help="skip memory")
    parser.add_argument("--probe", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args(list(argv))
    if options.quick:
        options.members, options.big, options.reps = 2_000, 6_000, 1
    if options.members < 1 or options.big < 1 or options.reps < 1:
        parser.error("--members, --big and --reps must be at least 1")
    return options


def _screener() -> Screener:
    screener = screener_for(load_library(), "dhcs", AS_OF)
    if len(screener.compiled) != len(HAND_WRITTEN):
        raise RuntimeError(f"expected 15 baselines in force on {AS_OF}, got {screener.compiled}")
    return screener


def _timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _workloads(
    screener: Screener, members: list[Facts]
) -> dict[str, tuple[int, Callable[[], None]]]:
    """Each engine's work over all members, with the number of evaluations it makes."""
    iso, compiled = screener.as_of, [criteria for _, criteria in screener.compiled]
    hand = [HAND_WRITTEN[support] for support, _ in screener.compiled]
    rules = [{"and": [c.rule for c in d.criteria]} for d in screener.definitions]
    data = [{**facts, "as_of": iso} for facts in members]
    unmet = [
        [
            facts
            for facts in members
            if criteria.assess(facts, as_of=iso).outcome is not Outcome.ELIGIBLE
        ]
        for criteria in compiled
    ]

    def lieu() -> None:
        for facts in members:
            for criteria in compiled:
                criteria.assess(facts, as_of=iso)

    def explanations() -> None:
        for criteria, chosen in zip(compiled, unmet, strict=True):
            for facts in chosen:
                [reason.text for reason in criteria.assess(facts, as_of=iso).unmet]

    def handwritten() -> None:
        for facts in members:
            for rule in hand:
                rule(facts, AS_OF)

    def panzi() -> None:
        for item in data:
            for rule in rules:
                jsonLogic(rule, item, PANZI_OPERATIONS)

    pairs = len(members) * len(compiled)
    return {
        "hand-written": (pairs, handwritten),
        "lieu": (pairs, lieu),
        "explanations": (sum(map(len, unmet)), explanations),
        "panzi": (pairs, panzi),
    }


def _agreement(screener: Screener, members: list[Facts]) -> int:
    """Pairs where the hand-written ceiling and the compiled engine disagree (should be 0)."""
    return sum(
        HAND_WRITTEN[support](facts, AS_OF)
        is not criteria.assess(facts, as_of=screener.as_of).outcome
        for facts in members[:20_000]
        for support, criteria in screener.compiled
    )


def measure(options: argparse.Namespace) -> tuple[dict[str, float], dict[str, int], int]:
    """Median evaluations per second of each engine, the evaluation counts, disagreements."""
    screener = _screener()
    _say(f"generating {options.members:,} members (seed {options.seed}, as of {AS_OF})…")
    stream = synthetic_members(options.members, seed=options.seed, as_of=AS_OF)
    members = [member["facts"] for member in stream]
    workloads = _workloads(screener, members)
    seconds: dict[str, list[float]] = {name: [] for name in workloads}
    for rep in range(1, options.reps + 1):
        for name, (_, work) in workloads.items():
            seconds[name].append(_timed(work))
        shown = ", ".join(f"{name} {times[-1]:.2f}s" for name, times in seconds.items())
        _say(f"rep {rep}/{options.reps}: {shown}")
    rates = {name: workloads[name][0] / statistics.median(times) for name, times in seconds.items()}
    counts = {name: count for name, (count, _) in workloads.items()}
    return rates, counts, _agreement(screener, members)


def _peak_kib() -> int:
    """This process's peak RSS. Linux's ru_maxrss survives exec (a child forked from a big parent
    starts with the parent's peak), so read the high-water mark of the process's own memory."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def probe(count: int, seed: int) -> dict[str, float]:
    """Stream ``count`` members through generation and screening; peak RSS in MiB and time."""
    screener = _screener()
    before = _peak_kib()
    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        stream = synthetic_members(count, seed=seed, as_of=AS_OF)
        for number, member in enumerate(stream, start=1):
            result = screen_line(member_line(member), number, screener, validate=False)
            sink.write(getattr(result, "text", "") + "\n")
    seconds = time.perf_counter() - start
    return {"start_mib": before / 1024, "peak_mib": _peak_kib() / 1024, "seconds": seconds}


def _probe_in_subprocess(count: int, seed: int) -> dict[str, float]:
    _say(f"memory: streaming {count:,} members in a fresh process…")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--probe",
        str(count),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe of {count:,} members failed: {done.stderr.strip()}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(
    options: argparse.Namespace,
    rates: dict[str, float],
    counts: dict[str, int],
    wrong: int,
    memory: list[tuple[int, dict[str, float]]],
) -> str:
    """The results as markdown: throughput against the targets, then peak memory by size."""
    ceiling, panzi = rates["hand-written"], rates["panzi"]
    rows = [
        ("hand-written Python (ceiling)", "hand-written", "—"),
        ("lieu compiled `assess`", "lieu",
         f"≥ 50% of ceiling {_mark(rates['lieu'] >= TARGET_OF_CEILING * ceiling)}, "
         f"≥ 10× panzi {_mark(rates['lieu'] >= TARGET_OVER_PANZI * panzi)}"),
        ("lieu explanations (`assess` + unmet reasons' text)", "explanations",
         f"≥ 200k/s {_mark(rates['explanations'] >= TARGET_EXPLANATIONS)}"),
        ("panzi-json-logic `jsonLogic`", "panzi", "—"),
    ]  # fmt: skip
    lines = [
        f"{options.members:,} synthetic members × 15 DHCS baselines, as of {AS_OF}, seed "
        f"{options.seed}; median of {options.reps} rep(s); Python {platform.python_version()} "
        f"on {platform.machine()}, {os.cpu_count()} CPU(s). Hand-written vs compiled outcomes: "
        f"{wrong} disagreement(s) in {min(options.members, 20_000) * 15:,} pairs.",
        "",
        "| engine | evaluations | evaluations/s | vs hand-written | vs panzi | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, key, target in rows:
        rate = rates[key]
        lines.append(
            f"| {label} | {counts[key]:,} | {rate:,.0f} | {rate / ceiling:.0%} | "
            f"{rate / panzi:.1f}× | {target} |"
        )
    if memory:
        lines += [
            "",
            "| members streamed (synth → screen) | peak RSS | before streaming | seconds |",
            "|---:|---:|---:|---:|",
        ]
        for count, probe_result in memory:
            lines.append(
                f"| {count:,} | {probe_result['peak_mib']:.1f} MiB | "
                f"{probe_result['start_mib']:.1f} MiB | {probe_result['seconds']:.1f} |"
            )
        growth = memory[-1][1]["peak_mib"] / memory[0][1]["peak_mib"]
        lines.append(
            f"\nPeak at {memory[-1][0]:,} / peak at {memory[0][0]:,}: {growth:.2f} "
            f"(flat: ≤ {TARGET_FLAT:.2f} {_mark(growth <= TARGET_FLAT)})"
        )
    return "\n".join(lines)


def run(argv: list[str]) -> str:
    """Run the benchmark (progress on stderr) and return its markdown table."""
    options = _options(argv)
    memory = []
    if options.memory:  # first, while this process is small: the probes are forked from it
        sizes = (options.members, options.big)
        memory = [(n, _probe_in_subprocess(n, options.seed)) for n in sizes]
    rates, counts, wrong = measure(options)
    return table(options, rates, counts, wrong, memory)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (or, with --probe N, one memory probe's JSON)."""
    options = _options(sys.argv[1:] if argv is None else argv)
    if options.probe:
        print(json.dumps(probe(options.probe, options.seed)))
        return 0
    print(run(list(sys.argv[1:] if argv is None else argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
