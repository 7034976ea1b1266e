"""Operations act from the console in a real browser, against a worker on the dev server: they
find an overdue review (its extension is refused in words: a missed deadline is already a
denial), extend a pending review's deadline with a reason and see it audited; they run a bulk
cancel on a filtered set and see exactly that set change with a per-item report, and a second
run change nothing. axe-core finds no violation on the pages they use."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import WorkflowHandle

from lieu.platform.access.audit import audit_trail
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.keyset import Window
from lieu.settings import Settings
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.service import NewRequest, request_authorization
from lieu.workflows.authorizations.types import AuthorizationState, Cancel
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import LiveConsole, live_console, token
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import violations
from tests.workflows.authorizations import PLAN, cin, enroll, settle

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
__all__ = ["browser"]  # the fixture, shared with the console's other browser tests

Handle = WorkflowHandle[AuthorizationWorkflow, AuthorizationState]


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


async def request(
    console: LiveConsole, provider: str = "org-a", received_days_ago: int = 0
) -> Handle:
    """A respite request for a new member, once it has a review deadline (a request received
    long enough ago is past it at once: deemed denied)."""
    member = cin()
    await enroll(console.engine, member, "ana", county="Los Angeles")
    received = datetime.now(UTC) - timedelta(days=received_days_ago)
    handle = await request_authorization(
        console.client,
        console.sessions,
        NewRequest(
            PLAN,
            member,
            "respite",
            provider,
            f"provider:demo-plan/{provider}:intake",
            datetime.now(UTC).date(),
            Decimal(24),
            uuid.uuid4().hex,
            unit="hours",
        ),
        task_queue=console.settings.task_queue,
        received_at=received,
    )
    await settle(handle, lambda s: s.review_deadline is not None, seconds=60)
    return handle


async def projected(console: LiveConsole, number: str, ready: str) -> AuthorizationRecord:
    for _ in range(300):
        async with console.sessions() as session:
            row = await session.get(AuthorizationRecord, number)
        if row is not None and (row.status == ready or row.phase == ready):
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"{number} was never projected as {ready}")


@pytest.mark.long
async def test_operations_find_an_overdue_review_and_extend_a_pending_ones_deadline_with_a_reason(
    browser: Browser, console: LiveConsole
) -> None:
    overdue = await request(console, received_days_ago=30)
    await projected(console, overdue.id, "deemed")
    pending = await request(console)
    before = (await projected(console, pending.id, "pending_review")).review_deadline
    assert before is not None
    operations = await token(console.engine, Role.OPERATIONS, label="night desk")
    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, operations)

    late = page.locator(f'#overdue [data-authorization="{overdue.id}"]')
    await late.wait_for()
    await late.get_by_role("link").click()
    await page.wait_for_url(f"**/admin/authorizations/{overdue.id}")
    assert "ago" in await page.locator('[data-clock="Deemed denied at"] .left').inner_text()
    assert await violations(page) == []
    extend = page.locator('section[aria-labelledby="extend"]')
    await extend.get_by_label("Reason").fill("waiting for the discharge summary")
    await extend.get_by_role("button", name="Extend deadline").click()
    refusal = extend.get_by_role("alert")
    assert "Not done: there is no review to extend" in await refusal.inner_text()
    assert await violations(page) == []

    await page.goto(f"{console.base}/admin/authorizations/{pending.id}")
    assert await page.locator("#history").get_attribute("href") == (
        f"http://127.0.0.1:8233/namespaces/default/workflows/{pending.id}"
    )
    extend = page.locator('section[aria-labelledby="extend"]')
    await extend.get_by_label("Reason").fill("the member asked for time to send records")
    await extend.get_by_role("button", name="Extend deadline").click()
    await page.wait_for_url(f"**/admin/authorizations/{pending.id}?flash=extended")
    assert "Review deadline extended" in await page.get_by_role("status").inner_text()
    after = (await projected(console, pending.id, "pending_review")).review_deadline
    for _ in range(50):
        after = (await projected(console, pending.id, "pending_review")).review_deadline
        if after != before:
            break
        await asyncio.sleep(0.1)
    assert after is not None and after > before
    await page.reload()
    entry = page.locator('.timeline [data-kind="review_extended"]')
    assert "operations · night desk" in await entry.inner_text()
    assert await violations(page) == []

    async with console.sessions() as session:
        found = await audit_trail(
            session=session, plan=PLAN, target=f"authorization:{pending.id}", window=Window(50)
        )
        trail = found.rows
    extensions = [
        (e.action, e.outcome, e.detail) for e in reversed(trail) if e.action == "console.extend"
    ]
    assert extensions == [
        ("console.extend", "sent", "the member asked for time to send records"),
        ("console.extend", "ok", "the member asked for time to send records"),
    ]
    # and operations see the same entries in the console's audit log
    await page.goto(
        f"{console.base}/admin/audit?target=authorization:{pending.id}&action=console.extend"
    )
    shown = await page.locator("main table").inner_text()
    assert shown.count("console.extend") == 2 and "the member asked for time" in shown, shown
    assert await violations(page) == []
    await context.close()


async def statuses(console: LiveConsole, numbers: list[str]) -> dict[str, str]:
    async with console.sessions() as session:
        rows = await session.scalars(
            select(AuthorizationRecord).where(AuthorizationRecord.id.in_(numbers))
        )
        return {row.id: row.status for row in rows}


async def cancellations(console: LiveConsole, number: str) -> int:
    async with console.sessions() as session:
        kinds = await session.scalars(
            select(AuthorizationEvent.kind).where(AuthorizationEvent.authorization_id == number)
        )
        return sum(kind == "cancelled" for kind in kinds)


async def reload_until_ended(page: Page, run: int = 1) -> str:
    """The batch's state once its `run`-th run ended (a run just asked for starts in the
    worker: until then the page still shows the run before it as ended)."""
    for _ in range(150):
        await page.reload()
        shown = await page.locator("#batch-status").inner_text()
        line = await page.locator("#batch-status").locator("..").inner_text()
        if shown in ("finished", "stopped") and f"run {run}" in line:
            return shown
        await asyncio.sleep(0.2)
    raise AssertionError(f"run {run} of the batch never ended")


@pytest.mark.long
async def test_a_bulk_cancel_changes_exactly_the_filtered_set_and_a_second_run_changes_nothing(
    browser: Browser, console: LiveConsole
) -> None:
    provider = f"org-{uuid.uuid4().hex[:6]}"
    first, second, ended = [await request(console, provider) for _ in range(3)]
    outside = await request(console)  # another provider's: not in the set
    await service.act(console.client, ended.id, Cancel("operations:demo-plan:desk", "dup", "k"))
    await projected(console, ended.id, "cancelled")
    await projected(console, outside.id, "pending_review")
    operations = await token(console.engine, Role.OPERATIONS)
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, operations)

    await page.get_by_role("link", name="Bulk actions").click()
    await page.get_by_role("textbox", name="Provider", exact=True).fill(provider)
    await page.get_by_role("combobox", name="Action").select_option("cancel")
    await page.get_by_role("button", name="Show the set").click()
    assert await page.locator("#count").inner_text() == "3"
    shown = await page.locator("tr[data-authorization]").evaluate_all(
        "rows => rows.map(r => r.dataset.authorization)"
    )
    assert sorted(shown) == sorted([first.id, second.id, ended.id])
    assert await violations(page) == []
    await page.get_by_label("Reason").fill("provider closed its respite programme")
    await page.get_by_role("button", name="Freeze these 3").click()
    await page.wait_for_url("**/admin/bulk/B-*")
    assert "cancel each of the 3 authorizations" in await page.locator("#effect").inner_text()
    assert await statuses(console, [first.id, second.id]) == {
        first.id: "pending_review",
        second.id: "pending_review",
    }, "nothing happens before the confirmation"
    assert await violations(page) == []

    await page.get_by_role("button", name="Yes, cancel these 3").click()
    await page.wait_for_url("**/admin/bulk/B-*?flash=bulk_started")
    assert "runs: each item" in await page.get_by_role("status").inner_text()
    assert await reload_until_ended(page) == "finished"
    outcomes = {
        number: await page.locator(f'tr[data-item="{number}"] .outcome .status').inner_text()
        for number in (first.id, second.id, ended.id)
    }
    assert outcomes == {first.id: "done", second.id: "done", ended.id: "refused"}
    refused = await page.locator(f'tr[data-item="{ended.id}"] .message').inner_text()
    assert "has finished" in refused and "takes no more actions" in refused
    assert "3 of 3 reached: 2 done, 1 refused" in await page.locator("#progress").inner_text()
    assert await violations(page) == []
    for number in (first.id, second.id):
        await projected(console, number, "cancelled")
    assert (await statuses(console, [outside.id]))[outside.id] == "pending_review"

    await page.get_by_role("button", name="Run the batch again").click()
    await page.wait_for_url("**/admin/bulk/B-*?flash=bulk_started")
    assert await reload_until_ended(page, run=2) == "finished"
    assert "run 2" in await page.locator("#batch-status").locator("..").inner_text()
    assert "2 done, 1 refused" in await page.locator("#progress").inner_text()
    for number in (first.id, second.id):
        assert await cancellations(console, number) == 1
    assert (await statuses(console, [outside.id]))[outside.id] == "pending_review"
    state = await outside.query(AuthorizationWorkflow.state)
    assert state.status is Status.PENDING_REVIEW
    await context.close()
