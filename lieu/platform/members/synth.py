"""Synthetic members for demos, simulation and benchmarks, streamed one at a time.

Each member is ``{"cin": ..., "plan": ..., "facts": {...}}`` with facts valid against the
member-facts schema. Facts are drawn by ``synth_facts`` and then some are removed, as in real data
(a block no one recorded, a field left blank): by default about 15% of the facts a member would
have are absent. The same seed, count, plan and as-of date give the same members, byte for byte;
the generator holds one member at a time, so a million cost no more memory than ten.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Collection, Iterator
from typing import Any, TextIO

from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.members.cins import MAX_SYNTHETIC, synthetic_cin
from lieu.platform.members.population import COUNTIES, Weighted, weighted
from lieu.platform.members.synth_facts import Facts, complete_facts

DEFAULT_MISSING_RATE = 0.15
# Demographics come from enrollment and are rarely blank; clinical and social facts often are.
_DEMOGRAPHICS = frozenset({"birth_date", "county"})


def drop_facts(facts: Facts, rng: random.Random, rate: float) -> Facts:
    """Remove facts in place, as real data lacks them: whole blocks, single fields, lists."""
    for key in list(facts):
        value = facts[key]
        draw = rng.random()
        if key in _DEMOGRAPHICS:
            if draw < rate / 5:
                del facts[key]
        elif type(value) is dict:
            if draw < rate / 3:  # the whole block was never recorded
                del facts[key]
                continue
            for leaf in list(value):
                if rng.random() < rate * 2 / 3:
                    del value[leaf]
        elif draw < rate:
            del facts[key]
    return facts


def only_counties(counties: Collection[str]) -> Weighted:
    """The population's county weights restricted to ``counties`` (names as in member facts)."""
    kept = [(name, weight) for name, weight in _county_weights() if name in counties]
    unknown = set(counties) - {name for name, _ in kept}
    if unknown or not kept:
        raise ValueError(f"not California counties as member facts name them: {sorted(unknown)}")
    return weighted(kept)


def _county_weights() -> list[tuple[str, float]]:
    previous = 0.0
    pairs = []
    for name, cumulative in zip(COUNTIES.values, COUNTIES.cumulative, strict=True):
        pairs.append((name, cumulative - previous))
        previous = cumulative
    return pairs


def synthetic_members(
    count: int,
    *,
    seed: int = 0,
    plan: str = BASELINE_PLAN,
    as_of: dt.date,
    missing_rate: float = DEFAULT_MISSING_RATE,
    counties: Collection[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """``count`` synthetic members of ``plan`` with facts as of ``as_of``, one at a time.

    ``counties`` (names as member facts write them) keeps every member in those counties, as a
    plan's members live where it operates; drawn in proportion to their population.
    """
    if not 0 <= count <= MAX_SYNTHETIC:
        raise ValueError(f"count must be between 0 and {MAX_SYNTHETIC:,}, got {count:,}")
    if not 0.0 <= missing_rate <= 1.0:
        raise ValueError(f"missing_rate must be between 0 and 1, got {missing_rate}")
    local = only_counties(counties) if counties is not None else None
    rng = random.Random(seed)
    for index in range(count):
        facts = complete_facts(rng, as_of)
        if local is not None and facts["county"] not in local.values:
            facts["county"] = local.pick(rng)
        facts = drop_facts(facts, rng, missing_rate)
        yield {"cin": synthetic_cin(index, seed), "plan": plan, "facts": facts}


def member_line(member: dict[str, Any]) -> str:
    """One member as a compact JSON line (with its newline)."""
    return json.dumps(member, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_members(members: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write members as JSON lines; return how many were written."""
    written = 0
    for member in members:
        out.write(member_line(member))
        written += 1
    return written
