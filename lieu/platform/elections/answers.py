"""The answer a provider needs: may this member have this support from this plan, here, on this
date? The criteria's outcome joined with the plan's elections, so 'eligible' never stands
beside 'not offered' (a request would then be refused), and said in one sentence.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.eligibility import fact_wording
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.elections.counties import county_name, county_slug
from lieu.platform.elections.offerings import is_offered
from lieu.platform.rules.assessment import Assessment, Outcome
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.wording import date_words, label_of, listing

COUNTY = "county"


class Answer(enum.StrEnum):
    """Eligible; eligible but not offered in the member's county by the plan; not eligible; or
    undetermined until facts are known."""

    ELIGIBLE = "eligible"
    NOT_OFFERED = "not_offered"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class EligibilityAnswer:
    """The answer, the assessment behind it, and where it was asked.

    ``offered`` is None when it was not asked (the DHCS baseline itself offers nothing; plans
    do) or cannot be (the member's county is not known). ``missing`` are the facts that could
    change the answer if they were known.
    """

    answer: Answer
    assessment: Assessment
    plan: str
    support: str
    title: str
    on: date
    county: str  # as the member's facts write it, '' when not known
    offered: bool | None
    missing: tuple[str, ...]

    @property
    def county_slug(self) -> str:
        """The county as elections key it (`los-angeles`), '' when not known."""
        return county_slug(self.county)

    @property
    def summary(self) -> str:
        """The answer in one sentence a provider reads."""
        when = date_words(self.on)
        where = f"in {county_name(self.county)} County"
        facts = listing([label_of(p, fact_wording()) for p in self.missing])
        match self.answer:
            case Answer.ELIGIBLE:
                offered = f"; {self.plan} offers it {where}" if self.offered else ""
                return f"Eligible for {self.title} on {when}{offered}."
            case Answer.NOT_OFFERED:
                return (
                    f"Meets every criterion for {self.title}, but {self.plan} does not offer it "
                    f"{where} on {when}, so a request would be refused."
                )
            case Answer.NOT_ELIGIBLE:
                failed = [r for r in self.assessment.unmet if r.status is Status.FAILED]
                count = f"{len(failed)} criteri{'on' if len(failed) == 1 else 'a'}"
                said = f"Not eligible for {self.title} on {when}: {count} not met."
                if facts:
                    said += f" That could change once these facts are known: {facts}."
                return said
        said = f"Undetermined for {self.title} on {when} " + (
            f"until these facts are known: {facts}." if facts else "until a missing fact is known."
        )
        if self.offered is False:
            said += f" Even if eligible, {self.plan} does not offer it {where}."
        return said


def eligibility_answer(
    assessment: Assessment,
    *,
    plan: str,
    definition: Definition,
    on: date,
    county: object,
    offered: bool | None,
) -> EligibilityAnswer:
    """Join an assessment with whether the plan offers the support in the member's county
    (`offered`: None when not asked, as for the DHCS baseline, or when the county is unknown)."""
    known = county if isinstance(county, str) and county.strip() else ""
    missing = assessment.missing
    match assessment.outcome:
        case Outcome.NOT_ELIGIBLE:
            result = Answer.NOT_ELIGIBLE
        case Outcome.ELIGIBLE if offered is False:
            result = Answer.NOT_OFFERED
        case Outcome.ELIGIBLE if plan == BASELINE_PLAN or known:
            result = Answer.ELIGIBLE
        case _:
            result = Answer.UNDETERMINED
            if plan != BASELINE_PLAN and not known:  # whether it is offered is not known
                missing = (*missing, COUNTY)
    return EligibilityAnswer(
        answer=result,
        assessment=assessment,
        plan=plan,
        support=definition.support,
        title=definition.title,
        on=on,
        county=known,
        offered=offered,
        missing=missing,
    )


async def offered_to(
    *, session: AsyncSession, plan: str, support: str, facts: Mapping[str, object], on: date
) -> bool | None:
    """Whether `plan` offers `support` in the member's county on `on`; None for the DHCS
    baseline (plans offer supports, not DHCS) and when the member's county is not known."""
    county = facts.get(COUNTY)
    if plan == BASELINE_PLAN or not isinstance(county, str) or not county.strip():
        return None
    return await is_offered(
        session=session, plan=plan, county=county_slug(county), support=support, on=on
    )
