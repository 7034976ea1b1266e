"""Issue #13's whole story in Chromium, without writing JSON: an analyst starts a new version of
medically tailored meals in the studio's editor and narrows it, in Orange County, to members with
two or more ER visits (a criterion built in the rule builder); raises a limit above the DHCS
baseline and sees the error at that field, fixes it, saves; tries a persona under the version in
force and the draft; simulates (who loses, by county); submits it. A colleague with an approver
token approves it in force from a date; GraphQL then answers under the new version from that
date and under the old one before it. axe-core finds no violation on the pages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.cases import member_facts
from lieu.platform.members.service import upsert_member
from tests.admin.console_stack import Console, token
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import console, violations

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
__all__ = ["browser", "console"]  # the fixtures

MEALS = "/admin/studio/medically-tailored-meals"
GRACE = "91000201A"  # Orange County, heart failure, no ER visits on file
ELIGIBILITY = """query($on: Date!) { eligibility(cin: "91000201A",
  support: "medically-tailored-meals", on: $on) {
  ... on Eligibility { outcome definitionPlan definitionVersion } ... on Error { message } } }"""


async def _answer_on(console: Console, secret: str, on: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=console.base, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            json={"query": ELIGIBILITY, "variables": {"on": on}},
            headers={"Authorization": f"Bearer {secret}"},
        )
    found: dict[str, Any] = answer.json()["data"]["eligibility"]
    return found


async def _summary_says(page: Page, words: str) -> None:
    await page.wait_for_function(
        "w => document.getElementById('editor-summary').textContent.includes(w)", arg=words
    )


@pytest.mark.long
async def test_an_analyst_narrows_meals_in_one_county_and_a_colleague_publishes_it(
    browser: Browser, console: Console
) -> None:
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await upsert_member(
            session=session, plan="demo-plan", cin=GRACE, facts=member_facts("grace")
        )
    analyst = await token(console.engine, Role.PLAN_ADMIN, label="analyst")
    lead = await token(console.engine, Role.PLAN_ADMIN, label="lead", approver=True)
    reviewer = await token(console.engine, Role.REVIEWER)
    before = await _answer_on(console, reviewer, "2027-09-15")

    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, analyst)
    await page.goto(console.base + MEALS)
    await page.get_by_role("link", name="Start a new draft").click()
    await page.wait_for_url("**/edit")
    await _summary_says(page, "No problem")
    assert await violations(page) == []

    # a new criterion, in the form and the rule builder
    await page.get_by_role("button", name="Add to Criteria").click()
    criterion = page.locator('.item[data-pointer="/eligibility/criteria/1"]')
    await criterion.locator('[data-pointer$="/id"]').fill("orange-two-er-visits")
    await criterion.locator('[data-pointer$="/label"]').fill(
        "In Orange County, two or more emergency visits in the last 12 months"
    )
    await criterion.locator('[data-pointer$="/reference"]').fill("Demo plan policy draft")
    builder = criterion.locator(".rule-builder")
    await builder.get_by_role("button", name="Add a condition").click()
    await builder.get_by_label("Fact of condition 1").select_option("county")
    await builder.get_by_label("How condition 1 tests it").select_option("!=")
    await builder.get_by_label("Value of condition 1").fill("Orange")
    await builder.get_by_label("Value of condition 1").press("Tab")
    await builder.get_by_role("button", name="Add a condition").click()
    await builder.get_by_label("Fact of condition 2").select_option("utilization.ed_visits_12m")
    await builder.get_by_label("How condition 2 tests it").select_option(">=")
    await builder.get_by_label("Value of condition 2").fill("2")
    await builder.get_by_label("Value of condition 2").press("Tab")
    await builder.get_by_label("Met when").select_option("or")
    rule = await criterion.locator('[data-pointer$="/rule"]').input_value()
    assert '"!=": [' in rule and "utilization.ed_visits_12m" in rule and '"or"' in rule, rule

    # a limit above the baseline's is shown at its field, with the bound; fixed, it clears
    maximum = page.locator('[data-pointer="/limits/0/maximum"]')
    bound = await page.locator('[data-bound="/limits/0/maximum"]').inner_text()
    await maximum.fill("500")
    problem = page.locator('[data-problem-for="/limits/0/maximum"]')
    await page.wait_for_function(
        "() => document.querySelector('[data-problem-for=\"/limits/0/maximum\"]')"
        ".textContent.length > 0"
    )
    assert "DHCS allows at most" in bound
    assert "baseline" in await problem.inner_text()
    assert await violations(page) == []
    await maximum.fill("42")
    await _summary_says(page, "No problem")
    await page.locator('[data-pointer="/effective_from"]').fill("2027-08-01")
    await page.get_by_role("button", name="Save the draft").click()
    await page.wait_for_url(f"**{MEALS}")
    changes = await page.locator("ul.diff").first.inner_text()
    assert "Orange County" in changes and "42" in changes, changes

    # tried under both versions, then simulated by county
    await page.get_by_label("Persona", exact=True).select_option("grace")
    await page.get_by_label("Date of service").fill("2027-09-15")
    await page.get_by_role("button", name="Try", exact=True).click()
    await page.wait_for_url("**persona=grace**")
    tried = page.locator("section.try")
    assert await tried.count() == 2
    assert "orange-two-er-visits" in await tried.nth(1).inner_html()
    await page.get_by_role("button", name="Simulate against the plan's members").click()
    await page.wait_for_url("**/simulate")
    orange = page.locator('table.by-county tr[data-county="Orange"]')
    assert await orange.locator('[data-county-figure="lost"]').inner_text() == "1"
    assert await violations(page) == []

    await page.goto(console.base + MEALS)
    await page.get_by_label("Note for the approver").fill("Orange County: 2+ ER visits")
    await page.get_by_role("button", name="Submit for approval").click()
    await page.wait_for_url("**/admin/studio/reviews/*")
    review = page.url
    await context.close()

    context = await browser.new_context(bypass_csp=True)
    page = await context.new_page()
    await sign_in(page, console.base, lead)
    await page.goto(review)
    await page.get_by_label("In force from").fill("2027-09-01")
    await page.get_by_role("button", name="Approve and publish").click()
    await page.wait_for_url("**done=approved")
    assert "in force from 2027-09-01" in await page.locator("#done").inner_text()
    assert await violations(page) == []
    await context.close()

    assert await _answer_on(console, reviewer, "2027-08-31") == before
    after = await _answer_on(console, reviewer, "2027-09-15")
    assert (after["definitionPlan"], after["definitionVersion"]) == ("demo-plan", 3), after
    assert after["outcome"] != "ELIGIBLE", after  # Grace, in Orange, has no ER visits on file
