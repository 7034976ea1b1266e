"""A definition's review clocks against the federal ceilings (`authorizations.regulation`)."""

from __future__ import annotations

from datetime import date

from lieu.platform.authorizations.regulation import (
    ADVANCE_NOTICE,
    EXPEDITED,
    STANDARD,
    Ceiling,
    ceiling,
    shortest,
)
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.steps import Authorization, StepKind


def clock_problems(
    authorization: Authorization, effective_from: date, at: str = "/authorization"
) -> list[Problem]:
    """Review deadlines that always run past the ceiling in force when the definition starts
    (a working-days deadline a holiday stretches is capped when the request arrives instead),
    and advance notice shorter than the floor before a presumptive service is ended."""
    found: list[Problem] = []
    for index, step in enumerate(authorization.steps):
        notice = step.advance_notice_days
        if step.kind is StepKind.PRESUMPTIVE and notice and notice < ADVANCE_NOTICE.days:
            found.append(
                Problem(
                    f"{at}/steps/{index}/advance_notice_days",
                    "advance-notice-too-short",
                    f"{notice} days' notice before a denial ends the presumptive service is "
                    f"less than the {ADVANCE_NOTICE.days} days 42 CFR 431.211 asks before "
                    "ending a service; give at least 10, or 0 if the plan reads a presumptive "
                    "period as not yet authorized (it then ends at once)",
                )
            )
        if step.kind is not StepKind.REVIEW:
            continue
        for name, span, clock in (
            ("standard", step.standard, STANDARD),
            ("expedited", step.expedited, EXPEDITED),
        ):
            if span is None:
                continue
            limit = ceiling(clock, effective_from)
            if shortest(span.amount, span.unit) > limit.longest:
                found.append(
                    Problem(
                        f"{at}/steps/{index}/deadlines/{name}",
                        "deadline-over-ceiling",
                        f"a {name} decision within {span} runs past the federal ceiling of "
                        f"{_words(limit)} for requests received from "
                        f"{max(limit.since, effective_from).isoformat()} ({limit.reference}); "
                        "shorten it",
                    )
                )
    return found


def _words(limit: Ceiling) -> str:
    hours = int(limit.longest.total_seconds() // 3600)
    return f"{hours} hours" if hours < 96 else f"{hours // 24} calendar days"
