"""One synthetic member's complete facts, drawn from ``population``; dates relative to as-of.

Each block is drawn so that its facts agree with each other (a member in emergency shelter is
homeless; only a diabetic has an A1C that says so; a discharge has a setting and a date) and with
the member's age, housing and conditions. Gaps are made afterwards by ``synth.drop_facts``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from lieu.platform.members.population import (
    AGE_BAND,
    AGE_BANDS,
    CONDITIONS,
    COUNTIES,
    DISCHARGE_RATE,
    DISCHARGE_SETTINGS,
    HOMELESS_STATUSES,
    HOUSING,
    INSTITUTION_STATUSES,
    RECENT_DISCHARGE_SHARE,
    SKILLED_NEEDS,
)

Facts = dict[str, Any]
SMI = frozenset({"schizophrenia", "bipolar_disorder", "serious_mental_illness"})
SUD = frozenset({"substance_use_disorder", "alcohol_use_disorder", "opioid_use_disorder"})


def _ago(as_of: dt.date, days: int) -> str:
    return (as_of - dt.timedelta(days=days)).isoformat()


def _count(rng: random.Random, mean: float) -> int:
    """A skewed visit count with the given mean (most members 0, a few many)."""
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def complete_facts(rng: random.Random, as_of: dt.date) -> Facts:
    """Every fact of one plausible member (before any are dropped)."""
    low, high, _ = AGE_BANDS[int(AGE_BAND.pick(rng))]
    age = rng.randint(low, high)
    adult, female = age >= 21, rng.random() < 0.53
    status = HOUSING.pick(rng) if age >= 18 or rng.random() < 0.9 else "housed"
    homeless = status in HOMELESS_STATUSES
    rate = 1 if adult else 2
    conditions = [name for name, *rates in CONDITIONS if rng.random() < rates[rate - 1]]
    if not female or not 15 <= age <= 45:
        conditions = [c for c in conditions if c != "gestational_diabetes"]
    smi, sud = not SMI.isdisjoint(conditions), not SUD.isdisjoint(conditions)
    adl = _adl(rng, age, "physical_disability" in conditions or status in INSTITUTION_STATUSES)
    born = as_of - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))
    housing = _housing(rng, status, as_of)
    facts: Facts = {
        "birth_date": born.isoformat(),
        "county": COUNTIES.pick(rng),
        "housing": housing,
        "conditions": conditions,
        "labs": _labs(rng, conditions),
        "utilization": _utilization(rng, conditions, homeless, smi),
        "recent_discharge": _discharge(rng, as_of, homeless or smi or age >= 65),
        "nursing_facility": _nursing(rng, status, age),
        "function": {
            "adl_limitations": adl,
            "functional_deficits": adl >= 2 or rng.random() < 0.02,
            "adequate_support": rng.random() < (0.55 if adl >= 2 else 0.95),
        },
        "caregiver": _caregiver(rng, adl, age),
        "risk": {
            "hospitalization": rng.random() < 0.03 + 0.03 * len(conditions) + 0.1 * homeless,
            "nursing_facility_placement": rng.random() < (0.35 if age >= 65 and adl >= 2 else 0.01),
            "institutionalization": rng.random() < (0.15 if smi else 0.02),
            "overdose": rng.random() < (0.25 if sud else 0.004),
            "complex_care_needs": rng.random() < (0.2 if not adult and adl else 0.02),
        },
        "enrollments": _enrollments(rng, age, adl, homeless, smi, status),
        "pregnancy": _pregnancy(rng, as_of, female and 15 <= age <= 45),
        "behavioral_health": {
            "smhs_criteria_met": rng.random() < (0.8 if smi else 0.06),
            "dmc_criteria_met": rng.random() < (0.5 if sud else 0.02),
            "dmc_ods_criteria_met": rng.random() < (0.5 if sud else 0.02),
            "fsp_eligible": rng.random() < (0.35 if smi and homeless else 0.01),
        },
        "history": {
            "foster_care": rng.random() < (0.05 if age < 26 else 0.02),
            "justice_involved": rng.random() < (0.2 if homeless else 0.04),
            "trafficking_or_domestic_violence": rng.random() < 0.015,
        },
        "public_intoxication": _intoxication(rng, as_of, age >= 18, sud, homeless),
        "food": {
            "insecure": rng.random() < (0.7 if homeless else 0.25),
            "can_store_and_prepare": rng.random() < (0.3 if homeless else 0.9),
        },
        "services": _services(rng, housing),
    }
    if facts["recent_discharge"] is None:  # no stay on record
        del facts["recent_discharge"]
    if status in INSTITUTION_STATUSES or facts["nursing_facility"]["days"] > 0:
        facts["transition"] = {
            "wants_community_living": rng.random() < 0.6,
            "safe_at_home_with_supports": rng.random() < 0.6,
            "safe_in_assisted_living": rng.random() < 0.6,
        }
    if not homeless:
        home: Facts = {"owner_consent": rng.random() < 0.75}
        if "asthma" in conditions and rng.random() < 0.3:
            home["aps_trigger_assessment_on"] = _ago(as_of, rng.randint(0, 600))
        facts["home"] = home
    if "asthma" in conditions:
        facts["asthma"] = {"provider_recommends_remediation": rng.random() < 0.25}
    return facts


def _adl(rng: random.Random, age: int, disabled: bool) -> int:
    chance = 0.5 if disabled else 0.3 if age >= 75 else 0.1 if age >= 60 else 0.03
    return rng.randint(1, 6) if rng.random() < chance else 0


def _housing(rng: random.Random, status: str, as_of: dt.date) -> Facts:
    homeless = status in HOMELESS_STATUSES
    at_risk = rng.random() < {"doubled_up": 0.7, "housed": 0.05}.get(status, 0.2 * (not homeless))
    previously = homeless or status == "permanent_supportive_housing" or rng.random() < 0.04
    housing: Facts = {
        "status": status,
        "homeless": homeless,
        "at_risk": at_risk,
        "ces_prioritized": rng.random() < (0.35 if homeless else 0.08 if at_risk else 0.0),
        "previously_homeless": previously,
        "moving_to_permanent_housing": rng.random() < (0.15 if homeless else 0.01),
        "lives_alone": rng.random() < 0.3,
        "long_term_subsidy_identified": rng.random() < (0.15 if homeless or at_risk else 0.01),
    }
    if at_risk:
        housing["days_until_housing_loss"] = rng.randint(0, 120)
    if previously and not homeless:
        housing["exited_homelessness_on"] = _ago(as_of, rng.randint(20, 1500))
    return housing


def _labs(rng: random.Random, conditions: list[str]) -> Facts:
    labs: Facts = {}
    diabetic = "diabetes_type_2" in conditions or "diabetes_type_1" in conditions
    if diabetic and rng.random() < 0.85:
        labs["a1c"] = round(min(max(rng.gauss(8.2, 1.8), 4.5), 16.0), 1)
    elif rng.random() < 0.15:
        labs["a1c"] = round(min(max(rng.gauss(5.6, 0.5), 4.0), 9.0), 1)
    if "asthma" in conditions and rng.random() < 0.6:
        labs["asthma_control_test"] = rng.randint(8, 25)
    if rng.random() < 0.2:
        labs["malnutrition_screening_score"] = min(_count(rng, 1.2), 5)
    return labs


def _utilization(rng: random.Random, conditions: list[str], homeless: bool, smi: bool) -> Facts:
    ed_12m = _count(rng, 0.5 + 1.5 * homeless + smi + 0.1 * len(conditions))
    stays_12m = _count(rng, 0.1 + 0.3 * homeless + 0.05 * len(conditions))
    asthma = "asthma" in conditions
    return {
        "ed_visits_6m": round(ed_12m * rng.random()),
        "ed_visits_12m": ed_12m,
        "hospitalizations_6m": round(stays_12m * rng.random()),
        "hospitalizations_12m": stays_12m,
        "asthma_ed_visits_12m": _count(rng, 0.3) if asthma else 0,
        "asthma_hospitalizations_12m": int(rng.random() < 0.05) if asthma else 0,
        "asthma_urgent_visits_12m": _count(rng, 0.8) if asthma else 0,
    }


def _discharge(rng: random.Random, as_of: dt.date, likely: bool) -> Facts | None:
    if rng.random() >= DISCHARGE_RATE * (2 if likely else 1):
        return None
    recent = rng.random() < RECENT_DISCHARGE_SHARE
    setting = DISCHARGE_SETTINGS.pick(rng)
    stay = 0 if setting == "emergency_department" else rng.randint(1, 30)
    needs = []
    if setting in ("inpatient_hospital", "skilled_nursing_facility") and rng.random() < 0.4:
        needs = rng.sample(SKILLED_NEEDS, rng.randint(1, 2))
    return {
        "date": _ago(as_of, rng.randint(0, 30) if recent else rng.randint(31, 365)),
        "setting": setting,
        "length_of_stay_days": stay,
        "skilled_needs": needs,
    }


def _nursing(rng: random.Random, status: str, age: int) -> Facts:
    if status == "nursing_facility":
        return {"days": rng.randint(10, 900), "meets_level_of_care": rng.random() < 0.9}
    if age >= 60 and rng.random() < 0.06:
        return {"days": rng.randint(1, 150), "meets_level_of_care": rng.random() < 0.5}
    return {"days": 0, "meets_level_of_care": rng.random() < (0.05 if age >= 65 else 0.005)}


def _caregiver(rng: random.Random, adl: int, age: int) -> Facts:
    has = rng.random() < (0.6 if adl or age < 12 else 0.1)
    return {"has_caregiver": has, "dependent_on_caregiver": has and rng.random() < 0.5}


def _enrollments(
    rng: random.Random, age: int, adl: int, homeless: bool, smi: bool, status: str
) -> list[str]:
    child, senior = age < 21, age >= 65
    rates = (
        ("ecm", 0.3 if homeless else 0.05),
        ("ihss", 0.4 if adl >= 2 else 0.01),
        ("ihss_application_pending", 0.05 if adl else 0.002),
        ("hcba", 0.05 if adl >= 3 else 0.002),
        ("hcba_waitlist", 0.03 if adl >= 3 else 0.001),
        ("wpcs", 0.02 if adl >= 3 else 0.0005),
        ("ccs", 0.06 if child else 0.0),
        ("ghpp", 0.001),
        ("pediatric_palliative_care_waiver", 0.003 if child else 0.0),
        ("assisted_living_waiver", 0.5 if status == "assisted_living" else 0.001),
        ("cbas", 0.02 if senior else 0.001),
        ("fsp", 0.3 if smi else 0.003),
        ("pace", 0.01 if senior else 0.0),
        ("snp", 0.1 if senior else 0.0),
        ("hospice", 0.01 if senior else 0.0),
        ("medicare_advantage", 0.3 if senior else 0.0),
    )
    return [name for name, rate in rates if rng.random() < rate]


def _pregnancy(rng: random.Random, as_of: dt.date, can_be: bool) -> Facts:
    if not can_be:
        return {"pregnant": False}
    pregnancy: Facts = {"pregnant": rng.random() < 0.07}
    if not pregnancy["pregnant"] and rng.random() < 0.08:
        pregnancy["delivery_date"] = _ago(as_of, rng.randint(1, 540))
    return pregnancy


def _intoxication(
    rng: random.Random, as_of: dt.date, adult: bool, sud: bool, homeless: bool
) -> Facts:
    found = rng.random() < (0.08 if sud else 0.04 if homeless else 0.004 if adult else 0.0005)
    if not found:
        return {"found": False}
    return {
        "found": True,
        "date": _ago(as_of, rng.randint(0, 3)),
        "would_otherwise_go_to": "jail" if rng.random() < 0.3 else "emergency_department",
    }


def _services(rng: random.Random, housing: Facts) -> Facts:
    current: list[str] = []
    if (housing["homeless"] or housing["ces_prioritized"]) and rng.random() < 0.3:
        current.append("housing-transition-navigation")
        housing["moving_to_permanent_housing"] = rng.random() < 0.4
    if housing["previously_homeless"] and not housing["homeless"] and rng.random() < 0.2:
        current.append("housing-tenancy-sustaining")
    received = list(current)
    if housing["previously_homeless"] and rng.random() < 0.15:
        received.append("housing-deposits")
    return {"received": received, "current": current}
