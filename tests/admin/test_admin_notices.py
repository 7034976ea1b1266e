"""Notices in the console: an authorization's page lists its notices with their delivery status
and links to the notice as sent; a search by member lists the member's notices; reading one is
audited, and a notice of another plan is not found."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.notices.deliveries import DeliveryReport, record_delivery
from lieu.platform.notices.records import store_notices
from lieu.platform.notices.rendering import render_for_member
from lieu.platform.notices.templates import NoticeTemplates
from tests.admin.console_stack import Console
from tests.platform.notices.notice_cases import facts, pdf_text

pytestmark = pytest.mark.temporal


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def _notices(console: Console, number: str, plan: str = "demo-plan") -> list[str]:
    """A denial of the authorization, in Spanish and the English copy; the Spanish one mailed."""
    notice_facts = replace(
        facts(),
        key=f"{number}:denial",
        plan=plan,
        authorization_id=number,
        provider="org-a",
        issued_at=datetime.now(UTC) - timedelta(days=1),
    )
    templates = NoticeTemplates(console.settings.definitions_dir / "notices")
    renderings = render_for_member(templates, notice_facts, "es")
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        issued = await store_notices(session=session, facts=notice_facts, renderings=renderings)
        spanish = issued.notices[0]
        report = DeliveryReport(
            spanish.id, "mail", "delivered", datetime.now(UTC), "operations:demo-plan:desk", "k"
        )
        await record_delivery(session=session, notice=spanish, report=report)
    return [notice.id for notice in issued.notices]


async def test_an_authorizations_page_lists_its_notices_with_delivery_and_links(
    console: Console,
) -> None:
    number = await console.project()
    spanish, english = await _notices(console, number)
    async with await console.signed_in(Role.OPERATIONS) as http:
        page = await http.get(f"/admin/authorizations/{number}")
    row = re.search(rf'<tr data-notice="{spanish}">(.*?)</tr>', page.text, re.S)
    assert row is not None, page.text
    cells = _text(row.group(1))
    assert "denial adverse es criteria not met delivered by mail" in cells
    assert f'/admin/notices/{spanish}.html"' in row.group(1)
    assert f'/admin/notices/{spanish}.pdf"' in row.group(1)
    english_row = re.search(rf'<tr data-notice="{english}">(.*?)</tr>', page.text, re.S)
    assert english_row is not None and "not recorded" in _text(english_row.group(1))


async def test_staff_read_a_notice_as_sent_and_the_read_is_audited(console: Console) -> None:
    number = await console.project()
    spanish, _ = await _notices(console, number)
    async with await console.signed_in(Role.REVIEWER) as http:
        page = await http.get(f"/admin/notices/{spanish}.html")
        pdf = await http.get(f"/admin/notices/{spanish}.pdf")
    assert "Aviso de acción: negación" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"], "never framed"
    assert page.headers["referrer-policy"] == "same-origin"  # the console's, added by its guard
    assert pdf.headers["x-frame-options"] == "DENY"
    assert "Audiencia Estatal Imparcial" in pdf_text(pdf.content)
    async with create_session_factory(console.engine)() as session:
        actions = await session.scalars(
            select(AuditEntry.detail).where(AuditEntry.target == f"notice:{spanish}")
        )
        assert sorted(actions) == ["html", "pdf"]


async def test_a_search_by_member_lists_the_members_notices(console: Console) -> None:
    number = await console.project()
    await _notices(console, number)
    async with await console.signed_in(Role.OPERATIONS) as http:
        page = await http.get("/admin/authorizations", params={"member": "91000001A"})
    section = page.text.split('id="member-notices"', 1)[1]
    assert section.count("<tr data-notice=") == 2
    assert f'/admin/authorizations/{number}"' in section


async def test_a_notice_of_another_plan_is_not_found_in_the_console(console: Console) -> None:
    number = await console.project()
    foreign, _ = await _notices(console, number, plan="other-plan")
    async with await console.signed_in(Role.OPERATIONS) as http:
        page = await http.get(f"/admin/notices/{foreign}.html")
    assert page.status_code == 404
    assert "There is no notice" in page.text


async def test_the_product_team_cannot_read_a_members_notice_as_the_api_refuses_it(
    console: Console,
) -> None:
    number = await console.project()
    spanish, _ = await _notices(console, number)
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        page = await http.get(f"/admin/notices/{spanish}.html")
    assert page.status_code == 404 and "Aviso" not in page.text


async def test_reading_a_notice_signed_out_asks_to_sign_in_first(console: Console) -> None:
    number = await console.project()
    spanish, _ = await _notices(console, number)
    async with httpx.AsyncClient(base_url=console.base) as http:
        page = await http.get(f"/admin/notices/{spanish}.pdf")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/admin/login?next=%2Fadmin%2Fnotices%2F")
