"""A reviewer approves a limit exception in a real browser: the authorization's page shows that
the member used the year's 336 respite hours elsewhere, the form raises the cap, and axe-core
finds no accessibility violation on the page before or after (nor with a refusal shown)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Role
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, projected_console, token
from tests.admin.limits_stack import held_by_respite_limit
from tests.e2e.test_e2e_console_browser import browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.temporal]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
__all__ = ["browser"]  # the fixture, shared with the console's other browser tests


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    async with projected_console(settings, sqlite_engine, temporal_dev_server) as served:
        yield served


async def violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core (WCAG 2.x A and AA rules) finds wrong with the page as it stands."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run make install (npm ci installs axe-core)")
    await page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => (await axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
           })).violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)}))"""
    )
    return found


async def test_a_reviewer_raises_a_cap_used_up_elsewhere_from_the_authorization_page(
    browser: Browser, console: Console
) -> None:
    number = await held_by_respite_limit(console)
    reviewer = await token(console.engine, Role.REVIEWER)
    # axe-core is injected as a script: the console's CSP (script-src 'self') would refuse it
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, reviewer)
    await page.goto(f"{console.base}/admin/authorizations/{number}")

    row = page.locator('tr[data-limit="respite-hours-per-year"]')
    assert await row.locator(".remaining").inner_text() == "0"
    why = await page.locator("tr.why").inner_text()
    assert "336 used elsewhere (prior use)" in why and "frees up from 2027-01-01" in why
    assert await violations(page) == []

    form = page.locator('section[aria-labelledby="exception"]')
    await form.get_by_label("How much more").fill("forty")
    await form.get_by_label("Reason").fill("caregiver in hospital for two weeks")
    await form.get_by_role("button", name="Approve exception").click()
    refusal = form.get_by_role("alert")
    assert "'forty' is not a number" in await refusal.inner_text()
    assert await form.get_by_label("Reason").input_value() == "caregiver in hospital for two weeks"
    assert await violations(page) == []

    await form.get_by_label("How much more").fill("40")
    await form.get_by_role("button", name="Approve exception").click()
    await page.wait_for_url(f"**/admin/authorizations/{number}?flash=exception_approved")
    assert "the member's cap is raised" in await page.get_by_role("status").inner_text()
    assert await row.locator(".remaining").inner_text() == "40"
    assert await page.locator("tr.why").count() == 0
    assert await violations(page) == []
    await context.close()
