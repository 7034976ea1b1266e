"""Appeals on real workflows (time-skipping server, real activities and database): an appeal of
a denial runs as its own workflow, decided by someone other than the first reviewer within its
timeframe, with a notice of its resolution; an overturn approves the authorization; an
expedited appeal is resolved in 72 hours or the plan's appeal process is exhausted then."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lieu.platform.appeals.lifecycle import AppealDecision, AppealExtension, Outcome
from lieu.platform.appeals.models import AppealRecord
from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.notices.models import Notice
from lieu.workflows.appeals import service as appeals
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import FileAppeal
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from tests.workflows.acting import decision, send, state
from tests.workflows.authorizations import World, cin, enroll, settle

pytestmark = pytest.mark.temporal


async def denied(w: World) -> str:
    """A respite request for 40 hours, denied by reviewer um-1; its authorization id."""
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "40", measure="hours")
    await settle(handle, lambda s: s.status is Status.PENDING_REVIEW)
    await send(handle, decision("um-1", Decision.DENY, "caregiver support already in place"))
    after = await state(handle)
    assert after.status is Status.DENIED and after.appeal_until is not None
    return handle.id


async def filed(w: World, authorization: str, *, expedited: bool = False) -> str:
    reply = await appeals.file_appeal(
        w.client,
        authorization,
        FileAppeal(
            "member-services",
            "member",
            "my caregiver is exhausted",
            expedited=expedited,
            key=f"{authorization}-appeal",
        ),
    )
    assert reply.appeal_id
    return reply.appeal_id


async def notices_of(w: World, appeal_id: str) -> list[Notice]:
    async with w.sessions() as session:
        found = await session.scalars(
            select(Notice).where(Notice.key.like(f"{appeal_id}/%"), Notice.copy_of.is_(None))
        )
        return list(found)


async def record_of(w: World, appeal_id: str) -> AppealRecord:
    # the appeal's own workflow writes its record as its first step, which the answer to the
    # filing does not wait for (the filing's answer comes from the authorization's workflow)
    for _ in range(200):
        async with w.sessions() as session:
            record = await session.get(AppealRecord, appeal_id)
        if record is not None:
            return record
        await asyncio.sleep(0.05)
    raise AssertionError(f"appeal {appeal_id} was never recorded")


async def test_an_overturned_appeal_approves_the_denied_request(w: World) -> None:
    authorization = await denied(w)
    appeal_id = await filed(w, authorization)
    opened = await record_of(w, appeal_id)
    assert opened.status == "open" and opened.first_decided_by == "um-1"
    assert opened.deadline - opened.received_at == timedelta(days=30)
    # the first reviewer may not decide it (42 CFR 438.406(b)(2)(i))
    with pytest.raises(AuthorizationRequestError) as same:
        await appeals.decide_appeal(
            w.client,
            appeal_id,
            AppealDecision("um-1", Outcome.OVERTURNED, "on reflection", key="d0"),
        )
    assert same.value.code == "same_reviewer"
    await w.advance(timedelta(days=6))
    reply = await appeals.decide_appeal(
        w.client,
        appeal_id,
        AppealDecision(
            "dr-appeals", Outcome.OVERTURNED, "the doctor's letter shows the need", key="d1"
        ),
    )
    assert reply.outcome is Outcome.OVERTURNED
    handle = w.client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization)
    after = await state(handle)
    # approved and held again; respite waits for its provider to accept
    assert after.status is Status.AWAITING_PROVIDER and after.quantity_approved == Decimal(40)
    kinds = [e.kind for e in after.timeline]
    turned = kinds.index("appeal_overturned")
    assert kinds[turned + 1 : turned + 3] == ["limit_reserved", "approved"]
    (resolution,) = await notices_of(w, appeal_id)
    assert resolution.kind == "appeal_resolution" and resolution.facts["outcome"] == "overturned"
    decided = await record_of(w, appeal_id)
    assert decided.status == "resolved" and decided.outcome == "overturned"
    assert decided.decided_by == "dr-appeals" and decided.quantity_approved == Decimal(40)
    # a resend of the same decision gets the same answer
    again = await appeals.decide_appeal(
        w.client,
        appeal_id,
        AppealDecision(
            "dr-appeals", Outcome.OVERTURNED, "the doctor's letter shows the need", key="d1"
        ),
    )
    assert again.outcome is Outcome.OVERTURNED


async def test_an_expedited_appeal_not_resolved_in_72_hours_exhausts_the_plans_appeal(
    w: World,
) -> None:
    authorization = await denied(w)
    appeal_id = await filed(w, authorization, expedited=True)
    record = await record_of(w, appeal_id)
    assert record.deadline - record.received_at == timedelta(hours=72)
    await w.advance(timedelta(hours=71))
    assert (await record_of(w, appeal_id)).status == "open"
    await w.advance(timedelta(hours=2))
    exhausted = await record_of(w, appeal_id)
    assert exhausted.status == "not_decided" and exhausted.outcome == "not_decided"
    (notice,) = await notices_of(w, appeal_id)
    # the member's notice is issued at the deadline and tells them of the State Fair Hearing
    assert timedelta(0) <= notice.issued_at - record.deadline < timedelta(seconds=1)
    assert "State Fair Hearing" in notice.html and "438.408(c)(3)" in notice.html
    handle = w.client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization)
    after = await state(handle)
    assert after.status is Status.DENIED and after.appeal_until is None
    assert "appeal_not_decided" in [e.kind for e in after.timeline]


async def test_an_expedited_appeal_decided_in_time_is_resolved(w: World) -> None:
    authorization = await denied(w)
    appeal_id = await filed(w, authorization, expedited=True)
    await w.advance(timedelta(hours=30))
    reply = await appeals.decide_appeal(
        w.client,
        appeal_id,
        AppealDecision("dr-appeals", Outcome.UPHELD, "in-home support meets the need", key="u"),
    )
    assert reply.outcome is Outcome.UPHELD
    record = await record_of(w, appeal_id)
    assert record.status == "resolved" and record.decided_at is not None
    assert record.decided_at - record.received_at < timedelta(hours=72)
    (notice,) = await notices_of(w, appeal_id)
    assert notice.facts["outcome"] == "upheld" and "upheld" in notice.html


async def test_an_extension_moves_the_deadline_once_with_a_notice(w: World) -> None:
    authorization = await denied(w)
    appeal_id = await filed(w, authorization)
    first = (await record_of(w, appeal_id)).deadline
    reply = await appeals.extend_appeal(
        w.client,
        appeal_id,
        AppealExtension("member-services", "the member asked for time for a letter", 14, key="x"),
    )
    assert reply.deadline - first == timedelta(days=14)
    (notice,) = await notices_of(w, appeal_id)
    assert notice.kind == "appeal_extension"
    with pytest.raises(AuthorizationRequestError) as twice:
        await appeals.extend_appeal(
            w.client, appeal_id, AppealExtension("member-services", "more", 3, key="x2")
        )
    assert twice.value.code == "already_extended"
    # undecided at the extended deadline: not decided, and not a day before it
    await w.advance(first - (await w.env.get_current_time()) + timedelta(days=13))
    assert (await record_of(w, appeal_id)).status == "open"
    await w.advance(timedelta(days=1, hours=1))
    assert (await record_of(w, appeal_id)).status == "not_decided"


async def test_the_sixty_days_to_appeal_end_the_authorization(w: World) -> None:
    authorization = await denied(w)
    handle = w.client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization)
    await w.advance(timedelta(days=59))
    assert (await state(handle)).appeal_until is not None  # still open for an appeal
    await w.advance(timedelta(days=2))
    result = await handle.result()
    assert result.appeal_until is None and result.timeline[-1].kind == "appeal_window_closed"
    with pytest.raises(AuthorizationRequestError) as late:
        await appeals.file_appeal(
            w.client, authorization, FileAppeal("m", "member", "too late", key="late")
        )
    assert late.value.code == "already_final"
