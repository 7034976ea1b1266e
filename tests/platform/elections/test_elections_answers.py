"""The answer a provider reads: eligibility joined with where the plan offers the support."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.cases import member_facts
from lieu.platform.definitions.eligibility import assess_member
from lieu.platform.definitions.library import Library, load_library
from lieu.platform.elections.answers import (
    Answer,
    EligibilityAnswer,
    eligibility_answer,
    offered_to,
)
from lieu.platform.elections.seed import import_elections, read_seed
from tests.platform.elections.conftest import publish_rows

SEED = Path(__file__).resolve().parents[3] / "benefit_definitions" / "elections" / "demo-plan.json"
ON = date(2026, 3, 2)


@cache
def shipped() -> Library:
    return load_library()


def answered(
    name: str, support: str, offered: bool | None, plan: str = "demo-plan", **facts: object
) -> EligibilityAnswer:
    definition = shipped().in_force(plan, support, ON)
    member = {**member_facts(name), **facts}
    return eligibility_answer(
        assess_member(definition, member, ON),
        plan=plan,
        definition=definition,
        on=ON,
        county=member.get("county"),
        offered=offered,
    )


def test_eligible_where_the_plan_does_not_offer_it_is_one_answer_not_offered() -> None:
    mateo = answered("mateo", "asthma-remediation", offered=False)
    assert (mateo.answer, mateo.missing) == (Answer.NOT_OFFERED, ())
    assert mateo.summary == (
        "Meets every criterion for Asthma Remediation, but demo-plan does not offer it in "
        "Alameda County on 2 March 2026, so a request would be refused."
    )
    offered = answered("mateo", "asthma-remediation", offered=True)
    assert offered.answer is Answer.ELIGIBLE
    assert offered.summary == (
        "Eligible for Asthma Remediation on 2 March 2026; demo-plan offers it in Alameda County."
    )


def test_the_dhcs_baseline_offers_nothing_itself_so_offering_is_not_asked() -> None:
    baseline = answered("mateo", "asthma-remediation", offered=None, plan="dhcs")
    assert (baseline.answer, baseline.offered) == (Answer.ELIGIBLE, None)


def test_not_eligible_stays_not_eligible_where_it_is_not_offered_either() -> None:
    leon = answered("leon", "housing-deposits", offered=False)
    assert (leon.answer, leon.missing) == (Answer.NOT_ELIGIBLE, ())
    assert leon.summary == "Not eligible for Housing Deposits on 2 March 2026: 3 criteria not met."


def test_undetermined_where_it_is_not_offered_says_so_too() -> None:
    maya = answered("maya", "transitional-rent", offered=False)
    assert maya.answer is Answer.UNDETERMINED
    assert maya.summary == (
        "Undetermined for Transitional Rent on 2 March 2026 until these facts are known: "
        "discharge setting, discharge date and long-term rent funding identified. Even if "
        "eligible, demo-plan does not offer it in Riverside County."
    )


def test_an_eligible_member_whose_county_is_unknown_is_undetermined_until_it_is() -> None:
    nowhere = answered("mateo", "asthma-remediation", offered=None, county=None)
    assert (nowhere.answer, nowhere.missing) == (Answer.UNDETERMINED, ("county",))
    assert nowhere.summary.endswith("until these facts are known: county.")


async def test_the_plans_elections_say_where_it_offers_a_support(engine: AsyncEngine) -> None:
    plan, rows = read_seed(SEED)
    async with create_session_factory(engine).begin() as session:
        await publish_rows(session, "dhcs")
        await import_elections(session=session, plan=plan, rows=rows, actor="seed")
        mateo, ana = member_facts("mateo"), member_facts("ana")
        args = {"session": session, "plan": plan, "on": ON}
        assert await offered_to(**args, support="asthma-remediation", facts=mateo) is False
        assert await offered_to(**args, support="respite", facts={**ana, "county": "Sacramento"})
        assert await offered_to(**args, support="respite", facts={}) is None
        dhcs = {**args, "plan": "dhcs"}
        assert await offered_to(**dhcs, support="respite", facts=ana) is None
