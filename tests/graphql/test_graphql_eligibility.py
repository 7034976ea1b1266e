"""A provider's eligibility answer: one outcome, the facts that could change it, reasons in words
and for machines."""

from __future__ import annotations

from typing import Any

import pytest

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from tests.graphql.graphql_stack import ANA, PLAN, Api, member_facts

pytestmark = pytest.mark.temporal

MATEO = "91000010A"
ELIGIBILITY = """{ eligibility(cin: "%s", support: "%s", on: "2026-03-02") {
  __typename ... on Error { message }
  ... on Eligibility { outcome offered county summary missing missingFacts { path label }
    reasons { criterionId status text missing
      facts { path label value known } conditions { path label operator values via } } } } }"""


async def enroll(seeded: Any, cin: str, name: str, **changes: Any) -> None:
    async with create_session_factory(for_writes(seeded.engine)).begin() as session:
        await upsert_member(
            session=session, plan=PLAN, cin=cin, facts=member_facts(name, **changes)
        )


async def test_eligible_where_the_plan_does_not_offer_it_is_not_offered(
    api: Api, seeded: Any
) -> None:
    await enroll(seeded, MATEO, "mateo")
    answer = await api.call(seeded.tokens.plan_admin, ELIGIBILITY % (MATEO, "asthma-remediation"))
    found = answer["data"]["eligibility"]
    assert (found["outcome"], found["offered"], found["county"]) == (
        "NOT_OFFERED",
        False,
        "alameda",
    )
    assert found["summary"] == (
        "Meets every criterion for Asthma Remediation, but demo-plan does not offer it in "
        "Alameda County on 2 March 2026, so a request would be refused."
    )
    assert found["missing"] == [] and {r["status"] for r in found["reasons"]} == {"HELD"}


async def test_reasons_read_in_words_with_the_facts_and_tests_beside_them_for_machines(
    api: Api, seeded: Any
) -> None:
    answer = await api.call(seeded.tokens.plan_admin, ELIGIBILITY % (ANA, "respite"))
    found = answer["data"]["eligibility"]
    assert (found["outcome"], found["offered"]) == ("ELIGIBLE", True)
    (reason,) = found["reasons"]
    assert reason["text"] == (
        "Lives in the community and depends on an unpaid caregiver to avoid institutional "
        "placement, or is a child in a qualifying program: met (depends on the caregiver to "
        "avoid institutional care: yes; ADL limitations: 4; date of birth: 8 March 1945; date "
        "of service: 2 March 2026)"
    )
    facts = {f["path"]: f for f in reason["facts"]}
    assert facts["birth_date"] == {
        "path": "birth_date",
        "label": "date of birth",
        "value": "1945-03-08",
        "known": True,
    }
    assert facts["enrollments"]["known"] is False and facts["enrollments"]["value"] is None
    assert {
        "path": "birth_date",
        "label": "date of birth",
        "operator": "<",
        "values": [21],
        "via": "age_at",
    } in reason["conditions"]
    assert {
        "path": "enrollments",
        "label": "enrolled in",
        "operator": "contains",
        "values": ["ccs"],
        "via": None,
    } in reason["conditions"]


async def test_a_not_eligible_answer_lists_no_fact_that_could_not_change_it(
    api: Api, seeded: Any
) -> None:
    await enroll(seeded, "91000013A", "sam", county="Sacramento")
    answer = await api.call(
        seeded.tokens.plan_admin,
        ELIGIBILITY % ("91000013A", "short-term-post-hospitalization-housing"),
    )
    found = answer["data"]["eligibility"]
    assert found["outcome"] == "NOT_ELIGIBLE"
    assert (found["missing"], found["missingFacts"]) == ([], [])
    assert found["summary"] == (
        "Not eligible for Short-Term Post-Hospitalization Housing on 2 March 2026: 1 criterion "
        "not met."
    )


async def test_an_undetermined_answer_names_the_facts_that_would_decide_it(
    api: Api, seeded: Any
) -> None:
    await enroll(seeded, "91000011A", "maya")
    answer = await api.call(
        seeded.tokens.plan_admin, ELIGIBILITY % ("91000011A", "transitional-rent")
    )
    found = answer["data"]["eligibility"]
    assert found["outcome"] == "UNDETERMINED"
    assert found["missingFacts"][:2] == [
        {"path": "recent_discharge.setting", "label": "discharge setting"},
        {"path": "recent_discharge.date", "label": "discharge date"},
    ]
