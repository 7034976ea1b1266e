"""Operations use the console's new pages in a real browser (Debian's Chromium): the dashboard
with its charts, the search with every filter, the failures page, the audit log and a member's
page; axe-core (WCAG 2.x A and AA) finds no violation on any of them, for operations nor for the
product team's dashboard; a count's "see all" link opens the search listing exactly it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Role
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, Step, projected_console, token
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import violations
from tests.workflows.authorizations import cin, enroll

pytestmark = [pytest.mark.browser, pytest.mark.temporal]

__all__ = ["browser"]  # the fixture, shared with the console's other browser tests


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    async with projected_console(settings, sqlite_engine, temporal_dev_server) as served:
        yield served


async def _signed_in_page(browser: Browser, console: Console, role: Role) -> Page:
    # axe-core is injected as a script: the console's CSP (script-src 'self') would refuse it
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, await token(console.engine, role))
    return page


@pytest.mark.long
async def test_every_new_page_has_no_accessibility_violation(
    browser: Browser, console: Console
) -> None:
    now = datetime.now(UTC)
    member = cin()
    await enroll(console.engine, member, "ana", county="Los Angeles")
    steps = [
        Step(now - timedelta(hours=3), "received", "lieu", "received"),
        Step(now - timedelta(hours=1), "approved", "lieu", "approved"),
    ]
    await console.project(member=member, status="approved", steps=steps, review_deadline=None)
    await console.project(review_deadline=now - timedelta(hours=2))
    await console.project(problem="the eligibility check failed: the member's facts are unreadable")
    page = await _signed_in_page(browser, console, Role.OPERATIONS)
    for path in (
        "/admin/",
        "/admin/authorizations?status=pending_review&county=los-angeles&requested_from=2026-01-01",
        "/admin/authorizations?requested_from=never",  # the refusal
        "/admin/failures",
        "/admin/audit",
        f"/admin/members/{member}",
    ):
        await page.goto(f"{console.base}{path}")
        assert await violations(page) == [], path
    product = await _signed_in_page(browser, console, Role.PLAN_ADMIN)
    await product.goto(f"{console.base}/admin/")
    assert await product.locator("#chart-requests svg").count() == 1
    assert await violations(product) == []


async def test_the_overdue_count_opens_the_search_listing_the_overdue_review(
    browser: Browser, console: Console
) -> None:
    now = datetime.now(UTC)
    overdue = await console.project(review_deadline=now - timedelta(hours=2))
    on_time = await console.project(review_deadline=now + timedelta(days=3))
    page = await _signed_in_page(browser, console, Role.OPERATIONS)
    await page.goto(f"{console.base}/admin/")
    await page.get_by_role("link", name="see all 1 reviews past their deadline").click()
    await page.wait_for_url("**/admin/authorizations?queue=overdue")
    assert await page.locator(f'tr[data-authorization="{overdue}"]').count() == 1
    assert await page.locator(f'tr[data-authorization="{on_time}"]').count() == 0
    assert "1 authorization matches" in await page.locator("#total").inner_text()
    assert await page.get_by_label("Queue").input_value() == "overdue"
