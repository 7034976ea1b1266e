"""The inbox against a running worker: a provider asked for information tells the reviewer it
is sent from the authorization's page, and the review goes on (the `provideInformation`
command, audited as the inbox's)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory
from lieu.settings import Settings
from lieu.workflows.authorizations.types import RequestInformation
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import LiveConsole, live_console
from tests.admin.provider_stack import provider_signed_in
from tests.workflows.acting import send
from tests.workflows.authorizations import settle

pytestmark = pytest.mark.temporal


@pytest.fixture
async def stack(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


async def test_a_provider_asked_for_information_tells_the_reviewer_it_is_sent(
    stack: LiveConsole,
) -> None:
    handle = await stack.pending_review(hours=24)
    asking = RequestInformation(
        "um-nurse", ("the caregiver's schedule",), ("utilization_management",)
    )
    await send(handle, asking)
    await settle(handle, lambda s: s.status is Status.PENDING_INFORMATION, seconds=60)
    page_path = f"/provider/authorizations/{handle.id}"
    async with await provider_signed_in(stack) as provider:
        for _ in range(100):  # the projection follows the workflow
            shown = await provider.get(page_path)
            if "Information asked for" in shown.text:
                break
        sent = await provider.submit(f"{page_path}/inform", {"note": "schedule faxed"})
        after = await provider.get(sent.headers["location"])
    assert "the caregiver&#39;s schedule" in shown.text or "the caregiver's schedule" in shown.text
    assert sent.status_code == 303 and "information_sent" in sent.headers["location"]
    assert "The reviewer of" in after.text
    state = await settle(handle, lambda s: s.status is not Status.PENDING_INFORMATION, seconds=60)
    assert state.status is Status.PENDING_REVIEW
    async with create_session_factory(stack.engine)() as session:
        outcomes = list(
            await session.scalars(
                select(AuditEntry.outcome)
                .where(AuditEntry.action == "provider.provideInformation")
                .order_by(AuditEntry.id)
            )
        )
    assert outcomes == ["sent", "ok"]
