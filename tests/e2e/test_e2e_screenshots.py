"""The README's screenshots: every page of the console, the studio and the provider inbox, opened
in Chromium at 1280 px on a stack with data, checked with axe-core and photographed into
LIEU_SCREENSHOTS_DIR (`make screenshots` retakes docs/screenshots). Not part of the gate: the
pages' own browser tests check each of them with axe-core; this one makes pictures."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.members.service import upsert_member
from tests.admin.console_stack import Console, token
from tests.admin.test_admin_studio import draft_meals_for_two_er_visits
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import console, violations

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
__all__ = ["browser", "console"]  # the fixtures


def _folder() -> Path:
    folder = Path(os.environ["LIEU_SCREENSHOTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _shot(page: Page, folder: Path, name: str) -> None:
    assert await violations(page) == [], name
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000, name


async def _data(console: Console) -> str:
    """A few authorizations in every state, members, and the meals draft."""
    now = datetime.now(UTC)
    await console.project(review_deadline=now - timedelta(hours=3))
    await console.project(review_deadline=now + timedelta(days=2), county="sacramento")
    await console.project(status="active", review_deadline=None, support="respite")
    await console.project(status="awaiting_provider", review_deadline=None, provider="org-a")
    number = await console.project(problem="activity reserve_limit failed: database unavailable")
    await draft_meals_for_two_er_visits(console)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        for cin, name in (("91000101A", "grace"), ("91000102A", "letitia")):
            await upsert_member(
                session=session, plan="demo-plan", cin=cin, facts=member_facts(name)
            )
    return number


@pytest.mark.skipif(
    not os.environ.get("LIEU_SCREENSHOTS_DIR"),
    reason="makes the README's screenshots: `make screenshots` (LIEU_SCREENSHOTS_DIR) runs it",
)
async def test_every_page_renders_accessibly_and_is_photographed(
    browser: Browser, console: Console
) -> None:
    folder = _folder()
    number = await _data(console)
    view = {"viewport": {"width": 1280, "height": 900}, "bypass_csp": True}

    context = await browser.new_context(**view)  # type: ignore[arg-type]
    page = await context.new_page()
    await sign_in(page, console.base, await token(console.engine, Role.OPERATIONS, label="desk"))
    base = console.base
    for name, path in (
        ("console-dashboard", "/admin/"),
        ("console-search", "/admin/authorizations?status=pending_review"),
        ("console-authorization", f"/admin/authorizations/{number}"),
        ("console-bulk", "/admin/bulk?support=respite&action=cancel"),
        ("console-failures", "/admin/failures"),
        ("console-audit-log", "/admin/audit"),
        ("console-member", "/admin/members/91000101A"),
    ):
        await page.goto(base + path)
        await _shot(page, folder, name)
    await context.close()

    context = await browser.new_context(**view)  # type: ignore[arg-type]
    page = await context.new_page()
    await sign_in(page, base, await token(console.engine, Role.PLAN_ADMIN, label="analyst"))
    meals = "/admin/studio/medically-tailored-meals"
    await page.goto(base + "/admin/studio")
    await _shot(page, folder, "studio")
    await page.goto(base + meals + "?persona=grace&on=2027-07-11")
    await _shot(page, folder, "studio-support")
    await page.goto(base + meals + "/edit")
    await page.wait_for_function(
        "document.getElementById('editor-summary').textContent.includes('No problem')"
    )
    await _shot(page, folder, "studio-editor")
    await page.goto(base + meals)
    await page.get_by_role("button", name="Simulate against the plan's members").click()
    await page.wait_for_url("**/simulate")
    await _shot(page, folder, "studio-simulation")
    await page.goto(base + meals)
    await page.get_by_role("button", name="Submit for approval").click()
    await page.wait_for_url("**/admin/studio/reviews/*")
    await _shot(page, folder, "studio-review")
    await page.goto(base + "/admin/studio/elections")
    await _shot(page, folder, "studio-elections")
    await context.close()

    context = await browser.new_context(**view)  # type: ignore[arg-type]
    page = await context.new_page()
    secret = await token(console.engine, Role.PROVIDER, provider="org-a", label="intake")
    await page.goto(base + "/provider/")
    await page.get_by_label("API token").fill(secret)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Inbox").wait_for()
    await _shot(page, folder, "provider-inbox")
    await context.close()
