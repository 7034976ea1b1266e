"""Authorizations run by their definition's steps, months of them in seconds (time-skipping)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.status import Decision, LoopReason, Status
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import (
    Cancel,
    ProviderResponse,
    ReauthorizationRequest,
    ReviewExtension,
)
from tests.workflows.acting import decision, report, send, state
from tests.workflows.authorizations import World, cin, enroll, settle

pytestmark = pytest.mark.temporal


def kinds(state: object) -> list[str]:
    return [entry.kind for entry in state.timeline]  # type: ignore[attr-defined]


async def test_recuperative_care_runs_90_days_with_a_14_day_presumptive_period(w: World) -> None:
    today = await w.today()
    ray = cin()
    await enroll(
        w.engine,
        ray,
        "ray",
        recent_discharge={"date": (today - timedelta(days=1)).isoformat()},
    )
    handle = await w.request(ray, "recuperative-care", "90")
    state = await settle(handle)
    assert state.status is Status.PRESUMPTIVE
    assert state.definition.plan == "demo-plan"
    assert state.quantity_reserved == Decimal(90)
    assert state.presumptive_until == today + timedelta(days=13)
    assert state.service_end == today + timedelta(days=89)

    support = "recuperative-care"
    first = await send(handle, report(support, "r1", today, today + timedelta(days=9), 10))
    assert first.accepted and first.used == Decimal(10)
    with pytest.raises(AuthorizationRequestError) as late:
        await send(
            handle,
            report(support, "r2", today + timedelta(days=20), today + timedelta(days=21), 2),
        )
    assert "presumptive" in late.value.message

    await w.advance(timedelta(days=3))
    await send(handle, decision("um-nurse", Decision.APPROVE, "skilled wound care documented"))
    assert (await settle(handle, lambda s: s.status is not Status.PRESUMPTIVE)).status is (
        Status.AWAITING_PROVIDER
    )
    await send(handle, ProviderResponse("org-a", True))
    state = await settle(handle, lambda s: s.status is Status.ACTIVE)
    assert state.loop_status in {"accepted", "services_started"}

    await w.advance_to(today + timedelta(days=61))
    state = await settle(handle, lambda s: "reauthorization_reminder" in kinds(s))

    result = await handle.result()
    assert result.status is Status.EXPIRED
    assert result.quantity_used == Decimal(10)
    assert result.quantity_reserved == Decimal(10)
    assert result.loop_reason is LoopReason.SERVICES_RECEIVED
    # no notice of the presumptive period: the plan's notice steps name decision, assignment
    # and closure only
    assert kinds(result)[:5] == [
        "received",
        "eligibility",
        "limit_reserved",
        "presumptive",
        "review_requested",
    ]
    assert "expired" in kinds(result) and kinds(result)[-1] == "reports_closed"

    async with w.sessions() as session:
        record = await session.get(AuthorizationRecord, handle.id)
        assert record is not None and record.status == "expired"
        assert record.quantity_used == Decimal(10)
        events = await session.scalar(
            __import__("sqlalchemy")
            .select(__import__("sqlalchemy").func.count())
            .where(AuthorizationEvent.authorization_id == handle.id)
        )
    assert events == len(result.timeline)


async def test_a_six_month_post_hospital_stay_is_reauthorized_after_a_second_review(
    w: World,
) -> None:
    today = await w.today()
    dana = cin()
    await enroll(
        w.engine,
        dana,
        "dana",
        county="Los Angeles",
        recent_discharge={"date": (today - timedelta(days=2)).isoformat()},
    )
    handle = await w.request(dana, "short-term-post-hospitalization-housing", "90")
    await settle(handle, lambda s: s.review_deadline is not None)
    await send(handle, decision("um", Decision.APPROVE, "stable, needs housing"))
    await settle(handle, lambda s: s.status is Status.AWAITING_PROVIDER)
    await send(handle, ProviderResponse("org-a", True))
    state = await settle(handle, lambda s: s.status is Status.ACTIVE)
    assert state.service_end == today + timedelta(days=89)

    await w.advance_to(today + timedelta(days=65))
    await settle(handle, lambda s: "reauthorization_reminder" in kinds(s))
    await send(
        handle, ReauthorizationRequest("case-manager", Decimal(90), "subsidy not yet issued")
    )
    renewal = await settle(handle, lambda s: s.review_deadline is not None)
    assert renewal.quantity_reserved == Decimal(180)
    await send(handle, decision("um", Decision.APPROVE, "continue"))
    state = await settle(handle, lambda s: s.renewals_used == 1)
    assert state.status is Status.ACTIVE
    assert state.service_end == today + timedelta(days=179)

    result = await handle.result()
    assert result.status is Status.EXPIRED
    assert kinds(result).count("review_requested") == 2
    assert "reauthorization_approved" in kinds(result) and "renewed" in kinds(result)
    # six months later the member's six-in-twelve pool has nothing left to renew with
    assert result.quantity_reserved == Decimal(0)


async def test_an_undecided_review_is_escalated_then_denied_at_its_deadline_and_reversible(
    w: World,
) -> None:
    """42 CFR 438.404(c)(5): a decision not reached in time is a denial, at the deadline."""
    today = await w.today()
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "60", measure="hours")
    pending = await settle(handle, lambda s: s.review_deadline is not None)
    assert pending.status is Status.PENDING_REVIEW and not pending.escalated
    deadline, alert = pending.review_deadline, pending.escalate_at
    assert deadline is not None and alert == deadline - timedelta(hours=24)
    await w.advance(alert - await w.env.get_current_time() + timedelta(minutes=1))
    escalated = await settle(handle, lambda s: s.escalated)
    assert escalated.status is Status.PENDING_REVIEW and "escalated" in kinds(escalated)

    await w.advance(deadline - await w.env.get_current_time() + timedelta(minutes=1))
    deemed = await settle(handle, lambda s: s.deemed)
    assert deemed.status is Status.DENIED and deemed.phase == "deemed"
    denial = next(e for e in deemed.timeline if e.kind == "deemed_denied")
    assert timedelta(0) <= denial.at - deadline < timedelta(seconds=1)  # at the deadline
    assert deemed.quantity_reserved == Decimal(0)  # the hold was given back

    await send(handle, decision("um-lead", Decision.MODIFY, "36 hours left this year", Decimal(36)))
    approved = await settle(handle, lambda s: s.status is Status.AWAITING_PROVIDER)
    assert approved.quantity_approved == Decimal(36)
    assert approved.quantity_reserved == Decimal(36)
    assert "reversed" in kinds(approved) and not approved.deemed
    assert today <= approved.service_start


async def test_the_one_review_extension_ends_14_days_from_receipt_and_a_second_is_refused(
    w: World,
) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "20", measure="hours")
    pending = await settle(handle, lambda s: s.review_deadline is not None)
    assert pending.review_deadline is not None
    await w.advance(timedelta(days=2))
    await send(handle, ReviewExtension("um", "awaiting caregiver assessment"))
    extended = await state(handle)
    assert extended.review_deadline == CALIFORNIA.add_calendar_days(pending.received_at, 14)
    async with w.sessions() as session:  # projected when answered, not at the next action
        record = await session.get(AuthorizationRecord, handle.id)
    assert record is not None and record.review_deadline == extended.review_deadline
    with pytest.raises(AuthorizationRequestError) as again:
        await send(handle, ReviewExtension("um", "again"))
    assert again.value.code == "already_extended"
    assert "extended once already" in again.value.message


async def test_a_support_not_offered_in_the_members_county_is_refused_with_that_reason(
    w: World,
) -> None:
    kai = cin()
    await enroll(w.engine, kai, "kai", county="Los Angeles")
    handle = await w.request(kai, "sobering-centers", "1", measure="encounters")
    result = await handle.result()
    assert result.status is Status.REFUSED
    assert "does not offer" in result.timeline[1].text and "los-angeles" in result.timeline[1].text


async def test_a_member_who_is_not_eligible_is_denied_with_the_explanation(w: World) -> None:
    grace = cin()
    await enroll(w.engine, grace, "grace", county="Los Angeles")
    handle = await w.request(grace, "recuperative-care", "30")
    result = await handle.result()
    assert result.status is Status.DENIED
    eligibility = next(e for e in result.timeline if e.kind == "eligibility")
    assert eligibility.data["outcome"] == "not_eligible"
    assert "not met" in eligibility.text
    assert result.quantity_reserved == Decimal(0)


async def test_cancel_releases_what_is_reserved(w: World) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "40", measure="hours")
    await settle(handle, lambda s: s.review_deadline is not None)
    answer = await send(handle, Cancel("provider-admin", "member moved out of county"))
    assert answer.status is Status.CANCELLED
    cancelled = await handle.result()
    assert cancelled.status is Status.CANCELLED
    assert cancelled.quantity_reserved == Decimal(0)
    assert "released" in kinds(cancelled)
    with pytest.raises(AuthorizationRequestError) as again:
        await send(handle, Cancel("x", "again"))
    assert again.value.code == "already_final"


async def test_the_same_idempotency_key_is_the_same_authorization(w: World) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    first = await w.request(ana, "respite", "10", measure="hours", key="abc")
    again = await w.request(ana, "respite", "10", measure="hours", key="abc")
    assert first.id == again.id
    assert (await first.describe()).run_id == (await again.describe()).run_id


async def test_a_decision_without_a_pending_review_or_reason_is_refused(w: World) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "10", measure="hours")
    await settle(handle, lambda s: s.review_deadline is not None)
    with pytest.raises(AuthorizationRequestError) as blank:
        await send(handle, decision("um", Decision.APPROVE, " "))
    assert blank.value.code == "reason_required"
    await send(handle, decision("um", Decision.DENY, "no"))
    denied = await handle.result()
    assert denied.status is Status.DENIED
    with pytest.raises(AuthorizationRequestError) as late:
        await send(handle, decision("um", Decision.APPROVE, "late"))
    assert late.value.code == "already_final"


async def test_a_decision_sent_while_the_request_is_still_checked_waits_for_the_review(
    w: World,
) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "12", measure="hours")
    answer = await send(handle, decision("um", Decision.APPROVE, "known caregiver"))
    assert answer.status is Status.AWAITING_PROVIDER
    decided = await state(handle)
    assert kinds(decided).index("review_requested") < kinds(decided).index("approved")


async def test_an_early_decision_on_a_request_denied_at_eligibility_is_refused(w: World) -> None:
    grace = cin()
    await enroll(w.engine, grace, "grace", county="Los Angeles")
    handle = await w.request(grace, "respite", "12", measure="hours")
    with pytest.raises(AuthorizationRequestError) as refused:
        await send(handle, decision("um", Decision.APPROVE, "too early"))
    assert refused.value.code in {"not_now", "not_pending_review", "already_final"}
    assert (await handle.result()).status is Status.DENIED
