"""Synthetic client index numbers (CINs): the real shape, recognisably made up.

A Medi-Cal CIN is 9 characters, 8 digits and a letter. lieu's synthetic CINs always start with
``0`` and end with ``S`` (for synthetic), e.g. ``04711023S``: a pattern lieu reserves for generated
data, so a synthetic member can be told from a real one at a glance (``is_synthetic_cin``).
The 7 digits in between are a seeded permutation of the member's position, so CINs are unique
within one run of up to 10,000,000 members and look unordered.
"""

from __future__ import annotations

import re

MAX_SYNTHETIC = 10_000_000
_MULTIPLIER = 7_368_787  # odd and not a multiple of 5: a bijection modulo 10**7
_SYNTHETIC = re.compile(r"^0[0-9]{7}S$")


def synthetic_cin(index: int, seed: int) -> str:
    """The CIN of the ``index``-th synthetic member of the run with ``seed``."""
    if not 0 <= index < MAX_SYNTHETIC:
        raise ValueError(f"synthetic CINs number at most {MAX_SYNTHETIC:,}; got index {index}")
    offset = (seed * 2_654_435_761) % MAX_SYNTHETIC
    return f"0{(index * _MULTIPLIER + offset) % MAX_SYNTHETIC:07d}S"


def is_synthetic_cin(cin: str) -> bool:
    """Whether a CIN follows lieu's synthetic pattern (``0`` + 7 digits + ``S``)."""
    return _SYNTHETIC.match(cin) is not None
