"""The fifteen Community Supports: their codes (slugs), names and former names."""

from __future__ import annotations

from types import MappingProxyType

BASELINE_PLAN = "dhcs"

SUPPORT_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "housing-transition-navigation": "Housing Transition Navigation Services",
        "housing-deposits": "Housing Deposits",
        "housing-tenancy-sustaining": "Housing Tenancy and Sustaining Services",
        "short-term-post-hospitalization-housing": "Short-Term Post-Hospitalization Housing",
        "recuperative-care": "Recuperative Care (Medical Respite)",
        "respite": "Respite Services",
        "day-habilitation": "Day Habilitation Programs",
        "alf-transitions": "Assisted Living Facility Transitions",
        "community-home-transition": "Community or Home Transition Services",
        "personal-care-homemaker": "Personal Care and Homemaker Services",
        "environmental-accessibility-adaptations": "Environmental Accessibility Adaptations",
        "medically-tailored-meals": "Medically Tailored Meals / Medically Supportive Food",
        "sobering-centers": "Sobering Centers",
        "asthma-remediation": "Asthma Remediation",
        "transitional-rent": "Transitional Rent",
    }
)

SUPPORTS: frozenset[str] = frozenset(SUPPORT_NAMES)


def support_name(slug: str) -> str:
    """The plain name of a support, or the slug itself when it is not one of the fifteen."""
    return SUPPORT_NAMES.get(slug, slug)
