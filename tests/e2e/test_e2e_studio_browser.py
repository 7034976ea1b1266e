"""A plan analyst opens the studio in a real browser, finds medically tailored meals, and tries
Grace under the version in force and under the newest draft; axe-core finds no accessibility
violation on either page (issue #13 points 1 and 3)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

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


@pytest.mark.long
async def test_an_analyst_tries_a_persona_under_the_version_in_force_and_the_draft(
    browser: Browser, console: Console
) -> None:
    await draft_meals_for_two_er_visits(console)
    analyst = await token(console.engine, Role.PLAN_ADMIN)
    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, analyst)
    await page.get_by_role("link", name="Studio").click()
    await page.wait_for_url("**/admin/studio")
    meals = page.locator('tr[data-support="medically-tailored-meals"]')
    assert "draft: not published" in await meals.inner_text()
    assert await violations(page) == []

    await meals.get_by_role("link").click()
    await page.get_by_label("Persona", exact=True).select_option("grace")
    await page.get_by_label("Date of service").fill("2027-01-11")
    await page.get_by_role("button", name="Try").click()
    await page.wait_for_url("**persona=grace**")
    tried = page.locator("section.try")
    assert await tried.count() == 2
    assert "eligible" in await tried.nth(0).locator(".outcome").inner_text()
    assert "Two or more emergency visits" in await tried.nth(1).inner_text()
    assert await violations(page) == []

    await page.goto(f"{console.base}/admin/studio/elections")
    assert await page.locator(
        'tr[data-support="respite"] td[data-county="los-angeles"]'
    ).inner_text() == ("offered")
    assert await violations(page) == []
    await context.close()


@pytest.mark.long
async def test_the_simulation_page_with_its_county_chart_has_no_accessibility_violation(
    browser: Browser, console: Console
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        for cin, name in (("91000101A", "grace"), ("91000102A", "letitia")):
            await upsert_member(
                session=session, plan="demo-plan", cin=cin, facts=member_facts(name)
            )
    analyst = await token(console.engine, Role.PLAN_ADMIN)
    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, analyst)
    await page.goto(f"{console.base}/admin/studio/medically-tailored-meals")
    await page.get_by_role("button", name="Simulate against the plan's members").click()
    await page.wait_for_url("**/simulate")
    chart = page.get_by_role("img", name="Members who would gain and lose eligibility, by county")
    assert await chart.count() == 1
    assert "Orange" in await page.locator("table.by-county").inner_text()
    assert await violations(page) == []
    await context.close()
