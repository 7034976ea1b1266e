"""The 15 DHCS baseline eligibility rules written directly in Python: the eligibility ceiling.

Each function gives the compiled definition's outcome (eligible, not eligible, undetermined;
tests/benchmarks/test_eligibility_ceiling.py holds them equal over thousands of synthetic members)
with the same three-valued logic: an absent or null fact is unknown, and a criterion holds only
when its facts say so. Written as a programmer would for speed: straight-line code with no helper
calls, each fact read only when the answer still depends on it, returning as soon as the outcome
is decided (the first failed criterion, the first condition of an `or` that holds). They trust
the facts' types (valid against the member-facts schema), take the as-of date already parsed, and
neither list missing facts nor give reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from lieu.platform.rules.assessment import Outcome

Facts = Mapping[str, Any]
YES, NO, UND = Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE, Outcome.UNDETERMINED
_NO: Mapping[str, Any] = MappingProxyType({})
_INSTITUTIONS = frozenset(
    {
        "inpatient_hospital",
        "psychiatric_inpatient",
        "residential_sud_treatment",
        "residential_mental_health_treatment",
        "skilled_nursing_facility",
        "recuperative_care",
        "correctional_facility",
    }
)
_TRANSITIONS = _INSTITUTIONS | {
    "interim_housing",
    "short_term_post_hospitalization_housing",
    "foster_care",
}
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

# In each rule, `unknown` is set when a criterion (or a condition of an `and`) is undetermined;
# a condition `is True` holds, `is None` is unknown, and any other value fails.


def housing_transition_navigation(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    if homeless is True:
        return YES
    at_risk = h.get("at_risk")
    if at_risk is True:
        return YES
    ces = h.get("ces_prioritized")
    if ces is True:
        return YES
    return UND if homeless is None or at_risk is None or ces is None else NO


def housing_deposits(facts: Facts, as_of: date) -> Outcome:
    current = facts.get("services", _NO).get("current")
    if current is None:
        unknown = True
    elif "housing-transition-navigation" in current:
        unknown = False
    else:
        return NO
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    if homeless is not True:
        ces = h.get("ces_prioritized")
        if ces is not True:
            if homeless is not None and ces is not None:
                return NO
            unknown = True
    moving = h.get("moving_to_permanent_housing")
    if moving is None:
        return UND
    if moving is not True:
        return NO
    return UND if unknown else YES


def housing_tenancy_sustaining(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    if homeless is True:
        return YES
    at_risk = h.get("at_risk")
    if at_risk is True:
        return YES
    ces = h.get("ces_prioritized")
    if ces is True:
        return YES
    before = h.get("previously_homeless")
    if before is True:
        return YES
    if homeless is None or at_risk is None or ces is None or before is None:
        return UND
    return NO


def short_term_post_hospitalization_housing(facts: Facts, as_of: date) -> Outcome:
    stay = facts.get("recent_discharge", _NO)
    setting = stay.get("setting")
    if setting is not None and setting not in _INSTITUTIONS:
        return NO
    day = stay.get("date")
    if day is None:
        unknown = True
    elif not 0 <= (as_of - date.fromisoformat(day)).days <= 30:
        return NO
    else:
        unknown = setting is None
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    if homeless is not True:
        at_risk = h.get("at_risk")
        if at_risk is not True:
            if homeless is not None and at_risk is not None:
                return NO
            return UND
    return UND if unknown else YES


def recuperative_care(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    unknown = False
    if homeless is not True:
        at_risk = h.get("at_risk")
        if at_risk is not True:
            if homeless is not None and at_risk is not None:
                return NO
            unknown = True
    # hospital stay (setting and date) or a risk of hospitalization
    stay = facts.get("recent_discharge", _NO)
    setting = stay.get("setting")
    if setting is None or setting == "inpatient_hospital":
        day = stay.get("date")
        if day is None:
            stay_unknown = True
        elif 0 <= (as_of - date.fromisoformat(day)).days <= 30:
            if setting is not None:
                return UND if unknown else YES
            stay_unknown = True
        else:
            stay_unknown = False
    else:
        stay_unknown = False
    risk = facts.get("risk", _NO).get("hospitalization")
    if risk is True:
        return UND if unknown else YES
    if risk is None or stay_unknown:
        return UND
    return NO


def respite(facts: Facts, as_of: date) -> Outcome:
    # caregiver: depends on a caregiver and has an ADL limitation
    dependent = facts.get("caregiver", _NO).get("dependent_on_caregiver")
    if dependent is True or dependent is None:
        adl = facts.get("function", _NO).get("adl_limitations")
        if adl is None:
            unknown = True
        elif adl >= 1:
            if dependent is True:
                return YES
            unknown = True
        else:
            unknown = False
    else:
        unknown = False
    # or a child (under 21) in a qualifying program
    born = facts.get("birth_date")
    if born is None:
        child_unknown = True
    else:
        birth = date.fromisoformat(born)
        years = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
        if years >= 21:
            return UND if unknown else NO
        child_unknown = False
    enrolled = facts.get("enrollments")
    if enrolled is not None and (
        "ccs" in enrolled or "ghpp" in enrolled or "pediatric_palliative_care_waiver" in enrolled
    ):
        return UND if child_unknown else YES
    foster = facts.get("history", _NO).get("foster_care")
    if foster is True:
        return UND if child_unknown else YES
    complex_needs = facts.get("risk", _NO).get("complex_care_needs")
    if complex_needs is True:
        return UND if child_unknown else YES
    if enrolled is None or foster is None or complex_needs is None:
        return UND  # the program is unknown, and the child's age is under 21 or unknown
    return UND if unknown else NO  # no program: not a qualifying child, whatever the age


def day_habilitation(facts: Facts, as_of: date) -> Outcome:
    h = facts.get("housing", _NO)
    homeless = h.get("homeless")
    if homeless is True:
        return YES
    unknown = homeless is None
    before = h.get("previously_homeless")
    if before is True or before is None:
        exited = h.get("exited_homelessness_on")
        if exited is None:
            unknown = True
        elif 0 <= (as_of - date.fromisoformat(exited)).days <= 730:
            if before is True:
                return YES
            unknown = True
    at_risk = h.get("at_risk")
    if at_risk is True:
        return YES
    institution = facts.get("risk", _NO).get("institutionalization")
    if institution is True:
        return YES
    return UND if unknown or at_risk is None or institution is None else NO


def alf_transitions(facts: Facts, as_of: date) -> Outcome:
    nf, move = facts.get("nursing_facility", _NO), facts.get("transition", _NO)
    # 60 days in a nursing facility, or living in the community wanting to stay there
    days = nf.get("days")
    if days is not None and days >= 60:
        unknown = False
    else:
        unknown = days is None
        status = facts.get("housing", _NO).get("status")
        if status == "nursing_facility":
            if not unknown:
                return NO
        else:
            community_unknown = status is None
            care = nf.get("meets_level_of_care")
            if care is True or care is None:
                wants = move.get("wants_community_living")
                if wants is True or wants is None:
                    if not (community_unknown or care is None or wants is None):
                        unknown = False
                    else:
                        unknown = True
                elif not unknown:
                    return NO
            elif not unknown:
                return NO
    safe = move.get("safe_in_assisted_living")
    if safe is None:
        return UND
    if safe is not True:
        return NO
    return UND if unknown else YES


def community_home_transition(facts: Facts, as_of: date) -> Outcome:
    nf, move = facts.get("nursing_facility", _NO), facts.get("transition", _NO)
    care = nf.get("meets_level_of_care")
    if care is not True and care is not None:
        return NO
    days = nf.get("days")
    if days is not None and days < 60:
        return NO
    wants = move.get("wants_community_living")
    if wants is not True and wants is not None:
        return NO
    safe = move.get("safe_at_home_with_supports")
    if safe is not True and safe is not None:
        return NO
    return UND if care is None or days is None or wants is None or safe is None else YES


def personal_care_homemaker(facts: Facts, as_of: date) -> Outcome:
    risk = facts.get("risk", _NO)
    enrolled = facts.get("enrollments")
    # at risk, or functional deficits without adequate support, or in IHSS
    hospital = risk.get("hospitalization")
    if hospital is True:
        unknown = False
    else:
        placement = risk.get("nursing_facility_placement")
        if placement is True:
            unknown = False
        else:
            unknown = hospital is None or placement is None
            function = facts.get("function", _NO)
            deficits = function.get("functional_deficits")
            settled = False
            if deficits is True or deficits is None:
                support = function.get("adequate_support")
                if support is None:
                    unknown = True
                elif not support:
                    if deficits is True:
                        unknown, settled = False, True
                    else:
                        unknown = True
            if not settled:
                if enrolled is None:
                    unknown = True
                elif "ihss" in enrolled:
                    unknown = False
                elif not unknown:
                    return NO
    # and not in the HCBA or WPCS waiver
    if enrolled is None:
        return UND
    if "hcba" in enrolled or "wpcs" in enrolled:
        return NO
    return UND if unknown else YES


def environmental_accessibility_adaptations(facts: Facts, as_of: date) -> Outcome:
    placement = facts.get("risk", _NO).get("nursing_facility_placement")
    if placement is True:
        return YES
    return UND if placement is None else NO


def medically_tailored_meals(facts: Facts, as_of: date) -> Outcome:
    conditions = facts.get("conditions")
    labs = facts.get("labs", _NO)
    if conditions is None:
        unknown = True
    elif not _NUTRITION.isdisjoint(conditions):
        return YES
    else:
        unknown = False
    # diabetes with an A1c of 9 or more
    diabetic = None if conditions is None else (
        "diabetes_type_2" in conditions or "diabetes_type_1" in conditions
    )  # fmt: skip
    if diabetic is not False:
        a1c = labs.get("a1c")
        if a1c is None:
            unknown = True
        elif a1c >= 9:
            if diabetic:
                return YES
            unknown = True
    score = labs.get("malnutrition_screening_score")
    if score is not None and score >= 3:
        return YES
    unknown = unknown or score is None
    stay = facts.get("recent_discharge", _NO)
    setting = stay.get("setting")
    if setting is None or setting == "inpatient_hospital":
        day = stay.get("date")
        if day is None:
            return UND
        if 0 <= (as_of - date.fromisoformat(day)).days <= 30:
            return UND if setting is None else YES
    return UND if unknown else NO


def sobering_centers(facts: Facts, as_of: date) -> Outcome:
    born = facts.get("birth_date")
    if born is not None:
        birth = date.fromisoformat(born)
        years = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
        if years < 18:
            return NO
    found = facts.get("public_intoxication", _NO).get("found")
    if found is None:
        return UND
    if found is not True:
        return NO
    return UND if born is None else YES


def asthma_remediation(facts: Facts, as_of: date) -> Outcome:
    conditions = facts.get("conditions")
    if conditions is not None and "asthma" not in conditions:
        return NO
    unknown = conditions is None
    used = facts.get("utilization", _NO)
    visits = used.get("asthma_ed_visits_12m")
    if visits is not None and visits >= 1:
        return UND if unknown else YES
    stays = used.get("asthma_hospitalizations_12m")
    if stays is not None and stays >= 1:
        return UND if unknown else YES
    urgent = used.get("asthma_urgent_visits_12m")
    if urgent is not None and urgent >= 2:
        return UND if unknown else YES
    test = facts.get("labs", _NO).get("asthma_control_test")
    if test is not None and test <= 19:
        return UND if unknown else YES
    recommends = facts.get("asthma", _NO).get("provider_recommends_remediation")
    if recommends is True:
        return UND if unknown else YES
    if visits is None or stays is None or urgent is None or test is None or recommends is None:
        return UND
    return NO


def transitional_rent(facts: Facts, as_of: date) -> Outcome:
    h, bh = facts.get("housing", _NO), facts.get("behavioral_health", _NO)
    # a behavioral health criterion, pregnancy, or a delivery within a year
    smhs = bh.get("smhs_criteria_met")
    if smhs is True:
        unknown = False
    else:
        dmc = bh.get("dmc_criteria_met")
        ods = None if dmc is True else bh.get("dmc_ods_criteria_met")
        pregnancy = facts.get("pregnancy", _NO)
        pregnant = None if dmc is True or ods is True else pregnancy.get("pregnant")
        if dmc is True or ods is True or pregnant is True:
            unknown = False
        else:
            delivered = pregnancy.get("delivery_date")
            if delivered and 0 <= (as_of - date.fromisoformat(delivered)).days <= 365:
                unknown = False
            elif smhs is None or dmc is None or ods is None or pregnant is None:
                unknown = True
            else:
                return NO
    # homeless, at risk, or losing housing within 30 days
    homeless = h.get("homeless")
    if homeless is not True:
        at_risk = h.get("at_risk")
        if at_risk is not True:
            loss = h.get("days_until_housing_loss")
            if loss is None or loss > 30:
                if loss is not None and homeless is not None and at_risk is not None:
                    return NO
                unknown = True
    # leaving an institution or transitional setting, unsheltered, or FSP eligible
    stay = facts.get("recent_discharge", _NO)
    setting = stay.get("setting")
    if setting is None or setting in _TRANSITIONS:
        day = stay.get("date")
        if day is None:
            left_unknown = True
        elif 0 <= (as_of - date.fromisoformat(day)).days <= 30:
            if setting is not None:
                return UND if unknown else YES
            left_unknown = True
        else:
            left_unknown = False
    else:
        left_unknown = False
    status = h.get("status")
    if status == "unsheltered":
        return UND if unknown else YES
    fsp = bh.get("fsp_eligible")
    if fsp is True:
        return UND if unknown else YES
    if left_unknown or status is None or fsp is None:
        return UND
    return NO


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
