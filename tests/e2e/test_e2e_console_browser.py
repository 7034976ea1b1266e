"""Plan staff use the console in a real browser: operations find a request and cancel it after
a confirmation that names the effect; a reviewer whose decision is refused keeps what they chose."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Status
from lieu.settings import Settings
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import LiveConsole, live_console, token
from tests.workflows.authorizations import settle

pytestmark = [pytest.mark.browser, pytest.mark.temporal]

FIELDS = ("decision", "quantity", "reason")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


async def sign_in(page: Page, base: str, secret: str) -> None:
    await page.goto(f"{base}/admin/")
    await page.get_by_role("link", name="Sign in").first.click()
    await page.get_by_label("API token").fill(secret)
    await page.get_by_role("button", name="Sign in").click()


async def reload_until(page: Page, status: str) -> None:
    for _ in range(50):
        await page.reload()
        if status in await page.locator("#status").inner_text():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the page never showed {status!r}")


async def test_operations_staff_find_a_pending_request_and_cancel_it_once_they_confirm(
    browser: Browser, console: LiveConsole, tmp_path: Path
) -> None:
    handle = await console.pending_review(hours=24)
    operations = await token(console.engine, Role.OPERATIONS)
    provider = await token(console.engine, Role.PROVIDER, provider="org-a")

    page = await browser.new_page()
    await sign_in(page, console.base, provider)
    assert "cannot sign in" in await page.locator(".error").inner_text()

    await sign_in(page, console.base, operations)
    waiting = page.locator(f'#review [data-authorization="{handle.id}"]')
    await waiting.wait_for()
    await waiting.get_by_role("link").click()
    await page.wait_for_url(f"**/admin/authorizations/{handle.id}")
    assert "pending review" in await page.locator("#status").inner_text()
    assert await page.locator('.timeline [data-kind="review_requested"]').count() == 1
    await page.screenshot(path=str(tmp_path / "authorization.png"), full_page=True)
    cancel = page.locator('section[aria-labelledby="cancel"]')

    await cancel.get_by_label("Reason").fill("member moved out of county")
    await page.get_by_role("button", name="Cancel authorization").click()
    effect = await page.locator("#effect").inner_text()
    assert effect == (
        f"This cancels {handle.id}; the 24 hours held are released; "
        "the provider and member are told."
    )
    await page.get_by_role("link", name="No, keep it").click()
    await page.wait_for_url(f"**/admin/authorizations/{handle.id}")
    assert "pending review" in await page.locator("#status").inner_text()
    state = await handle.query(AuthorizationWorkflow.state)
    assert state.status is Status.PENDING_REVIEW, "nothing happens before the confirmation"

    await cancel.get_by_label("Reason").fill("member moved out of county")
    await page.get_by_role("button", name="Cancel authorization").click()
    await page.get_by_role("button", name=f"Yes, cancel {handle.id}").click()
    await page.wait_for_url(f"**/admin/authorizations/{handle.id}?flash=cancelled")
    banner = page.get_by_role("status")
    assert (await banner.inner_text()).startswith(f"Authorization {handle.id} is cancelled")
    assert await page.get_by_role("alert").count() == 0
    await reload_until(page, "cancelled")
    assert await page.locator('.timeline [data-kind="cancelled"]').count() == 1
    await page.close()


async def test_a_reviewer_whose_decision_is_refused_keeps_their_choice_and_sees_why_beside_it(
    browser: Browser, console: LiveConsole
) -> None:
    handle = await console.pending_review(hours=24)
    reviewer = await token(console.engine, Role.REVIEWER)

    page = await browser.new_page()
    await sign_in(page, console.base, reviewer)
    await page.goto(f"{console.base}/admin/authorizations/{handle.id}")
    decide = page.locator('section[aria-labelledby="decide"]')
    decision, quantity, reason = (decide.locator(f"[name={n}]") for n in FIELDS)
    await decision.select_option("modify")
    await quantity.fill("12h")
    await reason.fill("half the hours are enough")
    await decide.get_by_role("button", name="Record decision").click()

    refusal = decide.get_by_role("alert")
    assert "'12h' is not a number" in await refusal.inner_text()
    assert await page.get_by_role("status").count() == 0, "a refusal is not a success banner"
    assert await decision.input_value() == "modify"
    assert await quantity.input_value() == "12h"
    assert await reason.input_value() == "half the hours are enough"
    state = await handle.query(AuthorizationWorkflow.state)
    assert state.status is Status.PENDING_REVIEW

    await decide.get_by_label("Quantity to approve instead").fill("12")
    await decide.get_by_role("button", name="Record decision").click()
    banner = page.get_by_role("status")
    assert "approved for a different quantity" in await banner.inner_text()
    decided = await settle(handle, lambda s: s.status is not Status.PENDING_REVIEW)
    assert decided.quantity_approved == Decimal(12)
    await page.close()
