"""Four eyes on a definition, for the plan product team: submit a draft for approval, approve it
(which publishes it with its effective date) or return it with a comment, withdraw it; the
plan's reviews. Each write and its audit line commit together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.definitions.types import Definition
from lieu.graphql.errors import Conflict, NotAllowed, NotFound, Problem, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.definitions.errors import (
    InvalidDefinition,
    PublishedVersionImmutable,
    VersionNotFound,
)
from lieu.platform.definitions.models import DefinitionReview as ReviewRow
from lieu.platform.definitions.models import ReviewStatus
from lieu.platform.definitions.reviews import (
    Reviewer,
    ReviewRefused,
    approve,
    find_review,
    reviews,
    send_back,
    submit,
    withdraw,
)

PLAN_TEAM = allow(Role.PLAN_ADMIN)
T = TypeVar("T")

strawberry.enum(ReviewStatus, name="DefinitionReviewStatus")


@strawberry.type(description="A draft submitted for a colleague's approval, and its decision.")
class DefinitionReview:
    id: strawberry.ID
    support: str
    version: int
    status: ReviewStatus
    submitted_by: str
    submitted_at: datetime
    note: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    effective_from: date | None = strawberry.field(
        description="Set when approved: the date the published version is in force from."
    )

    @classmethod
    def of(cls, row: ReviewRow) -> DefinitionReview:
        return cls(
            id=strawberry.ID(str(row.id)),
            support=row.support,
            version=row.version,
            status=row.status,
            submitted_by=row.submitted_by,
            submitted_at=row.submitted_at,
            note=row.note,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            comment=row.comment,
            effective_from=row.effective_from,
        )


ReviewAnswer = DefinitionReview | ValidationErrors | NotFound | NotAllowed | Conflict
SubmitDefinitionResult = Annotated[ReviewAnswer, strawberry.union("SubmitDefinitionResult")]
ReturnDefinitionResult = Annotated[ReviewAnswer, strawberry.union("ReturnDefinitionResult")]
WithdrawDefinitionResult = Annotated[ReviewAnswer, strawberry.union("WithdrawDefinitionResult")]
ApproveDefinitionResult = Annotated[
    Definition | ValidationErrors | NotFound | NotAllowed | Conflict,
    strawberry.union("ApproveDefinitionResult"),
]
REFUSED_AS_NOT_ALLOWED = {"own_draft", "not_an_approver", "not_an_author"}


def _review_id(value: strawberry.ID) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


async def _step(
    context: Context,
    action: str,
    target: str,
    step: Callable[[AsyncSession], Awaitable[T]],
) -> T | ValidationErrors | NotFound | NotAllowed | Conflict:
    """Run one review step and its audit line in one transaction; refusals in words."""
    try:
        async with context.writes.begin() as session:
            answer = await step(session)
            record(session, [context.record(action, target)])
            return answer
    except ReviewRefused as refused:
        outcome: ValidationErrors | NotFound | NotAllowed | Conflict
        if refused.code == "not_found":
            outcome = NotFound(message=str(refused), what="definition review", id=target)
        elif refused.code in REFUSED_AS_NOT_ALLOWED:
            outcome = NotAllowed(message=str(refused))
        elif refused.code == "comment_required":
            outcome = ValidationErrors.one("/comment", refused.code, str(refused))
        else:
            outcome = Conflict(message=str(refused), code=refused.code)
    except InvalidDefinition as invalid:
        outcome = ValidationErrors(
            message=str(invalid), problems=[Problem.of(p) for p in invalid.problems]
        )
    except VersionNotFound as missing:
        outcome = NotFound(message=str(missing), what="definition", id=target)
    except PublishedVersionImmutable as frozen:
        outcome = Conflict(message=str(frozen), code="published_version_immutable")
    context.audit(action, target, "refused", outcome.message)
    return outcome


def _reviewer(context: Context) -> Reviewer:
    return Reviewer(context.caller.actor, approver=context.caller.approver)


@strawberry.type
class ReviewQueries:
    @strawberry.field(
        description="Your plan's definition reviews, oldest submission first (pending ones "
        "unless `status` says otherwise; `status: null` for all).",
        extensions=PLAN_TEAM,
    )
    async def definition_reviews(
        self, info: Info[Context, None], status: ReviewStatus | None = ReviewStatus.PENDING
    ) -> list[DefinitionReview]:
        async with info.context.reads() as session:
            rows = await reviews(session=session, plan=info.context.caller.plan, status=status)
        return [DefinitionReview.of(row) for row in rows]


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(
        description="Submit a draft for a colleague's approval (it must be publishable); it "
        "cannot be edited or published until it is approved, returned or withdrawn.",
        extensions=PLAN_TEAM,
    )
    async def submit_definition(
        self, info: Info[Context, None], support: str, version: int, note: str = ""
    ) -> SubmitDefinitionResult:
        context = info.context
        plan, actor = context.caller.plan, context.caller.actor

        async def step(session: AsyncSession) -> DefinitionReview:
            row = await submit(
                session=session,
                plan=plan,
                support=support,
                version=version,
                actor=actor,
                note=note,
            )
            return DefinitionReview.of(row)

        target = f"definition:{plan}/{support}/v{version}"
        return await _step(context, "submitDefinition", target, step)

    @strawberry.mutation(
        description="Approve a colleague's submitted draft (an approver token; never your own "
        "draft): it is published as submitted, in force from `effectiveFrom` when given.",
        extensions=PLAN_TEAM,
    )
    async def approve_definition(
        self,
        info: Info[Context, None],
        review_id: strawberry.ID,
        effective_from: date | None = None,
        comment: str = "",
    ) -> ApproveDefinitionResult:
        context = info.context
        number = _review_id(review_id)
        target = f"definition-review:{context.caller.plan}/{review_id}"
        if number is None:
            return NotFound(message=f"no review {review_id}", what="definition review", id=target)

        async def step(session: AsyncSession) -> Definition:
            row = await approve(
                session=session,
                plan=context.caller.plan,
                review_id=number,
                by=_reviewer(context),
                effective_from=effective_from,
                comment=comment,
            )
            return Definition.of(row)

        approved = await _step(context, "approveDefinition", target, step)
        context.runtime.in_force.forget()  # this process answers from the new version at once
        return approved

    @strawberry.mutation(
        description="Return a submitted draft to its author with what to change (an approver "
        "token); it is editable again.",
        extensions=PLAN_TEAM,
    )
    async def return_definition(
        self, info: Info[Context, None], review_id: strawberry.ID, comment: str
    ) -> ReturnDefinitionResult:
        return await _decide(info.context, "returnDefinition", review_id, comment)

    @strawberry.mutation(
        description="Take back your own submitted draft (to change it).",
        extensions=PLAN_TEAM,
    )
    async def withdraw_definition(
        self, info: Info[Context, None], review_id: strawberry.ID
    ) -> WithdrawDefinitionResult:
        return await _decide(info.context, "withdrawDefinition", review_id, None)


async def _decide(
    context: Context, action: str, review_id: strawberry.ID, comment: str | None
) -> ReviewAnswer:
    number = _review_id(review_id)
    plan = context.caller.plan
    target = f"definition-review:{plan}/{review_id}"
    if number is None:
        return NotFound(message=f"no review {review_id}", what="definition review", id=target)

    async def step(session: AsyncSession) -> DefinitionReview:
        await find_review(session=session, plan=plan, review_id=number)
        if comment is None:
            row = await withdraw(
                session=session, plan=plan, review_id=number, by=_reviewer(context)
            )
        else:
            row = await send_back(
                session=session,
                plan=plan,
                review_id=number,
                by=_reviewer(context),
                comment=comment,
            )
        return DefinitionReview.of(row)

    return await _step(context, action, target, step)
