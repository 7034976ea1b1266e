"""The studio's elections page (issue #13 point 6): the plan sees what is offered where and the
open window, and submits an addition to the real election workflow, with the workflow's own
refusals (a county left without mandatory transitional rent is named) and acceptances."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.library import load_library
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.mandates import mandates_of
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from lieu.workflows.elections.client import ensure_election_workflow
from tests.admin.console_stack import LiveConsole, live_console

pytestmark = pytest.mark.temporal

# a window open now, with the shipped baselines' mandates (transitional rent from 2026-01-01)
OPEN_NOW = ElectionCalendar(
    window_opens_days_before=400, window_closes_days_before=1
).with_mandates(mandates_of(load_library().definitions.values()))


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    async with live_console(settings, sqlite_engine, temporal_dev_server) as running:
        yield running


async def test_the_plan_submits_an_addition_and_sees_the_workflows_answer(
    console: LiveConsole,
) -> None:
    handle = await ensure_election_workflow(
        console.client,
        plan="demo-plan",
        calendar=OPEN_NOW,
        task_queue=console.settings.task_queue,
        search_attributes=False,
    )
    try:
        async with await console.signed_in(Role.PLAN_ADMIN) as http:
            shown = await http.get("/admin/studio/elections")
            respite = {"county": "kern", "support": "respite", "kind": "add", "reason": "new"}
            refused = await http.submit("/admin/studio/elections", respite)
            rent = {**respite, "support": "transitional-rent"}
            accepted = await http.submit("/admin/studio/elections", rent)
            then = await http.submit("/admin/studio/elections", respite)
            odd = await http.submit("/admin/studio/elections", {**respite, "kind": "swap"})
        assert shown.status_code == 200
        assert '<span class="status in-force">is open</span>' in shown.text
        la = re.search(
            r'<tr data-support="respite">.*?data-county="los-angeles"[^>]*>([^<]*)<',
            shown.text,
            re.S,
        )
        assert la is not None and la.group(1) == "offered"
        assert refused.status_code == 409
        assert "Transitional Rent is mandatory from 2026-01-01" in refused.text
        assert "the plan serves Kern without it" in refused.text
        assert accepted.status_code == 200 and "Accepted: add Transitional Rent" in accepted.text
        assert then.status_code == 200 and "Accepted: add Respite" in then.text
        assert "add pending for" in then.text  # the grid shows the pending change in Kern
        assert odd.status_code == 400 and "choose add or remove, not &#39;swap&#39;" in odd.text
        async with create_session_factory(console.engine)() as session:
            audited = dict(
                (
                    await session.execute(
                        select(AuditEntry.outcome, func.count())
                        .where(AuditEntry.action == "console.submit_election_change")
                        .group_by(AuditEntry.outcome)
                    )
                ).all()
            )
        assert audited == {"sent": 3, "refused": 1, "ok": 2}  # each stored before it was sent
    finally:
        await handle.terminate("test over")
