"""Operations use the failures page's member filter and read the activities being retried in a
real browser (Debian's Chromium, a real worker whose activity fails until let through); axe-core
finds no violation on the page with the retrying table, filtered by member, nor on a refusal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from lieu.platform.access.roles import Role
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, projected_console, token
from tests.admin.test_admin_failures_member import RELEASED, _flaky, _timed_out, flaky_worker
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import violations
from tests.workflows.authorizations import PLAN, cin

pytestmark = [pytest.mark.browser, pytest.mark.temporal]

__all__ = ["browser", "flaky_worker"]  # the fixtures, shared with the other tests


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    async with projected_console(settings, sqlite_engine, temporal_dev_server) as served:
        yield served


async def _operations(browser: Browser, console: Console) -> Page:
    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, await token(console.engine, Role.OPERATIONS))
    return page


async def test_operations_filter_failures_by_member_and_see_retrying_activities_accessibly(
    browser: Browser, console: Console, flaky_worker: tuple[Client, str]
) -> None:
    client, queue = flaky_worker
    retrying = await _flaky(client, queue, PLAN)
    member = cin()
    failed = await _timed_out(console, member)
    page = await _operations(browser, console)
    for _ in range(100):  # visibility and the first retry take a moment
        await page.goto(f"{console.base}/admin/failures")
        shown = page.locator(f'#retrying tr[data-workflow="{retrying.id}"]')
        if await shown.count() and await page.locator(f'tr[data-workflow="{failed}"]').count():
            break
        await asyncio.sleep(0.3)
    row = page.locator(f'#retrying tr[data-workflow="{retrying.id}"]')
    assert "the provider directory did not answer" in await row.inner_text()
    assert await violations(page) == []
    await page.get_by_label("Member CIN").fill(member)
    await page.get_by_role("button", name="Show this member's failures").click()
    await page.wait_for_url(f"**/admin/failures?member={member}")
    assert await page.locator(f'#failed tr[data-workflow="{failed}"]').count() == 1
    assert await page.locator(f'tr[data-workflow="{retrying.id}"]').count() == 0
    assert await violations(page) == []
    await page.goto(f"{console.base}/admin/failures?member=not-a-cin!")
    assert "is not a CIN" in await page.locator("#outcome").inner_text()
    assert await violations(page) == []
    RELEASED.add(retrying.id)
    assert await retrying.result() == "listed"
