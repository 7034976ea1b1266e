"""`lieu bench eligibility`: screening throughput and memory of lieu's compiled rule engine.

One run screens the same synthetic members (``lieu members synth``, seed 2026, as of 2026-03-02)
against the 15 DHCS baselines. Each loop below goes over every member and, for each, every
baseline in force (one evaluation per member and support):

- **hand-written** (the ceiling): calls ``benchmarks/eligibility_ceiling.py``'s rule for the
  support with the facts and the as-of date (already parsed); the rules are straight-line Python
  with the same three-valued logic, no helper calls, each fact read only when the answer still
  depends on it, returning at the first failed criterion; they give only the outcome (a test
  holds them equal to the compiled definitions);
- **lieu**: calls ``outcome(facts, as_of=...)`` of the criteria compiled once per definition:
  the three-valued outcome alone, from the generated code that reads a fact only when the answer
  still depends on it and returns at the first failed criterion (what the ceiling does);
- **assess**: calls ``assess(facts, as_of=...)`` of the same compiled criteria (the outcome,
  each criterion's status and a snapshot of the facts read, from which missing facts and reasons
  are worked out when asked: what a caller that explains the answer calls);
- **explanations**: for each (member, support) pair that is not eligible, calls ``assess`` and
  reads the text of every unmet reason (``[r.text for r in assessment.unmet]``), as
  ``lieu screen`` writes them;
- **panzi-json-logic**, the fastest pure-Python interpreter of the bake-off: calls
  ``jsonLogic(rule, data, operations)`` with the definition's criteria ANDed in one rule and the
  facts with ``as_of`` merged in. panzi has no date operators; ``within_days`` and ``age_at`` are
  registered through its ``operations`` argument and run lieu's own date functions, so all
  engines evaluate the same rules on the same facts (panzi with standard two-valued JsonLogic: a
  missing fact is null).

Rounds interleave the engines (hand-written, lieu, assess, explanations, panzi, then again),
``--reps``
rounds; each loop is timed by this process's CPU time (``time.process_time``: other work on this
shared machine disturbs it less than the wall clock), a rate is evaluations per CPU second, the
median over the rounds; a ratio is of the medians, with the lowest and highest round's ratio.
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
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from json_logic import jsonLogic
from json_logic.builtins import BUILTINS

from benchmarks.eligibility_ceiling import HAND_WRITTEN
from benchmarks.rounds import (
    MIN_ROUNDS,
    Ratio,
    interleaved,
    machine,
    median,
    ratio,
    read_results,
    results_path,
    write_results,
)
from lieu.commands.errors import CommandError
from lieu.platform.definitions.library import load_library
from lieu.platform.members.synth import member_line, synthetic_members
from lieu.platform.rules.dates import age_at, within_days
from lieu.platform.rules.eligibility import Outcome
from lieu.platform.screening.screener import Screener, screener_for
from lieu.platform.screening.stream import screen_line

SEED = 2026
AS_OF = dt.date(2026, 3, 2)
PANZI_OPERATIONS: dict[str, Any] = {
    **BUILTINS,
    "within_days": lambda data, day, days, as_of: within_days(day, days, as_of),
    "age_at": lambda data, born, as_of: age_at(born, as_of),
}
TARGET_OF_CEILING, TARGET_OVER_PANZI, TARGET_EXPLANATIONS, TARGET_FLAT = 0.8, 10.0, 200_000, 1.10
ENGINES = ("hand-written", "lieu", "assess", "explanations", "panzi")
Facts = dict[str, Any]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lieu bench eligibility", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=200_000, help="members screened per rep")
    parser.add_argument("--big", type=int, default=1_000_000, help="second size for peak memory")
    parser.add_argument(
        "--reps", type=int, default=5, help=f"interleaved rounds (median; >= {MIN_ROUNDS})"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quick", action="store_true", help="1,000 / 3,000 members, 1 rep")
    parser.add_argument("--no-memory", dest="memory", action="store_false", help="skip memory")
    parser.add_argument(
        "--json", type=Path, default=None,
        help="write the results here (default benchmarks/results/eligibility.json; --quick: "
        "nowhere)",
    )  # fmt: skip
    parser.add_argument(
        "--table-from", type=Path, default=None, metavar="JSON",
        help="print the table of an earlier run's JSON, measuring nothing",
    )  # fmt: skip
    parser.add_argument("--probe", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args(list(argv))
    if options.quick:
        options.members, options.big, options.reps = 1_000, 3_000, 1
    elif options.reps < MIN_ROUNDS:
        parser.error(f"--reps must be at least {MIN_ROUNDS} (a median of fewer says little)")
    if options.members < 1 or options.big < 1 or options.reps < 1:
        parser.error("--members, --big and --reps must be at least 1")
    return options


def _screener() -> Screener:
    screener = screener_for(load_library(), "dhcs", AS_OF)
    if len(screener.compiled) != len(HAND_WRITTEN):
        raise RuntimeError(f"expected 15 baselines in force on {AS_OF}, got {screener.compiled}")
    return screener


def _timed(work: Callable[[], None]) -> float:
    """The CPU seconds this process spends in ``work()``."""
    start = time.process_time()
    work()
    return time.process_time() - start


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
                criteria.outcome(facts, as_of=iso)

    def assess() -> None:
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
        "assess": (pairs, assess),
        "explanations": (sum(map(len, unmet)), explanations),
        "panzi": (pairs, panzi),
    }


def _agreement(screener: Screener, members: list[Facts]) -> int:
    """Pairs where the hand-written ceiling, the compiled outcome and the compiled assessment do
    not all give the same outcome (should be 0)."""
    iso = screener.as_of
    return sum(
        not (
            HAND_WRITTEN[support](facts, AS_OF)
            is criteria.outcome(facts, as_of=iso)
            is criteria.assess(facts, as_of=iso).outcome
        )
        for facts in members[:20_000]
        for support, criteria in screener.compiled
    )


def measure(options: argparse.Namespace) -> dict[str, Any]:
    """Each engine's evaluations, its rate in every round (evaluations per CPU second), their
    medians and ratios to the ceiling and to panzi, and the disagreements with the ceiling."""
    screener = _screener()
    _say(f"generating {options.members:,} members (seed {options.seed}, as of {AS_OF})…")
    stream = synthetic_members(options.members, seed=options.seed, as_of=AS_OF)
    members = [member["facts"] for member in stream]
    workloads = _workloads(screener, members)
    rates: dict[str, list[float]] = {name: [] for name in ENGINES}
    for rep, name in interleaved(options.reps, ENGINES):
        count, work = workloads[name]
        rates[name].append(count / _timed(work))
        if name == ENGINES[-1]:
            shown = ", ".join(f"{each} {rates[each][-1]:,.0f}/s" for each in ENGINES)
            _say(f"round {rep}/{options.reps}: {shown}")

    def against(baseline: str) -> dict[str, dict[str, float]]:
        return {name: ratio(rates[name], rates[baseline]).as_dict() for name in ENGINES}

    return {
        "evaluations": {name: workloads[name][0] for name in ENGINES},
        "rates": rates,
        "median": {name: median(rates[name]) for name in ENGINES},
        "vs_ceiling": against("hand-written"),
        "vs_panzi": against("panzi"),
        "disagreements": _agreement(screener, members),
        "pairs_compared": min(options.members, 20_000) * len(screener.compiled),
    }


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
    command = [sys.executable, "-m", "benchmarks.eligibility", "--probe", str(count)]
    command += ["--seed", str(seed)]
    root = Path(__file__).resolve().parent.parent  # where `benchmarks` imports from
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe of {count:,} members failed: {done.stderr.strip()}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _shown(share: dict[str, float]) -> str:
    return Ratio(share["median"], share["low"], share["high"]).shown(percent=True)


def table(report: dict[str, Any]) -> str:
    """The results as markdown: throughput against the targets, then peak memory by size (from
    a run, or from its JSON)."""
    arguments, measured = report["arguments"], report["measured"]
    rates, of_ceiling = measured["median"], measured["vs_ceiling"]
    lieu_share = of_ceiling["lieu"]["median"]
    over_panzi = measured["vs_panzi"]["lieu"]["median"]
    rows = [
        ("hand-written Python, direct and short-circuiting (ceiling)", "hand-written", "—"),
        ("lieu compiled `outcome` (short-circuiting)", "lieu",
         f"≥ {TARGET_OF_CEILING:.0%} of ceiling {_mark(lieu_share >= TARGET_OF_CEILING)}, "
         f"≥ {TARGET_OVER_PANZI:g}× panzi {_mark(over_panzi >= TARGET_OVER_PANZI)}"),
        ("lieu compiled `assess` (outcome, statuses, snapshot)", "assess", "—"),
        ("lieu explanations (`assess` + unmet reasons' text)", "explanations",
         f"≥ 200k/s {_mark(rates['explanations'] >= TARGET_EXPLANATIONS)}"),
        ("panzi-json-logic `jsonLogic`", "panzi", "—"),
    ]  # fmt: skip
    lines = [
        f"{arguments['members']:,} synthetic members × 15 DHCS baselines, as of {AS_OF}, seed "
        f"{arguments['seed']}; median of {arguments['reps']} interleaved round(s), evaluations "
        f"per CPU second; Python {report['machine']['python']}, {report['machine']['cores']} "
        f"CPU(s); {report['date']}. Hand-written vs compiled outcomes: "
        f"{measured['disagreements']} disagreement(s) in {measured['pairs_compared']:,} pairs"
        " (hand-written, `outcome` and `assess`).",
        "",
        "| engine | evaluations | evaluations/s | vs hand-written | vs panzi | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, key, target in rows:
        if key not in rates:  # a run from before the row was measured
            continue
        lines.append(
            f"| {label} | {measured['evaluations'][key]:,} | {rates[key]:,.0f} | "
            f"{_shown(of_ceiling[key])} | {measured['vs_panzi'][key]['median']:.1f}× | {target} |"
        )
    lines += ["", "In brackets, the lowest and highest of the rounds' ratios."]
    memory = report.get("memory") or []
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
    """Run the benchmark (progress on stderr), write its JSON, and return its markdown table."""
    options = _options(argv)
    if options.table_from is not None:
        try:
            return table(read_results(options.table_from, "eligibility"))
        except (ValueError, KeyError, TypeError, IndexError) as unreadable:
            raise CommandError(str(unreadable)) from None
    memory = []
    if options.memory:  # first, while this process is small: the probes are forked from it
        sizes = (options.members, options.big)
        memory = [(n, _probe_in_subprocess(n, options.seed)) for n in sizes]
    arguments = {k: getattr(options, k) for k in ("members", "big", "reps", "seed", "quick")}
    report: dict[str, Any] = {
        "arguments": arguments,
        "targets": {
            "lieu_of_ceiling_at_least": TARGET_OF_CEILING,
            "lieu_over_panzi_at_least": TARGET_OVER_PANZI,
            "explanations_per_second_at_least": TARGET_EXPLANATIONS,
            "memory_growth_at_most": TARGET_FLAT,
        },
        "measured": measure(options),
        "memory": memory,
    }
    path = results_path("eligibility", options.json, quick=options.quick)
    if path is not None:
        write_results(path, "eligibility", report)
    return table({"date": dt.date.today().isoformat(), "machine": machine()} | report)


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
