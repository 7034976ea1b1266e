"""The published numbers through GraphQL: the plan team and operations read their own plan's
figures (the seeded year of tests/platform/reports/scenario.py); another plan's are refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.graphql_stack import PLAN, Api
from tests.platform.reports import scenario

pytestmark = pytest.mark.temporal

METRICS = """query ($year: Int!, $plan: String) {
  priorAuthorizationMetrics(year: $year, plan: $plan) {
    __typename
    ... on PriorAuthorizationMetrics {
      plan year timeZone appealsRecorded notes
      overall { support standardDecided standardApproved { count of percent }
                standardDenied { percent } standardApprovedAfterAppeal { percent }
                approvedAfterExtension { count of percent }
                expeditedApproved { percent } expeditedDenied { percent }
                standardTime { decisions averageHours medianHours }
                expeditedTime { averageHours medianHours } undecided }
      supports { support standardTime { medianHours } }
    }
    ... on Error { message }
    ... on ValidationErrors { problems { pointer code } }
  }
}"""

QUARTERS = """query ($year: Int!) {
  communitySupportsByQuarter(year: $year) {
    ... on CommunitySupportsQuarters {
      timeZone rows { support quarter first last membersApproved membersReceiving } notes
    }
    ... on Error { message }
  }
}"""


async def seeded_year(seeded: Any) -> None:
    await scenario.write_requests(seeded.engine, scenario.for_plan(PLAN))


def data(answer: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"][field]
    return found


async def test_the_plan_team_reads_the_hand_counted_metrics(api: Api, seeded: Any) -> None:
    await seeded_year(seeded)
    metrics = data(
        await api.call(seeded.tokens.plan_admin, METRICS, {"year": 2026}),
        "priorAuthorizationMetrics",
    )
    assert (metrics["plan"], metrics["year"], metrics["timeZone"]) == (
        PLAN,
        2026,
        "America/Los_Angeles",
    )
    overall = metrics["overall"]
    assert overall["support"] is None
    assert overall["standardApproved"] == {"count": 6, "of": 8, "percent": 75.0}
    assert overall["standardDenied"]["percent"] == 25.0
    assert overall["approvedAfterExtension"] == {"count": 1, "of": 11, "percent": 9.1}
    assert (overall["expeditedApproved"]["percent"], overall["expeditedDenied"]["percent"]) == (
        33.3,
        66.7,
    )
    assert overall["standardTime"] == {"decisions": 8, "averageHours": 57.0, "medianHours": 8.0}
    assert overall["expeditedTime"] == {"averageHours": 32.3, "medianHours": 20.0}
    assert overall["undecided"] == 1
    assert [s["support"] for s in metrics["supports"]] == [scenario.DEPOSITS, scenario.RESPITE]


async def test_approved_after_appeal_counts_the_appeals_lieu_recorded(
    api: Api, seeded: Any
) -> None:
    await seeded_year(seeded)
    await scenario.overturn_s2(seeded.engine, PLAN, f"A-S2-{PLAN}")
    metrics = data(
        await api.call(seeded.tokens.operations, METRICS, {"year": 2026}),
        "priorAuthorizationMetrics",
    )
    assert metrics["appealsRecorded"] is True
    assert metrics["overall"]["standardApprovedAfterAppeal"] == {"percent": 12.5}
    assert not any("not computed" in note for note in metrics["notes"])


async def test_operations_read_members_per_quarter_of_pacific_receipt(
    api: Api, seeded: Any
) -> None:
    await seeded_year(seeded)
    report = data(
        await api.call(seeded.tokens.operations, QUARTERS, {"year": 2026}),
        "communitySupportsByQuarter",
    )
    every = [r for r in report["rows"] if r["support"] is None]
    assert [(r["membersApproved"], r["membersReceiving"]) for r in every] == [
        (2, 2),
        (2, 2),
        (1, 1),
        (1, 0),
    ]
    assert (every[3]["first"], every[3]["last"]) == ("2026-10-01", "2026-12-31")


async def test_another_plans_metrics_are_not_allowed(api: Api, seeded: Any) -> None:
    answer = data(
        await api.call(seeded.tokens.plan_admin, METRICS, {"year": 2026, "plan": "other-plan"}),
        "priorAuthorizationMetrics",
    )
    assert answer == {
        "__typename": "NotAllowed",
        "message": "plan 'other-plan' is not yours; your token reports on 'demo-plan'",
    }


async def test_a_year_out_of_range_is_a_validation_error_on_year(api: Api, seeded: Any) -> None:
    answer = data(
        await api.call(seeded.tokens.plan_admin, METRICS, {"year": 26}),
        "priorAuthorizationMetrics",
    )
    assert answer["__typename"] == "ValidationErrors"
    assert answer["problems"] == [{"pointer": "/year", "code": "year-out-of-range"}]
    assert answer["message"].startswith("year 26 is out of range")


@pytest.mark.parametrize("role", ["provider", "reviewer"])
async def test_providers_and_reviewers_may_not_read_the_reports(
    api: Api, seeded: Any, role: str
) -> None:
    token = seeded.tokens.by_role()[role]
    for query, field in [
        (METRICS, "priorAuthorizationMetrics"),
        (QUARTERS, "communitySupportsByQuarter"),
    ]:
        answer = await api.call(token, query, {"year": 2026})
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert f"`{field}` is not open to {role} tokens" in answer["errors"][0]["message"]
