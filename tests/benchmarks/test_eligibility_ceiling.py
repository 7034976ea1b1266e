"""The eligibility benchmark's ceiling: the hand-written rules give the compiled definitions'
outcomes (of ``assess`` and of the short-circuiting ``outcome``), whatever facts are missing."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.eligibility_ceiling import HAND_WRITTEN
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.members.synth import synthetic_members
from lieu.platform.screening.screener import screener_for


def test_there_is_one_hand_written_rule_per_support() -> None:
    assert set(HAND_WRITTEN) == SUPPORTS


@pytest.mark.parametrize(("seed", "missing"), [(1, 0.15), (2, 0.35), (3, 0.0), (4, 0.6), (5, 0.85)])
def test_hand_written_rules_agree_with_the_compiled_baselines(seed: int, missing: float) -> None:
    on = date(2026, 3, 2)
    screener = screener_for(load_library(), "dhcs", on)
    assert len(screener.compiled) == 15
    disagreements = [
        (member["cin"], support, outcome, HAND_WRITTEN[support](member["facts"], on))
        for member in synthetic_members(1_500, seed=seed, as_of=on, missing_rate=missing)
        for support, criteria in screener.compiled
        if (outcome := criteria.assess(member["facts"], as_of=on).outcome)
        is not HAND_WRITTEN[support](member["facts"], on)
        or criteria.outcome(member["facts"], as_of=on) is not outcome
    ]
    assert disagreements == []
