"""A bulk action runs a frozen set through the authorization command API, reports each item,
never does an item twice, and can be stopped (time-skipping server; SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from lieu.platform.access.audit import audit_trail
from lieu.platform.access.authorizations import AuthorizationFilter
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.batches import service as batches
from lieu.platform.batches.models import BulkItem
from lieu.platform.batches.service import BulkAction, Outcome
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.db.keyset import Window
from lieu.settings import Settings
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import Cancel
from lieu.workflows.bulk.service import start_run, stop_run
from lieu.workflows.bulk.types import BulkReport
from tests.workflows.authorizations import PLAN, World, cin, enroll, world

OPERATIONS = Principal(token_id="tok-ops", role=Role.OPERATIONS, plan=PLAN, label="desk")


@pytest.fixture
async def both(
    time_skipping: WorkflowEnvironment, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[World]:
    """Authorizations on the time-skipping server over SQLite and over PostgreSQL."""
    async with world(time_skipping, engine, settings) as running:
        yield running


async def _pending(w: World, provider: str) -> str:
    member = cin()
    await enroll(w.engine, member, "ana", county="Los Angeles")
    handle = await w.request(member, "respite", "24", measure="hours", provider=provider)
    await _projected(w, handle.id, "pending_review")
    return handle.id


async def _projected(w: World, number: str, status: str) -> None:
    for _ in range(500):
        async with w.sessions() as session:
            row = await session.get(AuthorizationRecord, number)
            if row is not None and row.status == status:
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{number} never became {status}")


async def _freeze(w: World, provider: str, action: BulkAction, expected: int) -> str:
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        batch = await batches.freeze(
            session=session,
            principal=OPERATIONS,
            action=action,
            reason="provider closed its respite programme",
            where=AuthorizationFilter(provider=provider),
            query=f"provider={provider}",
            expected=expected,
        )
        return batch.id


async def _outcomes(w: World, batch_id: str) -> dict[str, tuple[str, str]]:
    async with w.sessions() as session:
        entries = await batches.items(session=session, batch_id=batch_id)
    return {e.authorization_id: (e.outcome, e.message) for e in entries}


async def _run(w: World, batch_id: str, run: int) -> BulkReport:
    handle = await start_run(w.client, batch_id, run, task_queue=w.task_queue)
    return await handle.result()


async def _cancellations(w: World, number: str) -> int:
    async with w.sessions() as session:
        kinds = await session.scalars(
            select(AuthorizationEvent.kind).where(AuthorizationEvent.authorization_id == number)
        )
        return sum(kind == "cancelled" for kind in kinds)


async def test_a_bulk_cancel_cancels_the_frozen_set_and_reports_a_refusal_per_item(
    both: World,
) -> None:
    provider = f"org-{uuid.uuid4().hex[:6]}"
    first, second, ended = [await _pending(both, provider) for _ in range(3)]
    await service.act(both.client, ended, Cancel("operations:demo-plan:desk", "duplicate", "k1"))
    await _projected(both, ended, "cancelled")
    batch_id = await _freeze(both, provider, BulkAction.CANCEL, expected=3)

    report = await _run(both, batch_id, 1)

    assert (report.done, report.refused, report.failed, report.left) == (2, 1, 0, 0)
    outcomes = await _outcomes(both, batch_id)
    assert outcomes[first][0] == outcomes[second][0] == Outcome.DONE
    assert outcomes[ended] == (
        Outcome.REFUSED,
        f"authorization {ended} has finished (completed); it takes no more actions",
    )
    await _projected(both, first, "cancelled")
    await _projected(both, second, "cancelled")
    async with both.sessions() as session:
        found = await audit_trail(
            session=session, plan=PLAN, target=f"authorization:{first}", window=Window(50)
        )
        trail = found.rows
        assert [(e.action, e.outcome) for e in reversed(trail)] == [
            ("console.bulk_cancel", "sent"),
            ("console.bulk_cancel", "ok"),
        ]
        batch = await batches.find_batch(session=session, plan=PLAN, batch_id=batch_id)
        assert batch is not None and batch.status == "finished" and batch.runs == 1


async def test_running_a_batch_again_does_no_item_twice_even_when_its_report_was_lost(
    both: World,
) -> None:
    provider = f"org-{uuid.uuid4().hex[:6]}"
    number = await _pending(both, provider)
    batch_id = await _freeze(both, provider, BulkAction.CANCEL, expected=1)
    await _run(both, batch_id, 1)
    await _projected(both, number, "cancelled")
    # as if the worker died after the authorization took the command, before the outcome was
    # stored: the item is pending again and the next run sends the same command again
    async with create_session_factory(for_writes(both.engine)).begin() as session:
        await session.execute(
            update(BulkItem).where(BulkItem.batch_id == batch_id).values(outcome="pending")
        )

    report = await _run(both, batch_id, 2)

    assert (report.done, report.refused) == (1, 0)
    assert (await _outcomes(both, batch_id))[number][0] == Outcome.DONE
    assert await _cancellations(both, number) == 1
    again = await _run(both, batch_id, 3)  # nothing left without an outcome: nothing is sent
    assert (again.done, again.refused, again.failed, again.left) == (0, 0, 0, 0)
    assert await _cancellations(both, number) == 1


async def test_an_extension_the_review_does_not_allow_twice_is_refused_in_words(
    both: World,
) -> None:
    provider = f"org-{uuid.uuid4().hex[:6]}"
    number = await _pending(both, provider)
    once = await _freeze(both, provider, BulkAction.EXTEND, expected=1)
    assert (await _run(both, once, 1)).done == 1
    twice = await _freeze(both, provider, BulkAction.EXTEND, expected=1)

    report = await _run(both, twice, 1)

    assert report.refused == 1
    outcome, message = (await _outcomes(both, twice))[number]
    assert outcome == Outcome.REFUSED and "already" in message


async def test_a_stopped_batch_skips_the_items_it_had_not_reached(both: World) -> None:
    provider = f"org-{uuid.uuid4().hex[:6]}"
    for _ in range(3):
        await _pending(both, provider)
    batch_id = await _freeze(both, provider, BulkAction.CANCEL, expected=3)
    handle = await start_run(both.client, batch_id, 1, task_queue=both.task_queue)
    await stop_run(both.client, batch_id, "operations:demo-plan:desk", "wrong filter")

    report = await handle.result()

    outcomes = [o for o, _ in (await _outcomes(both, batch_id)).values()]
    assert report.stopped and report.left == outcomes.count(Outcome.SKIPPED) > 0
    async with both.sessions() as session:
        batch = await batches.find_batch(session=session, plan=PLAN, batch_id=batch_id)
        assert batch is not None and batch.status == "stopped"
