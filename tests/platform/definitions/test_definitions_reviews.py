"""Four eyes on a definition: a draft submitted for approval is frozen until a colleague with an
approver token (never its author) approves it — publishing exactly what was submitted, effective
on the date they set — or returns it with a comment (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.errors import DraftUnderReview, InvalidDefinition
from lieu.platform.definitions.models import DefinitionStatus, ReviewStatus
from lieu.platform.definitions.reviews import (
    Reviewer,
    ReviewRefused,
    approve,
    reviews,
    send_back,
    submit,
    withdraw,
)
from lieu.platform.definitions.versions import create_draft, edit_draft, history, publish
from tests.platform.definitions.test_definitions_versions import baseline

ANALYST = "plan_admin:dhcs:analyst"
LEAD = Reviewer("plan_admin:dhcs:lead", approver=True)
ANALYST_APPROVER = Reviewer(ANALYST, approver=True)


async def _submitted(session: AsyncSession) -> int:
    await create_draft(session=session, document=baseline("respite"), actor=ANALYST)
    review = await submit(
        session=session, plan="dhcs", support="respite", version=1, actor=ANALYST, note="ready"
    )
    return review.id


async def test_approval_publishes_the_draft_effective_on_the_approvers_date(
    session: AsyncSession,
) -> None:
    number = await _submitted(session)
    published = await approve(
        session=session,
        plan="dhcs",
        review_id=number,
        by=LEAD,
        effective_from=date(2027, 1, 1),
        comment="checked against the DHCS guide",
    )
    assert published.status is DefinitionStatus.PUBLISHED
    assert published.effective_from == date(2027, 1, 1)
    assert published.document["effective_from"] == "2027-01-01"
    (decided,) = await reviews(session=session, plan="dhcs", status=None)
    assert (decided.status, decided.decided_by) == (ReviewStatus.APPROVED, LEAD.actor)
    await session.flush()
    events = await history(session=session, plan="dhcs", support="respite")
    assert [(e.kind, e.actor) for e in events] == [
        ("created", ANALYST),
        ("submitted", ANALYST),
        ("published", LEAD.actor),
        ("approved", LEAD.actor),
    ]


async def test_an_author_never_approves_their_own_draft(session: AsyncSession) -> None:
    number = await _submitted(session)
    with pytest.raises(ReviewRefused) as refused:
        await approve(session=session, plan="dhcs", review_id=number, by=ANALYST_APPROVER)
    assert refused.value.code == "own_draft"
    with pytest.raises(ReviewRefused) as no_flag:
        await approve(
            session=session, plan="dhcs", review_id=number, by=Reviewer("plan_admin:dhcs:x")
        )
    assert no_flag.value.code == "not_an_approver"


async def test_a_submitted_draft_is_neither_edited_nor_published_directly(
    session: AsyncSession,
) -> None:
    await _submitted(session)
    with pytest.raises(DraftUnderReview, match="submitted for approval"):
        await edit_draft(
            session=session, document={**baseline("respite"), "title": "Respite"}, actor=ANALYST
        )
    with pytest.raises(DraftUnderReview, match="published directly"):
        await publish(session=session, plan="dhcs", support="respite", version=1, actor="x")
    with pytest.raises(ReviewRefused) as twice:
        await submit(session=session, plan="dhcs", support="respite", version=1, actor=ANALYST)
    assert twice.value.code == "already_submitted"


async def test_a_returned_draft_is_editable_again_and_resubmitted_as_a_new_review(
    session: AsyncSession,
) -> None:
    number = await _submitted(session)
    with pytest.raises(ReviewRefused) as silent:
        await send_back(session=session, plan="dhcs", review_id=number, by=LEAD, comment=" ")
    assert silent.value.code == "comment_required"
    await send_back(session=session, plan="dhcs", review_id=number, by=LEAD, comment="cap 300")
    with pytest.raises(ReviewRefused) as decided:
        await approve(session=session, plan="dhcs", review_id=number, by=LEAD)
    assert decided.value.code == "not_pending"
    await edit_draft(
        session=session, document={**baseline("respite"), "title": "Respite"}, actor=ANALYST
    )
    again = await submit(session=session, plan="dhcs", support="respite", version=1, actor=ANALYST)
    assert again.id != number
    assert [r.id for r in await reviews(session=session, plan="dhcs")] == [again.id]


async def test_the_author_withdraws_a_submission_and_only_the_author(
    session: AsyncSession,
) -> None:
    number = await _submitted(session)
    with pytest.raises(ReviewRefused) as other:
        await withdraw(session=session, plan="dhcs", review_id=number, by=LEAD)
    assert other.value.code == "not_an_author"
    taken = await withdraw(session=session, plan="dhcs", review_id=number, by=Reviewer(ANALYST))
    assert taken.status is ReviewStatus.WITHDRAWN


async def test_a_draft_with_problems_is_not_submitted(session: AsyncSession) -> None:
    broken = baseline("respite")
    broken["limits"][0]["maximum"] = -1
    await create_draft(session=session, document=broken, actor=ANALYST)
    with pytest.raises(InvalidDefinition, match="cannot be submitted for approval"):
        await submit(session=session, plan="dhcs", support="respite", version=1, actor=ANALYST)


async def test_another_plans_review_is_not_found(session: AsyncSession) -> None:
    number = await _submitted(session)
    with pytest.raises(ReviewRefused) as hidden:
        await approve(session=session, plan="demo-plan", review_id=number, by=LEAD)
    assert hidden.value.code == "not_found"
