"""The shape of the synthetic Medi-Cal population: weights and rates the generator draws from.

Figures are rounded and plausible, not a statistical model: county weights are the 2020 Census
population in thousands (Medi-Cal enrollment follows population closely); the age mix, housing
situations and condition rates are of the order Medi-Cal reports for its members, raised where a
Community Support would otherwise have too few members to show every outcome in a sample.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weighted:
    """Values with relative weights; ``pick`` draws one with a single random number."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        """One value, drawn in proportion to its weight."""
        point = rng.random() * self.cumulative[-1]
        return self.values[bisect.bisect_right(self.cumulative, point)]


def weighted(pairs: Sequence[tuple[str, float]]) -> Weighted:
    """A ``Weighted`` from (value, weight) pairs."""
    values = tuple(value for value, _ in pairs)
    return Weighted(values, tuple(itertools.accumulate(weight for _, weight in pairs)))


COUNTIES = weighted(
    [
        ("Los Angeles", 10014), ("San Diego", 3298), ("Orange", 3186), ("Riverside", 2418),
        ("San Bernardino", 2181), ("Santa Clara", 1936), ("Alameda", 1682), ("Sacramento", 1585),
        ("Contra Costa", 1165), ("Fresno", 1008), ("Kern", 909), ("San Francisco", 873),
        ("Ventura", 843), ("San Joaquin", 779), ("San Mateo", 764), ("Stanislaus", 552),
        ("Sonoma", 488), ("Tulare", 473), ("Solano", 453), ("Santa Barbara", 448),
        ("Monterey", 439), ("Placer", 404), ("San Luis Obispo", 282), ("Merced", 281),
        ("Santa Cruz", 270), ("Marin", 262), ("Yolo", 216), ("Butte", 211), ("El Dorado", 191),
        ("Shasta", 182), ("Imperial", 179), ("Madera", 156), ("Kings", 152), ("Napa", 138),
        ("Humboldt", 136), ("Nevada", 102), ("Sutter", 99), ("Mendocino", 91), ("Yuba", 81),
        ("Lake", 68), ("Tehama", 65), ("San Benito", 64), ("Tuolumne", 55), ("Calaveras", 45),
        ("Siskiyou", 44), ("Amador", 40), ("Lassen", 33), ("Glenn", 28), ("Del Norte", 27),
        ("Colusa", 21), ("Plumas", 19), ("Inyo", 19), ("Mariposa", 17), ("Trinity", 16),
        ("Mono", 13), ("Modoc", 9), ("Sierra", 3), ("Alpine", 1),
    ]
)  # fmt: skip

# Age bands (lowest age, highest age, weight): about 37% of members are under 21, 11% 65+.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 5, 10),
    (6, 17, 21),
    (18, 20, 6),
    (21, 34, 19),
    (35, 49, 17),
    (50, 64, 16),
    (65, 79, 8),
    (80, 99, 3),
)
AGE_BAND = weighted([(str(index), band[2]) for index, band in enumerate(AGE_BANDS)])

# Housing situation of the member; homeless means HUD's literal homelessness.
HOUSING = weighted(
    [
        ("housed", 78),
        ("doubled_up", 6),
        ("unsheltered", 4),
        ("emergency_shelter", 2.5),
        ("interim_housing", 1.5),
        ("permanent_supportive_housing", 2),
        ("nursing_facility", 3),
        ("assisted_living", 1),
        ("institution", 2.5),
    ]
)
HOMELESS_STATUSES = frozenset({"unsheltered", "emergency_shelter", "interim_housing"})
INSTITUTION_STATUSES = frozenset({"nursing_facility", "institution"})

# Conditions with their rate among adults (21+) and among children.
CONDITIONS: tuple[tuple[str, float, float], ...] = (
    ("hypertension", 0.22, 0.01),
    ("diabetes_type_2", 0.12, 0.005),
    ("diabetes_type_1", 0.008, 0.003),
    ("gestational_diabetes", 0.006, 0.0),
    ("cardiovascular_disease", 0.07, 0.002),
    ("congestive_heart_failure", 0.03, 0.0),
    ("chronic_kidney_disease", 0.05, 0.002),
    ("end_stage_renal_disease", 0.008, 0.0),
    ("stroke", 0.02, 0.0),
    ("copd", 0.05, 0.0),
    ("chronic_lung_disease", 0.02, 0.005),
    ("asthma", 0.09, 0.10),
    ("hiv", 0.005, 0.0),
    ("cancer", 0.03, 0.003),
    ("malnutrition", 0.01, 0.01),
    ("obesity", 0.20, 0.08),
    ("dementia", 0.02, 0.0),
    ("schizophrenia", 0.01, 0.0),
    ("bipolar_disorder", 0.02, 0.002),
    ("major_depression", 0.09, 0.03),
    ("serious_mental_illness", 0.04, 0.01),
    ("substance_use_disorder", 0.07, 0.01),
    ("alcohol_use_disorder", 0.04, 0.003),
    ("opioid_use_disorder", 0.02, 0.001),
    ("intellectual_or_developmental_disability", 0.01, 0.02),
    ("physical_disability", 0.05, 0.01),
    ("chronic_wound", 0.01, 0.0),
    ("chronic_pain", 0.08, 0.0),
    ("liver_disease", 0.02, 0.0),
)

# Where a member with a recent stay was discharged from.
DISCHARGE_SETTINGS = weighted(
    [
        ("inpatient_hospital", 55),
        ("emergency_department", 12),
        ("psychiatric_inpatient", 7),
        ("skilled_nursing_facility", 6),
        ("residential_sud_treatment", 5),
        ("residential_mental_health_treatment", 2),
        ("correctional_facility", 5),
        ("recuperative_care", 2),
        ("short_term_post_hospitalization_housing", 1),
        ("interim_housing", 3),
        ("foster_care", 2),
    ]
)
SKILLED_NEEDS = (
    "wound_care",
    "iv_antibiotics",
    "physical_therapy",
    "occupational_therapy",
    "speech_therapy",
    "medication_monitoring",
)

# Share of members with a stay in the last year, and the share of those in the last 30 days.
DISCHARGE_RATE = 0.14
RECENT_DISCHARGE_SHARE = 0.35
