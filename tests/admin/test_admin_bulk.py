"""Bulk actions in the console: operations only; the set shown is the set frozen (or nothing is
stored), with each authorization's status then; freezing is audited; a batch that is not the
plan's is not found (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lieu.platform.access.audit import audit_trail
from lieu.platform.access.roles import Role
from lieu.platform.batches import service as batches
from lieu.platform.batches.models import BulkBatch
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.db.keyset import Window
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal


async def _batches(console: Console) -> int:
    async with console.engine.connect() as connection:
        return int(
            (await connection.execute(select(func.count()).select_from(BulkBatch))).scalar_one()
        )


async def test_reviewers_are_told_bulk_actions_are_for_operations(console: Console) -> None:
    async with await console.signed_in(Role.REVIEWER) as http:
        shown = await http.get("/admin/bulk", params={"status": "pending_review"})
        sent = await http.submit(
            "/admin/bulk",
            {"query": "status=pending_review", "action": "cancel", "reason": "x", "expected": "1"},
        )
    for refused in (shown, sent):
        assert refused.status_code == 403
        assert "Your role, reviewer, cannot run bulk actions" in refused.text
    assert await _batches(console) == 0


async def test_the_set_and_its_count_are_shown_before_anything_is_stored(
    console_any: Console,
) -> None:
    mine = [await console_any.project(county="alameda") for _ in range(2)]
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(
            "/admin/bulk", params={"status": "pending_review", "action": "extend"}
        )
    assert shown.status_code == 200
    assert '<span id="count">2</span>' in shown.text
    assert sorted(re.findall(r'<tr data-authorization="([^"]+)"', shown.text)) == sorted(mine)
    assert "Freeze these 2 to extend the review deadline of them" in shown.text
    assert await _batches(console_any) == 0


async def test_a_set_that_changed_since_it_was_shown_is_not_frozen(console_any: Console) -> None:
    await console_any.project()
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(
            "/admin/bulk",
            {
                "query": "status=pending_review",
                "action": "cancel",
                "reason": "moved",
                "expected": "2",
            },
        )
    assert answer.status_code == 409
    assert "the filter now finds 1 authorizations, not the 2 shown" in answer.text
    assert await _batches(console_any) == 0


async def test_a_bulk_action_without_a_reason_is_not_frozen(console: Console) -> None:
    await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(
            "/admin/bulk",
            {"query": "status=pending_review", "action": "cancel", "reason": " ", "expected": "1"},
        )
    assert answer.status_code == 409
    assert "a bulk action needs a reason" in answer.text
    assert await _batches(console) == 0


async def test_freezing_stores_each_authorization_with_its_status_and_is_audited(
    console_any: Console,
) -> None:
    numbers = [await console_any.project(status=s) for s in ("pending_review", "approved")]
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(
            "/admin/bulk",
            {"query": "support=respite", "action": "cancel", "reason": "moved", "expected": "2"},
        )
        assert answer.status_code == 303
        batch_id = answer.headers["location"].rsplit("/", 1)[-1]
        shown = await http.get(f"/admin/bulk/{batch_id}")
    assert shown.status_code == 200
    assert "Yes, cancel these 2" in shown.text
    assert "0 of 2 reached" in shown.text
    async with create_session_factory(console_any.engine)() as session:
        items = await batches.items(session=session, batch_id=batch_id)
        found = await audit_trail(
            session=session, plan="demo-plan", target=f"batch:{batch_id}", window=Window(50)
        )
        trail = found.rows
    frozen = {item.authorization_id: (item.status_when_frozen, item.outcome) for item in items}
    assert frozen == {
        numbers[0]: ("pending_review", "pending"),
        numbers[1]: ("approved", "pending"),
    }
    assert [(e.action, e.outcome) for e in trail] == [("console.bulk_freeze", "ok")]
    assert "cancel 2 authorizations (support=respite); reason: moved" in trail[0].detail


async def test_a_batch_that_is_not_the_plans_is_not_found(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        missing = await http.get("/admin/bulk/B-000000000000")
        run = await http.submit("/admin/bulk/B-000000000000/run", {})
    for answer in (missing, run):
        assert answer.status_code == 404
        assert "There is no bulk action <code>B-000000000000</code> in your plan" in answer.text


async def test_stopping_a_batch_whose_workflow_is_gone_marks_it_stopped_so_it_can_run_again(
    console: Console,
) -> None:
    await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        frozen = await http.submit(
            "/admin/bulk",
            {
                "query": "status=pending_review",
                "action": "cancel",
                "reason": "moved",
                "expected": "1",
            },
        )
        batch_id = frozen.headers["location"].rsplit("/", 1)[-1]
        async with create_session_factory(for_writes(console.engine)).begin() as session:
            await batches.begin_run(session=session, batch_id=batch_id, run=1)  # then terminated
        answer = await http.submit(f"/admin/bulk/{batch_id}/stop", {})
    assert answer.status_code == 409
    assert f"batch {batch_id} is not running: nothing to stop" in answer.text
    assert '<span class="status stopped" id="batch-status">stopped</span>' in answer.text
    assert "Run the batch again" in answer.text
