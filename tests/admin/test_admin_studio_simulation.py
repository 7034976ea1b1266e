"""The studio's simulation (issue #13 point 4): who gains, loses or cannot be decided, by county
(a chart and its table) and by criterion, and a CSV export of every affected member, audited."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

import pytest
from sqlalchemy import insert, select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.members.cins import synthetic_cin
from lieu.platform.members.models import Member
from lieu.platform.members.service import upsert_member
from lieu.platform.members.synth_facts import complete_facts
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


async def test_a_large_simulation_streams_its_progress_before_its_figures(console: Console) -> None:
    await draft_meals_for_two_er_visits(console)
    rng = random.Random(7)
    today = date(2027, 7, 1)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await session.execute(
            insert(Member),
            [
                {
                    "plan": "demo-plan",
                    "cin": synthetic_cin(i, 7),
                    "facts": complete_facts(rng, today),
                }
                for i in range(12_000)
            ],
        )
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        chunks: list[str] = []
        async with http.stream("POST", f"{MEALS}/simulate", data={"csrf": http.csrf}) as answer:
            assert answer.status_code == 200
            assert "content-security-policy" in answer.headers
            async for chunk in answer.aiter_text():
                chunks.append(chunk)
    text = "".join(chunks)
    progress = text.index("10,000 of 12,000 members assessed")
    assert progress < text.index('data-figure="members"'), "progress comes before the figures"
    assert len(chunks) > 2, "the page arrives in parts"
    assert '<td data-figure="members">12000</td>' in text
    async with create_session_factory(console.engine)() as session:
        detail = await session.scalar(
            select(AuditEntry.detail).where(AuditEntry.action == "console.simulate_draft")
        )
    assert detail is not None and detail.endswith(": 12000 members")
