"""The audit log viewer and the member page (issue #14 point 6): operations read who read or
changed what, filtered and paged; staff open a member's page (authorizations, balances,
notices), and that read is in the audit log as GraphQL's `member` read is (SQLite and
PostgreSQL)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from tests.admin.console_stack import Console
from tests.workflows.authorizations import cin, enroll

pytestmark = pytest.mark.temporal


async def _audit(console: Console, target: str) -> list[AuditEntry]:
    async with create_session_factory(console.engine)() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.target == target).order_by(AuditEntry.id)
        )
        return list(rows)


async def test_a_members_page_shows_their_authorizations_and_balances_and_is_audited(
    console_any: Console,
) -> None:
    member = cin()
    await enroll(console_any.engine, member, "ana", county="Los Angeles")
    number = await console_any.project(member=member)
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        page = await http.get(f"/admin/members/{member}")
    assert page.status_code == 200
    assert f'data-authorization="{number}"' in page.text
    assert "Authorizations (1)" in page.text
    assert re.search(r'<tr data-limit="[^"]+"><td>', page.text), "respite's limits are listed"
    [read] = await _audit(console_any, f"member:demo-plan/{member}")
    assert (read.action, read.outcome, read.role) == ("console.member", "ok", "operations")
    assert read.detail == "authorizations 1, balances 1, notices 0"


async def test_a_member_not_in_the_plan_is_not_found_and_the_attempt_is_audited(
    console: Console,
) -> None:
    async with await console.signed_in(Role.REVIEWER) as http:
        page = await http.get("/admin/members/99999999Z")
    assert page.status_code == 404 and "There is no member <code>99999999Z</code>" in page.text
    [read] = await _audit(console, "member:demo-plan/99999999Z")
    assert (read.action, read.outcome) == ("console.member", "not_found")


async def test_the_product_team_sees_the_members_facts_but_no_authorization_or_balance(
    console: Console,
) -> None:
    member = cin()
    await enroll(console.engine, member, "ana", county="Los Angeles")
    number = await console.project(member=member)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        page = await http.get(f"/admin/members/{member}")
    assert page.status_code == 200 and "Facts" in page.text
    assert number not in page.text and "Balances on" not in page.text


async def test_operations_filter_the_audit_log_by_target_and_action_and_see_phi_reads(
    console_any: Console,
) -> None:
    member = cin()
    await enroll(console_any.engine, member, "ana", county="Los Angeles")
    async with await console_any.signed_in(Role.REVIEWER) as reviewer:
        await reviewer.get(f"/admin/members/{member}")
    async with await console_any.signed_in(Role.OPERATIONS) as http:
        by_target = (
            await http.get("/admin/audit", params={"target": f"member:demo-plan/{member}"})
        ).text
        by_action = (await http.get("/admin/audit", params={"action": "console.member"})).text
        today = datetime.now(UTC).date()
        tomorrow = (today + timedelta(days=1)).isoformat()
        later = (await http.get("/admin/audit", params={"from": tomorrow})).text
    assert "1 line; page 1 of 1" in by_target
    assert "console.member" in by_target and "reviewer" in by_target
    assert f"member:demo-plan/{member}" in by_action
    assert "0 lines" in later


async def test_the_audit_log_pages_fifty_lines_with_the_total(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        for _ in range(51):
            await http.get("/admin/members/00000000Q")  # each a not_found line
        first = (
            await http.get("/admin/audit", params={"target": "member:demo-plan/00000000Q"})
        ).text
        second = (
            await http.get(
                "/admin/audit", params={"target": "member:demo-plan/00000000Q", "page": "2"}
            )
        ).text
    assert "51 lines; page 1 of 2" in first and "51 lines; page 2 of 2" in second
    assert len(re.findall(r"<tr data-audit=", first)) == 50
    assert len(re.findall(r"<tr data-audit=", second)) == 1


async def test_a_bad_date_in_the_audit_filter_is_refused_saying_what_would_do(
    console: Console,
) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.get("/admin/audit", params={"from": "yesterday"})
    assert answer.status_code == 400
    assert "from='yesterday' is not a date such as 2026-12-04" in html.unescape(answer.text)


async def test_only_operations_read_the_audit_log(console: Console) -> None:
    for role in (Role.REVIEWER, Role.PLAN_ADMIN):
        async with await console.signed_in(role) as http:
            answer = await http.get("/admin/audit")
        assert answer.status_code == 403
        assert "cannot read the audit log (open to: operations)" in answer.text
