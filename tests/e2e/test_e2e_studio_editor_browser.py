"""The studio's editor in a real browser (issue #13 point 2): the form generated from the schema
reads back into the same document; raising a limit above the baseline's shows the problem at
that field beside the baseline's bound, as the analyst types; fixing it clears it; saving stores
the draft (audited) and the support page shows what it changes. axe-core finds no violation."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Browser
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.models import DefinitionVersion
from tests.admin.console_stack import Console, token
from tests.admin.test_admin_studio import draft_meals_document, draft_meals_for_two_er_visits
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.e2e.test_e2e_console_limits_browser import console, violations

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
__all__ = ["browser", "console"]  # the fixtures

MAXIMUM = '[data-pointer="/limits/0/maximum"]'
PROBLEM = '[data-problem-for="/limits/0/maximum"]'


@pytest.mark.long
async def test_an_analyst_edits_a_limit_in_the_form_and_sees_the_baselines_bound(
    browser: Browser, console: Console
) -> None:
    await draft_meals_for_two_er_visits(console)
    analyst = await token(console.engine, Role.PLAN_ADMIN)
    context = await browser.new_context(bypass_csp=True)  # axe-core is injected as a script
    page = await context.new_page()
    await sign_in(page, console.base, analyst)
    await page.goto(f"{console.base}/admin/studio/medically-tailored-meals/edit")
    assert (
        "DHCS allows at most" in await page.locator('[data-bound="/limits/0/maximum"]').inner_text()
    )
    await page.wait_for_function(
        "document.getElementById('editor-summary').textContent.includes('No problem')"
    )
    assert await violations(page) == []

    # the form reads back into the document it was drawn from
    await page.locator('[data-pointer="/title"]').fill("Medically Tailored Meals")
    read_back = json.loads(await page.locator("#document").input_value())
    expected = draft_meals_document() | {"title": "Medically Tailored Meals"}
    expected.pop("$schema")  # the schema's own pointer is not a field: the file keeps it
    assert read_back["limits"] == expected["limits"], json.dumps(read_back["limits"])
    assert read_back == expected

    await page.locator(MAXIMUM).fill("500")
    await page.wait_for_function(f"document.querySelector('{PROBLEM}').textContent.length > 0")
    said = await page.locator(PROBLEM).inner_text()
    assert "baseline" in said, said
    assert "to fix before it can be published" in await page.locator("#editor-summary").inner_text()
    assert await violations(page) == []

    await page.locator(MAXIMUM).fill("42")
    await page.wait_for_function(f"document.querySelector('{PROBLEM}').textContent === ''")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save the draft").click()
    assert page.url.endswith("/admin/studio/medically-tailored-meals"), await page.locator(
        "main"
    ).inner_text()
    assert "42" in await page.locator("ul.diff").first.inner_text()
    await context.close()

    async with create_session_factory(console.engine)() as session:
        row = await session.scalar(
            select(DefinitionVersion).where(
                DefinitionVersion.plan == "demo-plan",
                DefinitionVersion.support == "medically-tailored-meals",
                DefinitionVersion.version == 3,
            )
        )
        audited = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "console.edit_draft")
        )
    assert row is not None and row.document["limits"][0]["maximum"] == 42
    assert audited is not None and audited.outcome == "ok"
