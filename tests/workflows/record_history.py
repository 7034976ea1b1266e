"""Record histories for the replay tests: `python -m tests.workflows.record_history [NAME ...]`.

Record one only when a change to a workflow is meant to change its commands, and put that change
behind `workflow.patched(...)` so that histories recorded before it still replay. Every file in
`histories/` is kept forever; `RECORDINGS` names how each was made (the older ones came from code
since changed: they are replayed, not recorded again).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from temporalio.client import WorkflowExecutionStatus, WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from lieu.platform.access.authorizations import AuthorizationFilter
from lieu.platform.access.roles import Principal, Role
from lieu.platform.appeals.lifecycle import AppealDecision, AppealExtension, Outcome
from lieu.platform.authorizations.status import Decision, LoopReason
from lieu.platform.batches import service as batches
from lieu.platform.batches.service import BulkAction
from lieu.platform.db import migrate
from lieu.platform.db.base import utcnow
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.elections.changes import ChangeKind, ElectionChange
from lieu.platform.webhooks.endpoints import register_endpoint
from lieu.platform.webhooks.outbox import StatusChange, record_change
from lieu.settings import Settings
from lieu.workflows.appeals import service as appeals
from lieu.workflows.authorizations.types import (
    Cancel,
    CloseLoop,
    FileAppeal,
    ProviderResponse,
    ReauthorizationRequest,
    ReviewExtension,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.bulk.service import start_run
from lieu.workflows.converter import data_converter
from lieu.workflows.elections.activities import ElectionActivities
from lieu.workflows.elections.client import ensure_election_workflow, submit_change
from lieu.workflows.elections.workflow import ElectionCycleWorkflow
from lieu.workflows.webhooks.starts import DeliveryStarter
from lieu.workflows.webhooks.types import SweepInput
from lieu.workflows.webhooks.workflow import WebhookSweepWorkflow
from tests.serving import serve_app
from tests.workflows.acting import decision, report, send
from tests.workflows.authorizations import PLAN, World, cin, enroll, settle, world
from tests.workflows.webhook_receiver import Receiver

HISTORIES = Path(__file__).resolve().parent / "histories"
# The history `test_a_workflow_whose_commands_changed_fails_the_replay` alters.
HISTORY = HISTORIES / "recuperative_care_review_opens_at_once.json"


async def _recuperative_care_reported_late(w: World) -> WorkflowHistory:
    """Approved, accepted, expired; a service report arrives in the late-report window."""
    today = await w.today()
    member = cin()
    recent = {"date": (today - timedelta(days=1)).isoformat()}
    await enroll(w.engine, member, "ray", recent_discharge=recent)
    handle = await w.request(member, "recuperative-care", "20", key="history")
    await settle(handle, lambda s: s.phase == "review")
    await send(handle, report("recuperative-care", "r1", today, today + timedelta(days=4), 5))
    await send(handle, decision("um", Decision.APPROVE, "skilled need documented"))
    await settle(handle, lambda s: s.phase == "provider")
    await send(handle, ProviderResponse("org-a", True))
    await w.advance_to(today + timedelta(days=25))
    await settle(handle, lambda s: s.phase == "reporting")
    late = today + timedelta(days=5)
    await send(handle, report("recuperative-care", "r2", late, late + timedelta(days=2), 3))
    await handle.result()
    return await handle.fetch_history()


async def _respite_renewed(w: World) -> WorkflowHistory:
    """The first run of a respite authorization, ending in continue-as-new at its renewal."""
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "40", measure="hours", key="history")
    first_run = handle.first_execution_run_id
    await settle(handle, lambda s: s.phase == "review")
    await send(handle, decision("um", Decision.APPROVE, "caregiver needs breaks"))
    await settle(handle, lambda s: s.phase == "provider")
    await send(handle, ProviderResponse("org-a", True))
    await settle(handle, lambda s: s.phase == "active")
    await send(handle, ReauthorizationRequest("caregiver", Decimal(20), "still needed"))
    await settle(handle, lambda s: s.phase == "renewal_review")
    await send(handle, decision("um", Decision.APPROVE, "continue"))
    await settle(handle, lambda s: s.renewals_used == 1)
    first = w.client.get_workflow_handle(handle.id, run_id=first_run)
    for _ in range(200):  # the first run closes a moment after the renewal is answered
        if (await first.describe()).status is WorkflowExecutionStatus.CONTINUED_AS_NEW:
            return await first.fetch_history()
        await asyncio.sleep(0.05)
    raise AssertionError("the first run never continued as new")


async def _elections_cycle_continued(env: WorkflowEnvironment, engine: object) -> WorkflowHistory:
    """A plan's election workflow through one cycle with an addition, to its continue-as-new."""
    from tests.platform.elections.conftest import publish_rows
    from tests.workflows.test_elections_cycles import CALENDAR, PLAN, advance_to

    sessions = create_session_factory(engine)  # type: ignore[arg-type]
    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
    activities = ElectionActivities(sessions, create_session_factory(for_writes(engine)))  # type: ignore[arg-type]
    queue = f"elections-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[ElectionCycleWorkflow], activities=activities.all()
    ):
        handle = await ensure_election_workflow(
            env.client, plan=PLAN, calendar=CALENDAR, task_queue=queue, search_attributes=False
        )
        first_run = (await handle.describe()).run_id
        cycle = CALENDAR.next_open_cycle((await env.get_current_time()).date())
        await advance_to(env, cycle.window_opens + timedelta(days=3))
        added = ElectionChange(PLAN, "alameda", "respite", ChangeKind.ADD, actor="plan@demo")
        await submit_change(env.client, added)
        await advance_to(env, cycle.start + timedelta(days=1))
        history = await env.client.get_workflow_handle(handle.id, run_id=first_run).fetch_history()
        await handle.terminate("recorded")
        return history


