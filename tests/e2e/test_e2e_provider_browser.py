"""A provider organization uses its inbox in a real browser against a running stack (SQLite, the
Temporal dev server, a worker): it signs in, registers its webhook, attaches the document the
plan's respite asks for, accepts the referral once the plan approves it, reports service with
the definition's code and sees the units left; its receiver on loopback got every status change
once, signed. axe-core finds no violation on any page it sees."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.db.engine import create_session_factory
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.settings import Settings
from lieu.workflows.authorizations.service import NewRequest, request_authorization
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import LiveConsole, live_console, token
from tests.e2e.test_e2e_console_browser import browser  # noqa: F401 (the fixture)
from tests.e2e.test_e2e_console_limits_browser import violations
from tests.e2e.test_e2e_graphql_documents import PDF, respite_with_documents
from tests.serving import serve_app
from tests.workflows.acting import NPI, decision, send
from tests.workflows.authorizations import PLAN, cin, enroll, settle
from tests.workflows.webhook_receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.temporal]


@pytest.fixture
async def stack(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


async def graphql(base: str, secret: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {secret}"},
        )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def respite_asking_for_an_assessment(stack: LiveConsole) -> None:
    """The plan publishes respite with a caregiver assessment on file before review."""
    admin = await token(stack.engine, Role.PLAN_ADMIN)
    drafted = await graphql(
        stack.base,
        admin,
        "mutation($d: JSON!) { createDraft(document: $d) { __typename ... on Error { message } } }",
        d=respite_with_documents(),
    )
    assert drafted["createDraft"]["__typename"] == "Definition", drafted
    published = await graphql(
        stack.base,
        admin,
        'mutation { publishDefinition(support: "respite", version: 1) '
        "{ __typename ... on Error { message } } }",
    )
    assert published["publishDefinition"]["__typename"] == "Definition", published


async def clean(page: Page) -> None:
    found = await violations(page)
    assert found == [], found


async def reload_until(page: Page, words: str) -> None:
    for _ in range(100):
        await page.reload()
        if words in await page.locator("#status").inner_text():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the page never showed {words!r}")


@pytest.mark.long
async def test_a_provider_attaches_a_document_accepts_the_referral_reports_and_sees_what_is_left(
    browser: Browser,  # noqa: F811
    stack: LiveConsole,
    tmp_path: Path,
) -> None:
    async with AsyncExitStack() as stack_of_hooks:
        await _journey(browser, stack, tmp_path, stack_of_hooks)


async def _journey(
    chromium: Browser, stack: LiveConsole, tmp_path: Path, stack_of_hooks: AsyncExitStack
) -> None:
    await respite_asking_for_an_assessment(stack)
    member = cin()
    await enroll(stack.engine, member, "ana", county="Los Angeles")
    today = CALIFORNIA.local_date(datetime.now(UTC))
    handle = await request_authorization(
        stack.client,
        stack.sessions,
        NewRequest(
            PLAN,
            member,
            "respite",
            "org-a",
            "provider:demo-plan/org-a:intake",
            today,
            Decimal(24),
            uuid.uuid4().hex,
            unit="hours",
        ),
        task_queue=stack.settings.task_queue,
    )
    await settle(handle, lambda s: s.status is Status.AWAITING_DOCUMENTS, seconds=60)
    receiver = Receiver()
    hooks = await stack_of_hooks.enter_async_context(serve_app(receiver.app()))
    secret = await token(stack.engine, Role.PROVIDER, provider="org-a", label="intake")
    # axe-core is injected as a script: the inbox's CSP (script-src 'self') would refuse it
    context = await chromium.new_context(bypass_csp=True)
    page = await context.new_page()

    await page.goto(f"{stack.base}/provider/")
    assert "/provider/login" in page.url
    await clean(page)
    await page.get_by_label("API token").fill(secret)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Inbox").wait_for()
    await clean(page)
    await page.get_by_role("link", name="Webhooks").click()
    await page.get_by_label("URL (https://)").fill(f"{hooks}/hook")
    await page.get_by_role("button", name="Register").click()
    receiver.secret = await page.locator("#webhook-secret").inner_text()
    assert receiver.secret.startswith("whsec_")
    await clean(page)
    await page.get_by_role("link", name="Inbox").click()
    await page.get_by_role("link", name=handle.id).first.click()
    assert "awaiting documents" in await page.locator("#status").inner_text()
    await clean(page)

    assessment = tmp_path / "assessment.pdf"
    assessment.write_bytes(PDF)
    await page.get_by_label("File (PDF, JPEG, PNG or TIFF)").set_input_files(str(assessment))
    await page.get_by_role("button", name="Attach").click()
    assert "Document attached" in await page.get_by_role("status").inner_text()
    await settle(handle, lambda s: s.status is Status.PENDING_REVIEW, seconds=60)

    await send(handle, decision("um-nurse", Decision.APPROVE, "assessment on file"))
    await reload_until(page, "awaiting provider")
    assert await page.locator("#due").count() == 1  # the day to answer by
    await clean(page)
    await page.get_by_label("Accept").check()
    await page.get_by_role("button", name="Send answer").click()
    assert "accepted" in await page.get_by_role("status").inner_text()
    await reload_until(page, "active")

    await page.get_by_label("Quantity delivered (hours)").fill("10")
    await page.get_by_label("Code and modifiers").select_option(
        label="S5151-U6 · Unskilled respite care, per diem"
    )
    await page.get_by_label("Billing units (empty: the quantity)").fill("1")
    await page.get_by_label("Amount billed (dollars)").fill("180.00")
    await page.get_by_label("Rendering provider's NPI").fill(NPI)
    await page.get_by_role("button", name="Report service").click()
    assert "Service reported" in await page.get_by_role("status").inner_text()
    assert await page.locator("#remaining").inner_text() == "14 hours"
    await clean(page)

    await page.goto(f"{stack.base}/provider/")
    row = page.locator(f'tr[data-number="{handle.id}"]').last
    assert await row.locator(".remaining").inner_text() == "14"
    await clean(page)
    await context.close()

    async with create_session_factory(stack.engine)() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.target == f"authorization:{handle.id}")
                .where(AuditEntry.outcome == "ok")
            )
        )
    for done in ("provider.attachDocument", "provider.respondToReferral", "provider.reportService"):
        assert done in actions, actions

    # every change after the webhook was registered, each accepted once, signatures valid
    wanted = ["pending_review", "awaiting_provider", "active"]
    for _ in range(200):
        if len(receiver.accepted) >= len(wanted):
            break
        await asyncio.sleep(0.1)
    statuses = sorted(seen["data"]["status"] for seen in receiver.accepted)
    assert statuses == sorted(wanted), statuses
    assert receiver.rejected == []
    assert all(len(receiver.requests[seen["id"]]) == 1 for seen in receiver.accepted)
