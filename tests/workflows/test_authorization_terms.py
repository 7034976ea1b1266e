"""A term changed in a published definition changes what the workflow does (time-skipping).

Each test publishes a demo-plan version with one term changed and runs an authorization under it;
`tests/platform/authorizations/test_lifecycle_terms.py` maps every schema term to its tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.directory import publish_document
from lieu.platform.definitions.versions import retire
from lieu.platform.elections.models import Election
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import (
    AttachDocument,
    ProviderResponse,
    ReauthorizationRequest,
)
from tests.workflows.acting import decision, report, send, state
from tests.workflows.authorizations import (
    COUNTY,
    DEFINITIONS,
    PLAN,
    World,
    cin,
    enroll,
    settle,
)

pytestmark = pytest.mark.temporal


async def publish_changed(
    w: World,
    support: str,
    change: Callable[[dict[str, Any]], None],
    *,
    days_ago: int = 0,
) -> None:
    """Publish a demo-plan version of `support`, in force from today (or `days_ago`), with
    `change` applied. The shipped v2 (scheduled for 2027-01-01, over the v2 baselines) is
    withdrawn first, as a plan team would, so the new version (v3) may start today."""
    mine = DEFINITIONS / PLAN / support / "v1.json"
    base = json.loads((DEFINITIONS / "dhcs" / support / "v1.json").read_text())
    if mine.exists():
        document = json.loads(mine.read_text())
        document["version"] = 3
        async with create_session_factory(for_writes(w.engine)).begin() as session:
            await retire(session=session, plan=PLAN, support=support, version=2, actor="test")
    else:
        document = {
            "plan": PLAN,
            "support": support,
            "version": 1,
            "title": base["title"],
            "extends": {"plan": "dhcs", "support": support, "version": 1},
            "reference": "test: one term changed",
            "status": "published",
        }
    document.setdefault("authorization", base["authorization"])
    document.setdefault("pricing", base["pricing"])
    document["effective_from"] = ((await w.today()) - timedelta(days=days_ago)).isoformat()
    change(document)
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        await publish_document(session=session, document=document, actor="plan-team")


def step(document: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in document["authorization"]["steps"] if s["kind"] == kind)


async def through_review(w: World, handle: Any, *, accept: bool = True) -> None:
    await settle(handle, lambda s: s.phase == "review")
    await send(handle, decision("um", Decision.APPROVE, "meets criteria"))
    if accept:
        await settle(handle, lambda s: s.status is Status.AWAITING_PROVIDER)
        await send(handle, ProviderResponse("org-a", True))
    await settle(handle, lambda s: s.status is Status.ACTIVE)


async def respite_member(w: World) -> str:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    return ana


async def test_period_days_sets_when_an_authorization_expires(w: World) -> None:
    await publish_changed(w, "respite", lambda d: d["authorization"].update(period_days=30))
    today = await w.today()
    handle = await w.request(await respite_member(w), "respite", "20", measure="hours")
    await through_review(w, handle)
    assert (await state(handle)).service_end == today + timedelta(days=29)  # baseline: 365


async def test_a_renewal_without_review_renews_at_once(w: World) -> None:
    def no_review(document: dict[str, Any]) -> None:
        document["authorization"]["reauthorization"]["review_required"] = False

    await publish_changed(w, "respite", no_review)
    handle = await w.request(await respite_member(w), "respite", "20", measure="hours")
    await through_review(w, handle)
    await send(handle, ReauthorizationRequest("planner", Decimal(10), "still caring"))
    renewed = await settle(handle, lambda s: s.renewals_used == 1)
    assert [e.kind for e in renewed.timeline].count("review_requested") <= 1
    assert renewed.quantity_approved == Decimal(30)


async def test_retroactive_requests_are_refused_before_anything_starts(w: World) -> None:
    today = await w.today()
    ray = cin()
    await enroll(
        w.engine, ray, "ray", recent_discharge={"date": (today - timedelta(days=4)).isoformat()}
    )
    with pytest.raises(AuthorizationRequestError) as refused:
        await w.request(ray, "recuperative-care", "10", start=today - timedelta(days=3))
    assert refused.value.code == "retroactive"
    assert "not authorized retroactively" in refused.value.message

    def two_days_back(document: dict[str, Any]) -> None:
        document["authorization"]["retroactive"] = {"allowed": True, "max_days": 2}

    # in force on the dates asked about: the version in force on the date of service decides
    await publish_changed(w, "sobering-centers", two_days_back, days_ago=10)
    kai = cin()
    await enroll(w.engine, kai, "kai", county="Los Angeles")
    with pytest.raises(AuthorizationRequestError) as late:
        await w.request(kai, "sobering-centers", "1", start=today - timedelta(days=3))
    assert "at most 2 days after service" in late.value.message
    inside = await w.request(kai, "sobering-centers", "1", start=today - timedelta(days=2))
    assert (await settle(inside)).status is not Status.RECEIVED


async def test_without_a_closed_loop_an_approval_is_active_at_once(w: World) -> None:
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        session.add(
            Election(
                plan=PLAN,
                county=COUNTY,
                support="sobering-centers",
                definition_plan="dhcs",
                definition_version=1,
                effective_from=date(2022, 1, 1),
                created_by="test",
            )
        )
    kai = cin()
    await enroll(w.engine, kai, "kai", county="Los Angeles")
    handle = await w.request(kai, "sobering-centers", "1", measure="encounters")
    await through_review(w, handle, accept=False)
    done = await state(handle)
    assert done.loop_status is None and "referral_sent" not in [e.kind for e in done.timeline]


async def test_presumptive_days_set_how_long_service_may_run_undecided(w: World) -> None:
    await publish_changed(w, "recuperative-care", lambda d: step(d, "presumptive").update(days=5))
    today = await w.today()
    ray = cin()
    await enroll(
        w.engine, ray, "ray", recent_discharge={"date": (today - timedelta(days=1)).isoformat()}
    )
    handle = await w.request(ray, "recuperative-care", "30")
    begun = await settle(handle, lambda s: s.status is Status.PRESUMPTIVE)
    assert begun.presumptive_until == today + timedelta(days=4)  # v1: 14 days
    with pytest.raises(AuthorizationRequestError) as beyond:
        await send(handle, report("recuperative-care", "r1", today, today + timedelta(days=5), 6))
    assert "presumptive authorization covers service to" in beyond.value.message


async def test_a_documentation_step_waits_for_the_documents_attached(w: World) -> None:
    def documents(document: dict[str, Any]) -> None:
        steps = document["authorization"]["steps"]
        at = [s["kind"] for s in steps].index("review")
        steps.insert(
            at,
            {
                "kind": "documentation",
                "documents": [{"id": "caregiver_assessment", "label": "a caregiver assessment"}],
            },
        )

    await publish_changed(w, "respite", documents)
    handle = await w.request(await respite_member(w), "respite", "20", measure="hours")
    waiting = await settle(handle, lambda s: s.phase == "documents")
    assert waiting.status is Status.AWAITING_DOCUMENTS and waiting.review_deadline is None
    with pytest.raises(AuthorizationRequestError) as early:
        await send(handle, decision("um", Decision.APPROVE, "too early"))
    assert early.value.code == "documents_missing"
    await send(handle, AttachDocument("caregiver_assessment", "doc-1", "assessment.pdf", "org-a"))
    opened = await settle(handle, lambda s: s.phase == "review")
    assert opened.documents == ["caregiver_assessment"]


async def test_a_cost_based_support_checks_the_amount_against_its_cap(w: World) -> None:
    today = await w.today()
    dana = cin()
    await enroll(w.engine, dana, "dana", county="Los Angeles")
    handle = await w.request(dana, "housing-deposits", "3000", measure="dollars")
    await through_review(w, handle)
    over = report("housing-deposits", "d1", today, today, 3000, amount=Decimal(6000))
    answer = await send(handle, over)
    assert answer.flagged and "above the cap of $5,000" in answer.message

    await publish_changed(
        w, "housing-deposits", lambda d: d["pricing"].update(outside_rate="refuse")
    )
    other = cin()  # deposits are once in a lifetime: another member
    await enroll(w.engine, other, "dana", county="Los Angeles")
    strict = await w.request(other, "housing-deposits", "1000", measure="dollars", key="strict")
    await through_review(w, strict)
    with pytest.raises(AuthorizationRequestError) as refused:
        await send(
            strict, report("housing-deposits", "d2", today, today, 1000, amount=Decimal(6000))
        )
    assert refused.value.code == "rate_outside_range"


async def test_a_rate_outside_the_guidance_range_is_flagged(w: World) -> None:
    today = await w.today()
    ray = cin()
    await enroll(w.engine, ray, "ray")
    handle = await w.request(ray, "housing-transition-navigation", "1")
    await through_review(w, handle)
    inside = await send(handle, report("housing-transition-navigation", "m1", today, today, 1))
    assert not inside.flagged
    dear = report("housing-transition-navigation", "m2", today, today, 1, amount=Decimal(600))
    with pytest.raises(AuthorizationRequestError):  # the one month is used already
        await send(handle, dear)
    second = await w.request(ray, "housing-transition-navigation", "1", key="second")
    await through_review(w, second)
    flagged = await send(second, dear)
    assert flagged.flagged and "outside the range $324–$449" in flagged.message
    assert (await state(second)).flagged_reports == ["m2"]


async def test_a_code_is_billed_only_from_its_effective_date(w: World) -> None:
    today = await w.today()

    def later_code(document: dict[str, Any]) -> None:
        document["pricing"]["codes"][0]["effective_from"] = (today + timedelta(days=10)).isoformat()

    await publish_changed(w, "respite", later_code)
    handle = await w.request(await respite_member(w), "respite", "20", measure="hours")
    await through_review(w, handle)
    with pytest.raises(AuthorizationRequestError) as early:
        await send(handle, report("respite", "h1", today, today, 4))
    assert f"from {(today + timedelta(days=10)).isoformat()} on" in early.value.message
