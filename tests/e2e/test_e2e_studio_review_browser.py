"""Four eyes in a real browser (issue #13 point 5): the analyst submits the meals draft from the
studio; a colleague with an approver token opens the review, sees what it changes, approves it
in force from a date of their choosing; GraphQL then answers under the new version from that
date and under the old one before it. axe-core finds no violation on the pages."""

from __future__ import annotations

from typing import Any

import httpx
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

GRACE = "91000105A"
ELIGIBILITY = """query($on: Date!) { eligibility(cin: "91000105A",
  support: "medically-tailored-meals", on: $on) {
  ... on Eligibility { definitionPlan definitionVersion } ... on Error { message } } }"""


async def _version_on(console: Console, secret: str, on: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=console.base, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            json={"query": ELIGIBILITY, "variables": {"on": on}},
            headers={"Authorization": f"Bearer {secret}"},
        )
    found: dict[str, Any] = answer.json()["data"]["eligibility"]
    return found


async def test_an_analyst_submits_and_a_colleague_approves_it_in_force_from_a_date(
    browser: Browser, console: Console
) -> None:
    await draft_meals_for_two_er_visits(console)
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await upsert_member(
            session=session, plan="demo-plan", cin=GRACE, facts=member_facts("grace")
        )
    analyst = await token(console.engine, Role.PLAN_ADMIN, label="analyst")
    lead = await token(console.engine, Role.PLAN_ADMIN, label="lead", approver=True)
    reviewer = await token(console.engine, Role.REVIEWER)
    before = await _version_on(console, reviewer, "2027-08-15")

    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, analyst)
    await page.goto(f"{console.base}/admin/studio/medically-tailored-meals")
    await page.get_by_label("Note for the approver").fill("2+ ER visits, as the policy says")
    await page.get_by_role("button", name="Submit for approval").click()
    await page.wait_for_url("**/admin/studio/reviews/*")
    review = page.url
    assert "You wrote or submitted this draft" in await page.locator("#why-not").inner_text()
    assert await page.get_by_role("button", name="Approve and publish").count() == 0
    assert await violations(page) == []
    await context.close()

    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, lead)
    await page.goto(f"{console.base}/admin/studio/reviews")
    assert await violations(page) == []
    await page.locator("tr[data-review] a").first.click()
    await page.wait_for_url(review)
    assert "Two or more emergency visits" in await page.locator("ul.diff").first.inner_text()
    assert await violations(page) == []
    await page.get_by_label("In force from").fill("2027-08-01")
    await page.get_by_label("Comment").fill("checked")
    await page.get_by_role("button", name="Approve and publish").click()
    await page.wait_for_url("**done=approved")
    assert "in force from 2027-08-01" in await page.locator("#done").inner_text()
    assert await page.locator("#review-status").inner_text() == "approved"
    assert await violations(page) == []
    await context.close()

    assert await _version_on(console, reviewer, "2027-07-31") == before
    after = await _version_on(console, reviewer, "2027-08-15")
    assert after == {"definitionPlan": "demo-plan", "definitionVersion": 3}, (before, after)
