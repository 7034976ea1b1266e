"""Operations staff use the console in a real browser: sign in, find the request, cancel it."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.settings import Settings
from lieu.workflows import registry
from lieu.workflows.authorizations.service import NewRequest, request_authorization
from lieu.workflows.devserver import DevServer
from tests.serving import serve
from tests.workflows.authorizations import PLAN, cin, enroll, prepare_database, settle

pytestmark = [pytest.mark.browser, pytest.mark.temporal]

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


async def token(engine: AsyncEngine, role: Role, provider: str | None = None) -> str:
    async with create_session_factory(for_writes(engine)).begin() as session:
        issued = await issue_token(
            session=session, role=role, plan=PLAN, provider=provider, label="e2e", actor="test"
        )
    return issued.secret


async def sign_in(page: Page, base: str, secret: str) -> None:
    await page.goto(f"{base}/admin/")
    await page.get_by_role("link", name="Sign in").first.click()
    await page.get_by_label("API token").fill(secret)
    await page.get_by_role("button", name="Sign in").click()


async def test_operations_staff_find_a_pending_request_and_cancel_it(
    browser: Browser,
    temporal_dev_server: DevServer,
    settings: Settings,
    sqlite_engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    ready = settings.with_(
        temporal_address=temporal_dev_server.address, task_queue=f"console-{uuid.uuid4().hex[:8]}"
    )
    sessions = await prepare_database(sqlite_engine)
    member = cin()
    await enroll(sqlite_engine, member, "ana", county="Los Angeles")
    operations = await token(sqlite_engine, Role.OPERATIONS)
    provider = await token(sqlite_engine, Role.PROVIDER, provider="org-a")
    client = await Client.connect(
        temporal_dev_server.address, data_converter=pydantic_data_converter
    )
    deps = registry.dependencies(ready, sqlite_engine)
    async with (
        Worker(
            client,
            task_queue=ready.task_queue,
            workflows=list(registry.workflows()),
            activities=list(registry.activities(deps)),
        ),
        serve(ready) as base,
    ):
        handle = await request_authorization(
            client,
            sessions,
            NewRequest(
                PLAN,
                member,
                "respite",
                "org-a",
                "caregiver",
                datetime.now(UTC).date(),
                Decimal(24),
                uuid.uuid4().hex,
                measure="hours",
            ),
            task_queue=ready.task_queue,
        )
        await settle(handle, lambda s: s.review_deadline is not None, seconds=60)

        page = await browser.new_page()
        await sign_in(page, base, provider)
        assert "cannot sign in" in await page.locator(".error").inner_text()

        await sign_in(page, base, operations)
        waiting = page.locator(f'#review [data-authorization="{handle.id}"]')
        await waiting.wait_for()
        await waiting.get_by_role("link").click()
        await page.wait_for_url(f"**/admin/authorizations/{handle.id}")
        assert "pending review" in await page.locator("#status").inner_text()
        assert await page.locator('.timeline [data-kind="review_requested"]').count() == 1
        await page.screenshot(path=str(tmp_path / "authorization.png"), full_page=True)

        await page.get_by_label("Reason").fill("member moved out of county")
        await page.get_by_role("button", name="Cancel authorization").click()
        assert "cancelled" in await page.locator(".flash").inner_text()
        for _ in range(50):
            await page.reload()
            if "cancelled" in await page.locator("#status").inner_text():
                break
            await asyncio.sleep(0.2)
        assert "cancelled" in await page.locator("#status").inner_text()
        assert await page.locator('.timeline [data-kind="cancelled"]').count() == 1
        await page.close()
