"""The studio's review and publishing (issue #13 point 5): the author submits a draft from its
support page; a colleague with an approver token sees the change and approves it with its
effective date (published as submitted) or returns it with a comment; the author never decides
their own; every step is audited (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from tests.admin.console_stack import Console
from tests.admin.test_admin_studio import draft_meals_for_two_er_visits

pytestmark = pytest.mark.temporal

MEALS = "/admin/studio/medically-tailored-meals"


async def _stored(console: Console) -> DefinitionVersion:
    async with create_session_factory(console.engine)() as session:
        row = await session.scalar(
            select(DefinitionVersion).where(
                DefinitionVersion.plan == "demo-plan",
                DefinitionVersion.support == "medically-tailored-meals",
                DefinitionVersion.version == 3,
            )
        )
    assert row is not None
    return row


async def _actions(console: Console) -> list[tuple[str, str]]:
    async with create_session_factory(console.engine)() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.outcome)
            .where(AuditEntry.action.like("console.%_definition"))
            .order_by(AuditEntry.id)
        )
    return [(action, outcome) for action, outcome in rows]


async def _submit(console: Console) -> str:
    """The analyst submits the meals draft from its page; returns the review page's path."""
    await draft_meals_for_two_er_visits(console)
    async with await console.signed_in(Role.PLAN_ADMIN, label="analyst") as author:
        page = await author.get(MEALS)
        assert "Submit for approval" in page.text
        sent = await author.submit(f"{MEALS}/submit", {"version": "3", "note": "2+ ER visits"})
        assert sent.status_code == 303, sent.text
        review = sent.headers["location"]
        assert re.search(r"/admin/studio/reviews/\d+$", review)
        waiting = await author.get(MEALS)
        assert "Waiting for approval since" in waiting.text
        assert "Submit for approval" not in waiting.text
        own = await author.get(review)
        assert "You wrote or submitted this draft" in own.text
        assert "Approve and publish" not in own.text
        refused = await author.submit(f"{review}/approve", {"effective_from": "2027-07-01"})
        assert refused.status_code == 403 and "your token may not approve" in refused.text
    return str(review)


async def test_an_approver_approves_a_colleagues_draft_and_it_is_published_on_the_date(
    console: Console,
) -> None:
    review = await _submit(console)
    async with await console.signed_in(Role.PLAN_ADMIN, label="lead", approver=True) as lead:
        listed = await lead.get("/admin/studio/reviews")
        assert "Waiting for a decision" in listed.text and "2+ ER visits" in listed.text
        page = await lead.get(review)
        assert "Two or more emergency visits" in page.text  # the diff, in words
        assert "Approve and publish" in page.text
        done = await lead.submit(
            f"{review}/approve", {"effective_from": "2027-08-01", "comment": "as the policy says"}
        )
        assert done.status_code == 303
        shown = await lead.get(done.headers["location"])
        support = await lead.get(MEALS)
    assert "is in force from 2027-08-01" in shown.text
    assert "by plan_admin:demo-plan:lead" in support.text  # who published it
    row = await _stored(console)
    assert (row.status, row.effective_from.isoformat()) == (
        DefinitionStatus.PUBLISHED,
        "2027-08-01",
    )
    assert await _actions(console) == [
        ("console.submit_definition", "ok"),
        ("console.approve_definition", "refused"),
        ("console.approve_definition", "ok"),
    ]


async def test_a_returned_draft_carries_the_comment_and_a_return_needs_one(
    console: Console,
) -> None:
    review = await _submit(console)
    async with await console.signed_in(Role.PLAN_ADMIN, label="lead", approver=True) as lead:
        silent = await lead.submit(f"{review}/return", {"comment": "  "})
        assert silent.status_code == 400 and "say what to change" in silent.text
        sent = await lead.submit(f"{review}/return", {"comment": "name the hospital visits"})
        shown = await lead.get(sent.headers["location"])
    assert "Returned to its author" in shown.text and "name the hospital visits" in shown.text
    assert (await _stored(console)).status is DefinitionStatus.DRAFT


async def test_a_plan_admin_without_the_approver_flag_is_told_who_decides(
    console: Console,
) -> None:
    review = await _submit(console)
    async with await console.signed_in(Role.PLAN_ADMIN, label="colleague") as colleague:
        page = await colleague.get(review)
        assert "Your token may not approve definitions" in page.text
        missing = await colleague.get("/admin/studio/reviews/99999")
        assert missing.status_code == 404
    async with await console.signed_in(Role.REVIEWER) as reviewer:
        assert (await reviewer.get(review)).status_code == 403
