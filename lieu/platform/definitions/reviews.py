"""Four eyes on a definition: the author submits a draft for approval; a colleague who may
approve (an approver plan_admin token, never one that wrote the draft) approves it — which
publishes it, with the effective date the approver sets — or returns it with a comment.

While a submission is pending the draft cannot be edited or published directly, and approval
checks the document is byte for byte the one submitted (its SHA-256), so what the approver saw
is what goes into force. Every step is a history event of the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.errors import DefinitionError, VersionNotFound
from lieu.platform.definitions.hashing import content_hash
from lieu.platform.definitions.models import (
    DefinitionEvent,
    DefinitionReview,
    DefinitionStatus,
    DefinitionVersion,
    ReviewStatus,
)
from lieu.platform.definitions.versions import get_version, pending_review, publish, valid_draft

AUTHORING = ("created", "edited", "submitted")


class ReviewRefused(DefinitionError):
    """A review step that cannot be taken; `code` for machines, the message says why and what
    to do instead."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who acts on a review: as named in history, and whether their token may approve."""

    actor: str
    approver: bool = False


def _event(row: DefinitionVersion, kind: str, actor: str, detail: str = "") -> DefinitionEvent:
    return DefinitionEvent(definition_id=row.id, kind=kind, actor=actor, detail=detail)


async def authors(*, session: AsyncSession, row: DefinitionVersion) -> set[str]:
    """Everyone who wrote or submitted this version: none of them may approve it."""
    acted = await session.scalars(
        select(DefinitionEvent.actor).where(
            DefinitionEvent.definition_id == row.id, DefinitionEvent.kind.in_(AUTHORING)
        )
    )
    return {row.created_by, *acted}


async def submit(
    *, session: AsyncSession, plan: str, support: str, version: int, actor: str, note: str = ""
) -> DefinitionReview:
    """Submit a draft for approval: it must be publishable (every blocking problem listed if
    not) and not already waiting for a decision."""
    row = await valid_draft(
        session=session,
        plan=plan,
        support=support,
        version=version,
        doing="submitted for approval",
    )
    if row.status is not DefinitionStatus.DRAFT:
        raise ReviewRefused(
            "not_a_draft",
            f"{plan}/{support}/v{version} is {row.status.value}; only a draft is submitted",
        )
    if await pending_review(session=session, definition_id=row.id) is not None:
        raise ReviewRefused(
            "already_submitted",
            f"{plan}/{support}/v{version} is already waiting for approval; withdraw it to "
            "change it",
        )
    review = DefinitionReview(
        definition_id=row.id,
        plan=plan,
        support=support,
        version=version,
        status=ReviewStatus.PENDING,
        submitted_hash=content_hash(row.document),
        submitted_by=actor,
        submitted_at=utcnow(),
        note=note.strip(),
        comment="",
    )
    session.add(review)
    session.add(_event(row, "submitted", actor, note.strip()))
    await session.flush()
    return review


async def find_review(*, session: AsyncSession, plan: str, review_id: int) -> DefinitionReview:
    """One of the plan's reviews; ReviewRefused `not_found` otherwise (another plan's too)."""
    review = await session.get(DefinitionReview, review_id)
    if review is None or review.plan != plan:
        raise ReviewRefused("not_found", f"no review {review_id} of {plan}")
    return review


async def reviews(
    *, session: AsyncSession, plan: str, status: ReviewStatus | None = ReviewStatus.PENDING
) -> list[DefinitionReview]:
    """The plan's reviews (pending ones by default), oldest submission first."""
    query = select(DefinitionReview).where(DefinitionReview.plan == plan)
    if status is not None:
        query = query.where(DefinitionReview.status == status)
    query = query.order_by(DefinitionReview.submitted_at, DefinitionReview.id)
    return list(await session.scalars(query))


async def _pending(
    session: AsyncSession, plan: str, review_id: int
) -> tuple[DefinitionReview, DefinitionVersion]:
    review = await find_review(session=session, plan=plan, review_id=review_id)
    if review.status is not ReviewStatus.PENDING:
        raise ReviewRefused(
            "not_pending",
            f"review {review_id} was {review.status.value} by {review.decided_by} on "
            f"{review.decided_at:%Y-%m-%d}; submit the draft again for a new review"
            if review.decided_at is not None
            else f"review {review_id} is {review.status.value}",
        )
    try:
        row = await get_version(
            session=session, plan=plan, support=review.support, version=review.version
        )
    except VersionNotFound:
        raise ReviewRefused("not_found", f"review {review_id}'s version is gone") from None
    return review, row


async def approve(
    *,
    session: AsyncSession,
    plan: str,
    review_id: int,
    by: Reviewer,
    effective_from: date | None = None,
    comment: str = "",
) -> DefinitionVersion:
    """Approve a pending submission: the approver is not one of its authors and holds an
    approver token; the document is the one submitted; it is published, effective from
    `effective_from` when given (else the date it carries)."""
    review, row = await _pending(session, plan, review_id)
    if not by.approver:
        raise ReviewRefused(
            "not_an_approver",
            "your token may not approve definitions; ask a colleague with an approver token "
            "(lieu tokens create --role plan_admin --approver)",
        )
    if by.actor in await authors(session=session, row=row):
        raise ReviewRefused(
            "own_draft",
            f"you wrote or submitted {row.plan}/{row.support}/v{row.version}; a colleague "
            "who did not must approve it",
        )
    if content_hash(row.document) != review.submitted_hash:
        raise ReviewRefused(
            "changed_since_submitted",
            f"{row.plan}/{row.support}/v{row.version} changed after it was submitted; "
            "return it and have it submitted again",
        )
    if effective_from is not None:
        dated = {**row.document, "effective_from": effective_from.isoformat()}
        definition = parse_definition(dated)
        row.document = dated
        row.effective_from = definition.effective_from
    published = await publish(
        session=session,
        plan=plan,
        support=row.support,
        version=row.version,
        actor=by.actor,
        approving=True,
    )
    review.status = ReviewStatus.APPROVED
    review.decided_by = by.actor
    review.decided_at = utcnow()
    review.comment = comment.strip()
    review.effective_from = published.effective_from
    session.add(
        _event(
            row,
            "approved",
            by.actor,
            f"effective {published.effective_from.isoformat()}"
            + (f": {comment.strip()}" if comment.strip() else ""),
        )
    )
    return published


async def send_back(
    *, session: AsyncSession, plan: str, review_id: int, by: Reviewer, comment: str
) -> DefinitionReview:
    """Return a pending submission to its author with what to change (a comment is required);
    the draft is editable again."""
    review, row = await _pending(session, plan, review_id)
    if not comment.strip():
        raise ReviewRefused("comment_required", "say what to change when you return a draft")
    if not by.approver:
        raise ReviewRefused(
            "not_an_approver", "your token may not review definitions; ask an approver"
        )
    review.status = ReviewStatus.RETURNED
    review.decided_by = by.actor
    review.decided_at = utcnow()
    review.comment = comment.strip()
    session.add(_event(row, "returned", by.actor, comment.strip()))
    return review


async def withdraw(
    *, session: AsyncSession, plan: str, review_id: int, by: Reviewer
) -> DefinitionReview:
    """The author takes a pending submission back (to change the draft)."""
    review, row = await _pending(session, plan, review_id)
    if by.actor not in await authors(session=session, row=row):
        raise ReviewRefused(
            "not_an_author", "only an author of the draft withdraws it; return it instead"
        )
    review.status = ReviewStatus.WITHDRAWN
    review.decided_by = by.actor
    review.decided_at = utcnow()
    session.add(_event(row, "withdrawn", by.actor))
    return review