async def _respite_deemed_then_reversed(w: World) -> WorkflowHistory:
    """A respite review missed (escalated, then deemed denied with its notice), then a late
    modification reverses it (held again, reversal notice), accepted, closed."""
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "40", measure="hours", key="history")
    pending = await settle(handle, lambda s: s.phase == "review")
    assert pending.review_deadline is not None
    await w.advance(pending.review_deadline - await w.env.get_current_time() + timedelta(hours=1))
    await settle(handle, lambda s: s.deemed)
    await send(handle, decision("um", Decision.MODIFY, "30 hours meet the need", Decimal(30)))
    await settle(handle, lambda s: s.phase == "provider")
    await send(handle, ProviderResponse("org-a", True))
    await settle(handle, lambda s: s.phase == "active")
    await send(handle, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, "done"))
    await w.advance(timedelta(days=400))
    await handle.result()
    return await handle.fetch_history()


async def _appealed(w: World) -> tuple[str, str]:
    """A respite request denied, appealed for the member, extended once, overturned by another
    reviewer; the authorization then goes to the provider, is accepted and closed."""
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "40", measure="hours", key="history")
    await settle(handle, lambda s: s.phase == "review")
    await send(handle, decision("um", Decision.DENY, "caregiver support in place"))
    filed = await appeals.file_appeal(
        w.client, handle.id, FileAppeal("member-services", "member", "my caregiver", key="a")
    )
    await w.advance(timedelta(days=3))
    await appeals.extend_appeal(
        w.client, filed.appeal_id, AppealExtension("ops", "a letter is coming", 7, key="x")
    )
    await appeals.decide_appeal(
        w.client,
        filed.appeal_id,
        AppealDecision("dr-appeals", Outcome.OVERTURNED, "the letter shows the need", key="d"),
    )
    await settle(handle, lambda s: s.phase == "provider")
    await send(handle, ProviderResponse("org-a", True))
    await settle(handle, lambda s: s.phase == "active")
    await send(handle, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, "done"))
    await w.advance(timedelta(days=400))
    await handle.result()
    return handle.id, filed.appeal_id


async def _respite_appealed_and_overturned(w: World) -> WorkflowHistory:
    number, _ = await _appealed(w)
    return await w.client.get_workflow_handle(number).fetch_history()


async def _appeal_extended_then_overturned(w: World) -> WorkflowHistory:
    _, appeal_id = await _appealed(w)
    return await w.client.get_workflow_handle(appeal_id).fetch_history()


async def _respite_projected_at_wait_points(w: World) -> WorkflowHistory:
    """A respite request modified by a decision sent at once (one projection for the review
    and its decision, the release with it), accepted, closed (the release with the last)."""
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "40", measure="hours", key="history")
    await send(handle, decision("um", Decision.MODIFY, "30 hours meet the need", Decimal(30)))
    await send(handle, ProviderResponse("org-a", True))
    await send(handle, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, "done"))
    await w.advance(timedelta(days=400))
    await handle.result()
    return await handle.fetch_history()


async def _respite_extended(w: World) -> WorkflowHistory:
    """A respite review extended, then approved, accepted and closed. Recorded twice: as
    `respite_extended_unprojected` before the `extension-projected` patch (the extension was not
    projected), and as `respite_extended_and_projected` after it."""
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "20", measure="hours", key="history")
    await settle(handle, lambda s: s.review_deadline is not None)
    await w.advance(timedelta(days=2))
    await send(handle, ReviewExtension("um", "awaiting caregiver assessment"))
    await send(handle, decision("um", Decision.APPROVE, "caregiver needs breaks"))
    await send(handle, ProviderResponse("org-a", True))
    await send(handle, CloseLoop("org-a", LoopReason.SERVICES_RECEIVED, "done"))
    await w.advance(timedelta(days=400))
    await handle.result()
    return await handle.fetch_history()


