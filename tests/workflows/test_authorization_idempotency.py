"""Every command sent again with its idempotency key gets the first answer and changes nothing:
no second hold, no second review, no second charge (time-skipping server, real activities)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Decision, LoopReason, Status
from lieu.platform.limits.models import LimitEntry as Entry
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.workflows.authorizations.service import AuthorizationRequestError, act
from lieu.workflows.authorizations.types import (
    Cancel,
    CloseLoop,
    ProviderResponse,
    ReauthorizationRequest,
    ReviewExtension,
)
from tests.workflows.acting import decision, report, state
from tests.workflows.authorizations import World, cin, enroll, settle

pytestmark = pytest.mark.temporal


async def entries(w: World, authorization_id: str) -> int:
    async with w.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(Entry.authorization_id == authorization_id)
        )
    return int(count or 0)


async def twice(w: World, handle: Any, command: Any) -> Any:
    """Send `command` twice with one key; both answers must be the same."""
    first = await act(w.client, handle.id, command)
    before = (await state(handle), await entries(w, handle.id))
    again = await act(w.client, handle.id, command)
    assert again == first
    after = (await state(handle), await entries(w, handle.id))
    assert after[1] == before[1], "a resend wrote to the ledger"
    assert after[0].timeline == before[0].timeline, "a resend changed the timeline"
    return first


async def respite(w: World, key: str = "") -> Any:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "40", measure="hours", key=key or None)
    await settle(handle, lambda s: s.phase == "review")
    return handle


async def test_a_request_sent_again_is_the_same_authorization_even_after_it_ended(w: World) -> None:
    grace = cin()
    await enroll(w.engine, grace, "grace", county="Los Angeles")
    first = await w.request(grace, "respite", "10", measure="hours", key="same")
    assert (await first.result()).status is Status.DENIED  # ended
    again = await w.request(grace, "respite", "10", measure="hours", key="same")
    assert again.id == first.id
    assert (await again.describe()).run_id == (await first.describe()).run_id


async def test_a_decision_sent_again_decides_once(w: World) -> None:
    handle = await respite(w)
    answer = await twice(w, handle, decision("um", Decision.MODIFY, "fewer", Decimal(20), key="d"))
    assert answer.accepted and answer.status is Status.AWAITING_PROVIDER
    assert (await state(handle)).quantity_reserved == Decimal(20)


async def test_an_answer_comes_once_what_the_command_changed_is_written(w: World) -> None:
    """Whoever has the answer reads its effects at once: the released hours on the ledger and
    the new status in the database (a resend compared against a half-written ledger otherwise)."""
    handle = await respite(w)
    assert await entries(w, handle.id) == 1  # the hold
    await act(w.client, handle.id, decision("um", Decision.MODIFY, "fewer", Decimal(20), key="d"))
    assert await entries(w, handle.id) == 2  # the hold and the release of 20 hours
    async with w.sessions() as session:
        record = await session.get(AuthorizationRecord, handle.id)
    assert record is not None and record.status == Status.AWAITING_PROVIDER.value


async def test_an_extension_sent_again_extends_once(w: World) -> None:
    handle = await respite(w)
    deadline = (await state(handle)).review_deadline
    assert deadline is not None
    await twice(w, handle, ReviewExtension("um", "records", key="e"))
    received = (await state(handle)).received_at
    assert (await state(handle)).review_deadline == CALIFORNIA.add_calendar_days(received, 14)


async def test_an_acceptance_sent_again_accepts_once(w: World) -> None:
    handle = await respite(w)
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    await twice(w, handle, ProviderResponse("org-a", True, key="a"))
    assert (await state(handle)).status is Status.ACTIVE


async def test_a_service_report_sent_again_is_charged_once(w: World) -> None:
    handle = await respite(w)
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    await act(w.client, handle.id, ProviderResponse("org-a", True, key="a"))
    today = await w.today()
    answer = await twice(w, handle, report("respite", "visit-1", today, today, 6, key="r"))
    assert answer.used == Decimal(6)
    # the same report id under a new key is the same report: still charged once
    other = await act(w.client, handle.id, report("respite", "visit-1", today, today, 6, key="r2"))
    assert other.used == Decimal(6)


async def test_a_refused_report_id_may_be_sent_again_once_it_can_be_accepted(w: World) -> None:
    handle = await respite(w)
    today = await w.today()
    with pytest.raises(AuthorizationRequestError):  # pending review: no service yet
        await act(w.client, handle.id, report("respite", "visit-1", today, today, 4, key="r1"))
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    await act(w.client, handle.id, ProviderResponse("org-a", True, key="a"))
    accepted = await act(
        w.client, handle.id, report("respite", "visit-1", today, today, 4, key="r2")
    )
    assert accepted.accepted and accepted.used == Decimal(4)


async def test_a_reauthorization_sent_again_holds_and_reviews_once(w: World) -> None:
    handle = await respite(w)
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    await act(w.client, handle.id, ProviderResponse("org-a", True, key="a"))
    await twice(w, handle, ReauthorizationRequest("planner", Decimal(20), "more", key="re"))
    renewing = await state(handle)
    assert renewing.quantity_reserved == Decimal(60)
    assert [e.kind for e in renewing.timeline].count("review_requested") == 2


async def test_a_loop_closing_sent_again_closes_once(w: World) -> None:
    handle = await respite(w)
    await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key="d"))
    await act(w.client, handle.id, ProviderResponse("org-a", True, key="a"))
    await twice(w, handle, CloseLoop("org-a", LoopReason.DECLINED_BY_MEMBER, "moved", key="c"))
    assert (await state(handle)).status is Status.CLOSED


async def test_a_cancellation_sent_again_after_the_workflow_ended_gets_the_first_answer(
    w: World,
) -> None:
    handle = await respite(w)
    cancel = Cancel("ops", "duplicate", key="cancel-1")
    first = await act(w.client, handle.id, cancel)
    assert (await handle.result()).status is Status.CANCELLED  # nothing served: it ended
    assert await act(w.client, handle.id, cancel) == first
    with pytest.raises(AuthorizationRequestError) as other:
        await act(w.client, handle.id, Cancel("ops", "again", key="cancel-2"))
    assert other.value.code == "already_final"


async def test_a_command_without_an_idempotency_key_is_refused_before_it_reaches_the_workflow(
    w: World,
) -> None:
    handle = await respite(w)
    for blank in ("", "   "):
        with pytest.raises(AuthorizationRequestError) as refused:
            await act(w.client, handle.id, decision("um", Decision.APPROVE, "ok", key=blank))
        assert refused.value.code == "key_required"
    assert (await state(handle)).status is Status.PENDING_REVIEW
