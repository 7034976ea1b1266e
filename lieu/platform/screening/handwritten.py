"""The 15 DHCS baseline eligibility rules written by hand in plain Python: the benchmark ceiling.

Each function gives the same outcome as the compiled JSON definition (eligible, not eligible,
undetermined; a test holds them equal over thousands of synthetic members) with the same
three-valued logic: ``None`` is unknown, an absent fact is unknown, and a criterion holds only
when its facts say so. They trust the facts' types (valid against the member-facts schema) and
take the as-of date already parsed, as hand-written code would; they do not list missing facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from lieu.platform.rules.eligibility import Outcome

Facts = Mapping[str, Any]
Tri = bool | None
_NO: Mapping[str, Any] = MappingProxyType({})
_INSTITUTIONS = (
    "inpatient_hospital",
    "psychiatric_inpatient",
    "residential_sud_treatment",
    "residential_mental_health_treatment",
    "skilled_nursing_facility",
    "recuperative_care",
    "correctional_facility",
)
_TRANSITIONS = (
    *_INSTITUTIONS,
    "interim_housing",
    "short_term_post_hospitalization_housing",
    "foster_care",
)
_NUTRITION = frozenset(
    {
        "congestive_heart_failure",
        "cardiovascular_disease",
        "hypertension",
        "chronic_kidney_disease",
        "end_stage_renal_disease",
        "stroke",
        "copd",
        "chronic_lung_disease",
        "asthma",
        "cancer",
        "gestational_diabetes",
    }
)


def _any(*values: Tri) -> Tri:
    if True in values:
        return True
    return None if None in values else False


def _all(*values: Tri) -> Tri:
    if False in values:
        return False
    return None if None in values else True


def _outcome(*criteria: Tri) -> Outcome:
    if False in criteria:
        return Outcome.NOT_ELIGIBLE
    return Outcome.UNDETERMINED if None in criteria else Outcome.ELIGIBLE


def _yes(block: Facts, key: str) -> Tri:
    value = block.get(key)
    return None if value is None else value is True


def _at_least(value: float | None, bound: float) -> Tri:
    return None if value is None else value >= bound


def _has(items: list[str] | None, item: str) -> Tri:
    return None if items is None else item in items


def _is(value: str | None, expected: str) -> Tri:
    return None if value is None else value == expected


def _within(day: str | None, days: int, as_of: date) -> Tri:
    return None if day is None else 0 <= (as_of - date.fromisoformat(day)).days <= days


def _age(facts: Facts, as_of: date) -> int | None:
    born = facts.get("birth_date")
    if born is None:
        return None
    birth = date.fromisoformat(born)
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _discharged(facts: Facts, settings: tuple[str, ...], as_of: date) -> Tri:
    stay = facts.get("recent_discharge", _NO)
    setting = stay.get("setting")
    left = None if setting is None else setting in settings
    return _all(left, _within(stay.get("date"), 30, as_of))


def housing_transition_navigation(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    return _outcome(_any(_yes(h, "homeless"), _yes(h, "at_risk"), _yes(h, "ces_prioritized")))


def housing_deposits(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    current = facts.get("services", _NO).get("current")
    return _outcome(
        _has(current, "housing-transition-navigation"),
        _any(_yes(h, "homeless"), _yes(h, "ces_prioritized")),
        _yes(h, "moving_to_permanent_housing"),
    )


def housing_tenancy_sustaining(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    return _outcome(
        _any(
            _yes(h, "homeless"),
            _yes(h, "at_risk"),
            _yes(h, "ces_prioritized"),
            _yes(h, "previously_homeless"),
        )
    )


def short_term_post_hospitalization_housing(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    return _outcome(
        _discharged(facts, _INSTITUTIONS, as_of), _any(_yes(h, "homeless"), _yes(h, "at_risk"))
    )


def recuperative_care(facts: Facts, as_of: date) -> Outcome:
    h, stay = facts.get("housing", _NO), facts.get("recent_discharge", _NO)
    hospital = _all(
        _is(stay.get("setting"), "inpatient_hospital"), _within(stay.get("date"), 30, as_of)
    )
    return _outcome(
        _any(_yes(h, "homeless"), _yes(h, "at_risk")),
        _any(hospital, _yes(facts.get("risk", _NO), "hospitalization")),
    )


def respite(facts: Facts, as_of: date) -> Outcome:
    enrolled = facts.get("enrollments")
    age = _age(facts, as_of)
    caregiver = _all(
        _yes(facts.get("caregiver", _NO), "dependent_on_caregiver"),
        _at_least(facts.get("function", _NO).get("adl_limitations"), 1),
    )
    child = _all(
        None if age is None else age < 21,
        _any(
            _has(enrolled, "ccs"),
            _has(enrolled, "ghpp"),
            _has(enrolled, "pediatric_palliative_care_waiver"),
            _yes(facts.get("history", _NO), "foster_care"),
            _yes(facts.get("risk", _NO), "complex_care_needs"),
        ),
    )
    return _outcome(_any(caregiver, child))


def day_habilitation(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    return _outcome(
        _any(
            _yes(h, "homeless"),
            _all(
                _yes(h, "previously_homeless"), _within(h.get("exited_homelessness_on"), 730, as_of)
            ),
            _yes(h, "at_risk"),
            _yes(facts.get("risk", _NO), "institutionalization"),
        )
    )


def alf_transitions(facts: Facts, as_of: date) -> Outcome:
    nf, move = facts.get("nursing_facility", _NO), facts.get("transition", _NO)
    status = facts.get("housing", _NO).get("status")
    community = _all(
        None if status is None else status != "nursing_facility",
        _yes(nf, "meets_level_of_care"),
        _yes(move, "wants_community_living"),
    )
    return _outcome(
        _any(_at_least(nf.get("days"), 60), community), _yes(move, "safe_in_assisted_living")
    )


def community_home_transition(facts: Facts, as_of: date) -> Outcome:
    nf, move = facts.get("nursing_facility", _NO), facts.get("transition", _NO)
    return _outcome(
        _yes(nf, "meets_level_of_care"),
        _at_least(nf.get("days"), 60),
        _yes(move, "wants_community_living"),
        _yes(move, "safe_at_home_with_supports"),
    )


def personal_care_homemaker(facts: Facts, as_of: date) -> Outcome:
    risk, function = facts.get("risk", _NO), facts.get("function", _NO)
    enrolled = facts.get("enrollments")
    support = function.get("adequate_support")
    waiver = _any(_has(enrolled, "hcba"), _has(enrolled, "wpcs"))
    return _outcome(
        _any(
            _yes(risk, "hospitalization"),
            _yes(risk, "nursing_facility_placement"),
            _all(_yes(function, "functional_deficits"), None if support is None else not support),
            _has(enrolled, "ihss"),
        ),
        None if waiver is None else not waiver,
    )


def environmental_accessibility_adaptations(facts: Facts, as_of: date) -> Outcome:
    return _outcome(_yes(facts.get("risk", _NO), "nursing_facility_placement"))


def medically_tailored_meals(facts: Facts, as_of: date) -> Outcome:
    conditions, labs = facts.get("conditions"), facts.get("labs", _NO)
    stay = facts.get("recent_discharge", _NO)
    if conditions is None:
        listed = diabetic = None
    else:
        listed = not _NUTRITION.isdisjoint(conditions)
        diabetic = "diabetes_type_2" in conditions or "diabetes_type_1" in conditions
    return _outcome(
        _any(
            listed,
            _all(diabetic, _at_least(labs.get("a1c"), 9)),
            _at_least(labs.get("malnutrition_screening_score"), 3),
            _all(
                _is(stay.get("setting"), "inpatient_hospital"),
                _within(stay.get("date"), 30, as_of),
            ),
        )
    )


def sobering_centers(facts: Facts, as_of: date) -> Outcome:
    age = _age(facts, as_of)
    return _outcome(
        None if age is None else age >= 18, _yes(facts.get("public_intoxication", _NO), "found")
    )


def asthma_remediation(facts: Facts, as_of: date) -> Outcome:
    used, labs = facts.get("utilization", _NO), facts.get("labs", _NO)
    test = labs.get("asthma_control_test")
    return _outcome(
        _all(
            _has(facts.get("conditions"), "asthma"),
            _any(
                _at_least(used.get("asthma_ed_visits_12m"), 1),
                _at_least(used.get("asthma_hospitalizations_12m"), 1),
                _at_least(used.get("asthma_urgent_visits_12m"), 2),
                None if test is None else test <= 19,
                _yes(facts.get("asthma", _NO), "provider_recommends_remediation"),
            ),
        )
    )


def transitional_rent(facts: Facts, as_of: date) -> Outcome:
    h, bh = facts.get("housing", _NO), facts.get("behavioral_health", _NO)
    pregnancy = facts.get("pregnancy", _NO)
    delivered = pregnancy.get("delivery_date")
    loss = h.get("days_until_housing_loss")
    return _outcome(
        _any(
            _yes(bh, "smhs_criteria_met"),
            _yes(bh, "dmc_criteria_met"),
            _yes(bh, "dmc_ods_criteria_met"),
            _yes(pregnancy, "pregnant"),
            False if not delivered else _within(delivered, 365, as_of),
        ),
        _any(_yes(h, "homeless"), _yes(h, "at_risk"), None if loss is None else loss <= 30),
        _any(
            _discharged(facts, _TRANSITIONS, as_of),
            _is(h.get("status"), "unsheltered"),
            _yes(bh, "fsp_eligible"),
        ),
    )


HAND_WRITTEN: Mapping[str, Callable[[Facts, date], Outcome]] = MappingProxyType(
    {
        "housing-transition-navigation": housing_transition_navigation,
        "housing-deposits": housing_deposits,
        "housing-tenancy-sustaining": housing_tenancy_sustaining,
        "short-term-post-hospitalization-housing": short_term_post_hospitalization_housing,
        "recuperative-care": recuperative_care,
        "respite": respite,
        "day-habilitation": day_habilitation,
        "alf-transitions": alf_transitions,
        "community-home-transition": community_home_transition,
        "personal-care-homemaker": personal_care_homemaker,
        "environmental-accessibility-adaptations": environmental_accessibility_adaptations,
        "medically-tailored-meals": medically_tailored_meals,
        "sobering-centers": sobering_centers,
        "asthma-remediation": asthma_remediation,
        "transitional-rent": transitional_rent,
    }
)
