"""A plan's appeal and grievance clocks, capped by the federal rules, and the deadlines they give.

A plan sets its own timeframes in its plan file (`benefit_definitions/plans/<plan>.json`):

    "appeals": {"standard_days": 30, "expedited_hours": 72, "extension_days": 14},
    "grievances": {"acknowledge_days": 5, "resolve_days": 30}

Each is checked against its ceiling when the file is read (`problems`). Pure and deterministic:
the appeal workflow counts with it.
"""

# No `from __future__ import annotations`: the terms travel in workflow inputs, and pydantic
# builds their types inside the workflow sandbox.
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lieu.platform.plans.calendar import PlanCalendar

# 42 CFR 438.402(c)(2)(ii): the member appeals within 60 calendar days of the notice.
FILING_DAYS = 60


@dataclass(frozen=True)
class Cap:
    """The most a plan may set one clock to, and where the rule is written."""

    most: int
    reference: str


CAPS = {
    "standard_days": Cap(
        30, "42 CFR 438.408(b)(2): a standard appeal is resolved within 30 calendar days"
    ),
    "expedited_hours": Cap(
        72, "42 CFR 438.408(b)(3): an expedited appeal is resolved within 72 hours"
    ),
    "extension_days": Cap(
        14, "42 CFR 438.408(c)(1): the timeframe may be extended once, by up to 14 calendar days"
    ),
    "acknowledge_days": Cap(
        5,
        "California (28 CCR 1300.68(d)(1), DHCS APL 21-011): a grievance is acknowledged in "
        "writing within 5 calendar days",
    ),
    "resolve_days": Cap(
        90, "42 CFR 438.408(b)(1): a grievance is resolved within 90 calendar days"
    ),
}


@dataclass(frozen=True)
class AppealTerms:
    """How long the plan gives itself to resolve appeals and grievances (calendar days, or
    hours for expedited appeals). The defaults are the federal appeal timeframes and
    California's grievance timeframes (30 days to resolve: Health and Safety Code 1368.01)."""

    standard_days: int = 30
    expedited_hours: int = 72
    extension_days: int = 14
    acknowledge_days: int = 5
    resolve_days: int = 30

    def deadline(self, received_at: datetime, expedited: bool, calendar: PlanCalendar) -> datetime:
        """When an appeal received at `received_at` must be resolved."""
        if expedited:
            return received_at + timedelta(hours=self.expedited_hours)
        return calendar.add_calendar_days(received_at, self.standard_days)

    def extended(self, deadline: datetime, days: int, calendar: PlanCalendar) -> datetime:
        """The deadline moved by the extension's `days` (42 CFR 438.408(c): from the timeframe
        it extends)."""
        return calendar.add_calendar_days(deadline, days)


# the federal appeal timeframes and California's grievance timeframes
DEFAULT_TERMS = AppealTerms()

SECTIONS = {
    "appeals": ("standard_days", "expedited_hours", "extension_days"),
    "grievances": ("acknowledge_days", "resolve_days"),
}


def parse_terms(document: dict[str, Any], problems: list[str]) -> AppealTerms:
    """The appeal terms in a plan file's `appeals` and `grievances` sections; each problem (with
    its JSON pointer) is added to `problems`."""
    values: dict[str, int] = {}
    for section, names in SECTIONS.items():
        raw = document.get(section, {})
        if not isinstance(raw, dict):
            problems.append(f"/{section}: an object with {', '.join(names)}")
            continue
        unknown = sorted(set(raw) - set(names))
        if unknown:
            problems.append(f"/{section}: unknown field(s) {unknown}; the fields are {list(names)}")
        for name in names:
            if name not in raw:
                continue
            value, cap = raw[name], CAPS[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f"/{section}/{name}: a whole number from 1 to {cap.most}")
            elif value > cap.most:
                problems.append(
                    f"/{section}/{name}: {value} is more than the {cap.most} allowed "
                    f"({cap.reference}); set at most {cap.most}"
                )
            else:
                values[name] = value
    return AppealTerms(**values)


def terms_document(terms: AppealTerms) -> dict[str, dict[str, int]]:
    """The terms as a plan file (and the stored settings) write them."""
    return {
        section: {name: getattr(terms, name) for name in names}
        for section, names in SECTIONS.items()
    }
