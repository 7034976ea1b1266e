"""The studio's simulation (issue #13 point 4): who gains, loses or cannot be decided, by county
(a chart and its table) and by criterion, and a CSV export of every affected member, audited."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.members.service import upsert_member
from tests.admin.console_stack import Console
from tests.admin.test_admin_studio import draft_meals_for_two_er_visits

pytestmark = pytest.mark.temporal

MEALS = "/admin/studio/medically-tailored-meals"
MEMBERS = {"91000101A": "grace", "91000102A": "letitia"}


async def _members(console: Console) -> None:
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        for cin, name in MEMBERS.items():
            await upsert_member(
                session=session, plan="demo-plan", cin=cin, facts=member_facts(name)
            )


async def test_the_simulation_shows_who_loses_by_county_and_by_criterion(
    console: Console,
) -> None:
    await draft_meals_for_two_er_visits(console)
    await _members(console)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        simulated = await http.submit(f"{MEALS}/simulate", {})
    text = simulated.text
    assert simulated.status_code == 200, text
    assert '<svg class="chart" role="img"' in text
    assert '<tr data-county="Orange">' in text  # Grace lives in Orange County
    assert "Two or more emergency visits in the last 12 months" in text  # by criterion
    assert "Export every affected member (CSV)" in text


async def test_the_export_lists_every_affected_member_and_is_audited(console: Console) -> None:
    await draft_meals_for_two_er_visits(console)
    await _members(console)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        exported = await http.submit(f"{MEALS}/export", {})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows and {row["cin"] for row in rows} <= set(MEMBERS)
    assert all(row["before"] == "eligible" and row["with_draft"] != "eligible" for row in rows)
    assert all("emergency" in row["reasons"] for row in rows)
    async with create_session_factory(console.engine)() as session:
        (audit,) = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "console.export_simulation")
            )
        )
    assert audit.outcome == "ok" and audit.detail.endswith(f": {len(rows)} members")