async def _bulk_cancel_with_a_refusal(w: World) -> WorkflowHistory:
    """A bulk cancel of two respite requests, one cancelled before the run (refused)."""
    numbers = []
    for _ in range(2):
        member = cin()
        await enroll(w.engine, member, "ana", county="Los Angeles")
        handle = await w.request(member, "respite", "20", measure="hours", provider="org-bulk")
        await settle(handle, lambda s: s.review_deadline is not None)
        numbers.append(handle.id)
    await send(
        w.client.get_workflow_handle_for(AuthorizationWorkflow.run, numbers[1]),
        Cancel("operations:demo-plan:desk", "duplicate", "before"),
    )
    await asyncio.sleep(0.5)  # the cancellation's projection
    principal = Principal(token_id="tok-ops", role=Role.OPERATIONS, plan="demo-plan")
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        batch = await batches.freeze(
            session=session,
            principal=principal,
            action=BulkAction.CANCEL,
            reason="provider closed",
            where=AuthorizationFilter(provider="org-bulk"),
            query="provider=org-bulk",
            expected=2,
        )
        batch_id = batch.id
    bulk = await start_run(w.client, batch_id, 1, task_queue=w.task_queue)
    await bulk.result()
    return await bulk.fetch_history()


async def _webhook_delivered_after_a_500(w: World) -> WorkflowHistory:
    """One status change POSTed to a receiver that answers 500 once: retried, then delivered."""
    receiver = Receiver(fail_next=1)
    async with serve_app(receiver.app()) as base:
        async with create_session_factory(for_writes(w.engine)).begin() as session:
            done = await register_endpoint(
                session=session,
                plan=PLAN,
                provider="org-a",
                url=f"{base}/hook",
                actor="history",
                now=utcnow(),
            )
            receiver.secret = done.secret
            change = StatusChange(
                "A-HISTORY-1",
                3,
                PLAN,
                "org-a",
                "respite",
                "active",
                "awaiting_provider",
                utcnow(),
                None,
                None,
            )
            [delivery] = await record_change(session=session, change=change)
        starter = DeliveryStarter(first_retry_seconds=1.0, attempts=5)
        await starter.start(w.client, [delivery], task_queue=w.task_queue)
        handle = w.client.get_workflow_handle(delivery)
        await handle.result()
    return await handle.fetch_history()


async def _webhook_sweep_continued(w: World) -> WorkflowHistory:
    """The sweep through two rounds (nothing to start), to its continue-as-new."""
    handle = await w.client.start_workflow(
        WebhookSweepWorkflow.run,
        SweepInput(every_seconds=1.0, rounds=2),
        id=f"sweep-history-{uuid.uuid4().hex[:6]}",
        task_queue=w.task_queue,
    )
    first = w.client.get_workflow_handle(handle.id, run_id=handle.result_run_id)
    for _ in range(400):
        if (await first.describe()).status is WorkflowExecutionStatus.CONTINUED_AS_NEW:
            history = await first.fetch_history()
            await w.client.get_workflow_handle(handle.id).terminate("recorded")
            return history
        await asyncio.sleep(0.05)
    raise AssertionError("the sweep never continued as new")


AUTHORIZATIONS: dict[str, Callable[[World], Awaitable[WorkflowHistory]]] = {
    "bulk_cancel_with_a_refusal": _bulk_cancel_with_a_refusal,
    "webhook_delivered_after_a_500": _webhook_delivered_after_a_500,
    "webhook_sweep_continued": _webhook_sweep_continued,
    "respite_extended_unprojected": _respite_extended,
    "respite_extended_and_projected": _respite_extended,
    "appeal_extended_then_overturned": _appeal_extended_then_overturned,
    "respite_appealed_and_overturned": _respite_appealed_and_overturned,
    "respite_deemed_then_reversed": _respite_deemed_then_reversed,
    "respite_projected_at_wait_points": _respite_projected_at_wait_points,
    "recuperative_care_reported_late": _recuperative_care_reported_late,
    "respite_renewed": _respite_renewed,
}
ELECTIONS = {"elections_cycle_continued": _elections_cycle_continued}
RECORDINGS = sorted([*AUTHORIZATIONS, *ELECTIONS])


async def record(name: str) -> Path:
    """Run the named recording on a fresh database and time-skipping server; write its JSON."""
    target = HISTORIES / f"{name}.json"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/lieu.db"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        env = await WorkflowEnvironment.start_time_skipping(
            data_converter=data_converter,
            test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        )
        settings = Settings.from_env({"LIEU_DATA_DIR": tmp, "LIEU_DATABASE_URL": url})
        try:
            if name in ELECTIONS:
                history = await ELECTIONS[name](env, engine)
            else:
                async with world(env, engine, settings) as w:
                    history = await AUTHORIZATIONS[name](w)
            await asyncio.to_thread(target.write_text, history.to_json())
        finally:
            await env.shutdown()
            await engine.dispose()
    return target


async def main(names: list[str]) -> None:
    for name in names or RECORDINGS:
        if name not in RECORDINGS:
            raise SystemExit(f"no recording {name!r}; choose from {', '.join(RECORDINGS)}")
        print(f"recorded {await record(name)}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
    sys.stdout.flush()
    os._exit(0)  # temporalio may abort at interpreter exit (sdk-python#300)
