"""The plan product team: validate, draft, diff, simulate against members, publish, retire."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.graphql.graphql_stack import MEMBERS_DIR, Api

pytestmark = pytest.mark.temporal
BASELINE = json.loads((MEMBERS_DIR.parent / "dhcs" / "respite" / "v1.json").read_text())


def plan_respite(version: int = 1, min_adl: int = 3) -> dict[str, Any]:
    """demo-plan narrows DHCS respite: at least `min_adl` ADL limitations."""
    return {
        "plan": "demo-plan",
        "support": "respite",
        "version": version,
        "title": "Respite Services (demo plan)",
        "effective_from": "2026-01-01",
        "reference": "test",
        "status": "draft",
        "extends": {"plan": "dhcs", "support": "respite", "version": 1},
        "eligibility": {
            "criteria": [
                {
                    "id": "adl-minimum",
                    "label": f"At least {min_adl} ADL limitations",
                    "rule": {">=": [{"var": "function.adl_limitations"}, min_adl]},
                    "reference": "test",
                }
            ]
        },
    }


VALIDATE = (
    "query($d: JSON!) { validateDefinition(document: $d) { valid problems { pointer code } } }"
)
CREATE = """mutation($d: JSON!) { createDraft(document: $d) { __typename
  ... on Definition { status version } ... on Error { message }
  ... on DraftWithProblems { definition { status version } problems { pointer code message } }
  ... on ValidationErrors { problems { pointer code message } } } }"""
SIMULATE = """{ simulateDraft(support: "respite", version: 1, on: "2026-03-02") {
  ... on DraftSimulation { members eligibleBefore eligibleAfter gained lost
      lostSample { cin after reasons } byCounty { county members lost }
      lostByCriterion { criterion members } } } }"""
SIMULATE_ANY = """{ simulateDraft(support: "respite", version: 1, on: "2026-03-02") { __typename
  ... on Error { message } ... on ValidationErrors { problems { code } } } }"""
PUBLISH = """mutation {
  publishDefinition(support: "respite", version: 1, effectiveFrom: "2026-02-01") { __typename
    ... on Definition { status effectiveFrom contentHash } ... on Error { message } } }"""


async def test_a_draft_is_validated_simulated_then_published(api: Api, seeded: Any) -> None:
    token = seeded.tokens.plan_admin
    broken = copy.deepcopy(plan_respite())
    broken["eligibility"]["criteria"][0]["rule"] = {">=": [{"var": "function.adl_limits"}, 3]}
    report = (await api.call(token, VALIDATE, {"d": broken}))["data"]["validateDefinition"]
    assert report["valid"] is False
    assert report["problems"][0]["pointer"].startswith("/eligibility/criteria/0/rule")

    created = (await api.call(token, CREATE, {"d": plan_respite()}))["data"]["createDraft"]
    assert created == {"__typename": "Definition", "status": "DRAFT", "version": 1}
    again = (await api.call(token, CREATE, {"d": plan_respite()}))["data"]["createDraft"]
    assert again["__typename"] == "Conflict"

    simulated = (await api.call(token, SIMULATE))["data"]["simulateDraft"]
    # Ana (4 ADLs) keeps respite; Ray (0 ADLs) was never eligible: nobody gains or loses.
    assert simulated["members"] == 2 and simulated["gained"] == 0
    stricter = plan_respite(min_adl=5)
    await api.call(
        token, "mutation($d: JSON!) { editDraft(document: $d) { __typename } }", {"d": stricter}
    )
    simulated = (await api.call(token, SIMULATE))["data"]["simulateDraft"]
    assert (simulated["eligibleBefore"], simulated["eligibleAfter"], simulated["lost"]) == (1, 0, 1)
    assert "not met" in " ".join(simulated["lostSample"][0]["reasons"])
    # Ana lives in Sacramento; the criterion she does not meet is named with its count
    assert {"county": "Sacramento", "members": 1, "lost": 1} in simulated["byCounty"]
    assert simulated["lostByCriterion"] == [
        {"criterion": "At least 5 ADL limitations", "members": 1}
    ]

    published = (await api.call(token, PUBLISH))["data"]["publishDefinition"]
    assert published["status"] == "PUBLISHED" and published["effectiveFrom"] == "2026-02-01"
    assert len(published["contentHash"]) == 64
    frozen = await api.call(
        token, "mutation($d: JSON!) { editDraft(document: $d) { __typename } }", {"d": stricter}
    )
    assert frozen["data"]["editDraft"]["__typename"] == "Conflict"


IN_FORCE = """{ eligibility(cin: "91000001A", support: "respite", on: "2026-03-02") {
  ... on Eligibility { outcome definitionPlan definitionVersion } } }"""


async def test_an_eligibility_check_right_after_a_publish_answers_from_the_new_version(
    api: Api, seeded: Any
) -> None:
    before = (await api.call(seeded.tokens.reviewer, IN_FORCE))["data"]["eligibility"]
    assert before == {"outcome": "ELIGIBLE", "definitionPlan": "dhcs", "definitionVersion": 1}
    token = seeded.tokens.plan_admin
    await api.call(token, CREATE, {"d": plan_respite(min_adl=5)})  # Ana has 4 ADL limitations
    assert (await api.call(token, PUBLISH))["data"]["publishDefinition"]["status"] == "PUBLISHED"
    after = (await api.call(seeded.tokens.reviewer, IN_FORCE))["data"]["eligibility"]
    assert after == {
        "outcome": "NOT_ELIGIBLE",
        "definitionPlan": "demo-plan",
        "definitionVersion": 1,
    }
    retire = 'mutation { retireDefinition(support: "respite", version: 1) { __typename } }'
    assert (await api.call(token, retire))["data"]["retireDefinition"]["__typename"] == "Definition"
    assert (await api.call(seeded.tokens.reviewer, IN_FORCE))["data"]["eligibility"] == before


async def test_a_plan_team_cannot_write_another_plans_definition(api: Api, seeded: Any) -> None:
    other = {**plan_respite(), "plan": "other-plan"}
    answer = await api.call(seeded.tokens.plan_admin, CREATE, {"d": other})
    assert answer["data"]["createDraft"]["__typename"] == "NotAllowed"


async def test_a_draft_with_problems_is_saved_loudly_and_neither_simulated_nor_published(
    api: Api, seeded: Any
) -> None:
    token = seeded.tokens.plan_admin
    loose = plan_respite()
    loose["limits"] = [{**BASELINE["limits"][0], "maximum": 400}]  # wider than DHCS: invalid
    loose["eligibility"]["criteria"].append(
        {"id": "eq", "label": "Eq", "reference": "t", "rule": {"eq": [{"var": "county"}, "Kern"]}}
    )
    created = (await api.call(token, CREATE, {"d": loose}))["data"]["createDraft"]
    assert created["__typename"] == "DraftWithProblems", created
    assert created["message"] == (
        "demo-plan/respite/v1 is saved as a draft with 2 problems; it cannot be simulated or "
        "published until they are fixed"
    )
    assert created["definition"] == {"status": "DRAFT", "version": 1}
    codes = [(p["pointer"], p["code"]) for p in created["problems"]]
    assert codes == [
        ("/eligibility/criteria/1/rule", "unknown-operator"),
        ("/limits/0/maximum", "widens-baseline-limit"),
    ]
    assert "did you mean '=='?" in created["problems"][0]["message"]

    simulated = await api.call(token, SIMULATE_ANY)
    assert "errors" not in simulated, simulated
    result = simulated["data"]["simulateDraft"]
    assert result["__typename"] == "ValidationErrors"
    assert "cannot be simulated" in result["message"]
    assert [p["code"] for p in result["problems"]] == ["unknown-operator", "widens-baseline-limit"]

    published = await api.call(token, PUBLISH.replace(', effectiveFrom: "2026-02-01"', ""))
    result = published["data"]["publishDefinition"]
    assert result["__typename"] == "ValidationErrors", result


async def test_diff_between_baseline_versions_reads_as_sentences(api: Api, seeded: Any) -> None:
    answer = await api.call(
        seeded.tokens.plan_admin,
        '{ diffDefinitions(support: "respite", fromVersion: 1, toVersion: 1, plan: "dhcs") '
        "{ ... on DefinitionDiff { changes } } }",
    )
    assert answer["data"]["diffDefinitions"]["changes"] == ["Respite Services: no changes"]


async def test_diff_across_the_baseline_and_the_plan_compares_them_as_in_force(
    api: Api, seeded: Any
) -> None:
    answer = await api.call(
        seeded.tokens.plan_admin,
        '{ diffDefinitions(support: "recuperative-care", fromPlan: "dhcs", fromVersion: 1, '
        "toVersion: 1) { ... on DefinitionDiff { fromPlan toPlan changes } } }",
    )
    diff = answer["data"]["diffDefinitions"]
    assert (diff["fromPlan"], diff["toPlan"]) == ("dhcs", "demo-plan")
    assert [change.split(": ")[1] for change in diff["changes"]] == [
        "criterion added",
        "step added",
        "contracted rate set to $175, effective 2026-01-01",
    ]
    foreign = await api.call(
        seeded.tokens.plan_admin,
        '{ diffDefinitions(support: "respite", fromPlan: "other-plan", fromVersion: 1, '
        "toVersion: 1) { __typename } }",
    )
    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_plan_version_diffs_as_it_applies_not_as_its_document_reads(
    api: Api, seeded: Any
) -> None:
    token = seeded.tokens.plan_admin
    await api.call(token, CREATE, {"d": plan_respite()})
    capped = {**plan_respite(version=2), "limits": [{**BASELINE["limits"][0], "maximum": 240}]}
    created = (await api.call(token, CREATE, {"d": capped}))["data"]["createDraft"]
    assert created["__typename"] == "Definition", created
    answer = await api.call(
        token,
        '{ diffDefinitions(support: "respite", fromVersion: 1, toVersion: 2) '
        "{ ... on DefinitionDiff { changes } ... on Error { message } } }",
    )
    # v1 leaves the cap to the baseline (336 hours): v2 lowers it, it does not add a limit
    assert answer["data"]["diffDefinitions"]["changes"] == [
        "Respite Services (demo plan): calendar-year cap lowered from 336 hours to 240 hours, "
        "effective 2026-01-01"
    ]
