"""The plan product team's writes: drafts, publishing, retiring (each with its audit line in the
same transaction, so a write and its record commit together or not at all)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.definitions.types import Definition, DefinitionOutcome, DraftWithProblems
from lieu.graphql.errors import Conflict, NotAllowed, NotFound, Problem, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.definitions.errors import (
    DraftUnderReview,
    InvalidDefinition,
    PublishedVersionImmutable,
    VersionExists,
    VersionNotFound,
)
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.problems import errors
from lieu.platform.definitions.versions import (
    create_draft,
    draft_problems,
    edit_draft,
    get_version,
    publish,
    retire,
    unfinished_draft,
)

PLAN_TEAM = allow(Role.PLAN_ADMIN)
Write = Callable[[AsyncSession], Awaitable[DefinitionVersion]]


async def _write(context: Context, action: str, target: str, write: Write) -> DefinitionOutcome:
    """Run one definitions service call and its audit line in one transaction; a draft saved
    with problems comes back as DraftWithProblems, listing them."""
    try:
        async with context.writes.begin() as session:
            row = await write(session)
            record(session, [context.record(action, target)])
            saved = Definition.of(row)
            if row.status is not DefinitionStatus.DRAFT:
                return saved
            problems = await draft_problems(session=session, row=row)
            if not errors(problems):
                return saved
            return DraftWithProblems(
                message=unfinished_draft(row.ref, problems),
                definition=saved,
                problems=[Problem.of(p) for p in problems],
            )
    except InvalidDefinition as invalid:
        outcome: ValidationErrors | NotFound | Conflict = ValidationErrors(
            message=str(invalid), problems=[Problem.of(p) for p in invalid.problems]
        )
    except VersionNotFound as missing:
        outcome = NotFound(message=str(missing), what="definition", id=target)
    except VersionExists as exists:
        outcome = Conflict(message=str(exists), code="version_exists")
    except PublishedVersionImmutable as frozen:
        outcome = Conflict(message=str(frozen), code="published_version_immutable")
    except DraftUnderReview as waiting:
        outcome = Conflict(message=str(waiting), code="under_review")
    context.audit(action, target, "refused", outcome.message)
    return outcome


def _owned(context: Context, document: Any) -> NotAllowed | None:
    plan = document.get("plan") if isinstance(document, dict) else None
    if plan != context.caller.plan:
        return NotAllowed(
            message=f"the document's plan is {plan!r}; you may only write {context.caller.plan!r}"
        )
    return None


def _target(document: Any) -> str:
    if not isinstance(document, dict):
        return "definition:?"
    return f"definition:{document.get('plan')}/{document.get('support')}/v{document.get('version')}"


CreateDraftResult = Annotated[DefinitionOutcome, strawberry.union("CreateDraftResult")]
EditDraftResult = Annotated[DefinitionOutcome, strawberry.union("EditDraftResult")]
PublishDefinitionResult = Annotated[DefinitionOutcome, strawberry.union("PublishDefinitionResult")]
RetireDefinitionResult = Annotated[DefinitionOutcome, strawberry.union("RetireDefinitionResult")]


@strawberry.type
class DefinitionMutations:
    @strawberry.mutation(description="Store a new draft version.", extensions=PLAN_TEAM)
    async def create_draft(self, info: Info[Context, None], document: JSON) -> CreateDraftResult:
        context = info.context
        refusal = _owned(context, document)
        if refusal is not None:
            context.audit("createDraft", _target(document), "denied")
            return refusal
        actor = context.caller.actor
        return await _write(
            context,
            "createDraft",
            _target(document),
            lambda s: create_draft(session=s, document=document, actor=actor),  # type: ignore[arg-type]
        )

    @strawberry.mutation(description="Replace a draft's document.", extensions=PLAN_TEAM)
    async def edit_draft(self, info: Info[Context, None], document: JSON) -> EditDraftResult:
        context = info.context
        refusal = _owned(context, document)
        if refusal is not None:
            context.audit("editDraft", _target(document), "denied")
            return refusal
        actor = context.caller.actor
        return await _write(
            context,
            "editDraft",
            _target(document),
            lambda s: edit_draft(session=s, document=document, actor=actor),  # type: ignore[arg-type]
        )

    @strawberry.mutation(
        description="Validate and freeze a draft; `effectiveFrom` first sets its effective date.",
        extensions=PLAN_TEAM,
    )
    async def publish_definition(
        self,
        info: Info[Context, None],
        support: str,
        version: int,
        effective_from: date | None = None,
    ) -> PublishDefinitionResult:
        context = info.context
        plan, actor = context.caller.plan, context.caller.actor

        async def write(session: AsyncSession) -> DefinitionVersion:
            if effective_from is not None:
                row = await get_version(
                    session=session, plan=plan, support=support, version=version
                )
                dated = {**row.document, "effective_from": effective_from.isoformat()}
                await edit_draft(session=session, document=dated, actor=actor)
            return await publish(
                session=session, plan=plan, support=support, version=version, actor=actor
            )

        published = await _write(
            context, "publishDefinition", f"definition:{plan}/{support}/v{version}", write
        )
        context.runtime.in_force.forget()  # this process answers from the new version at once
        return published

    @strawberry.mutation(
        description="Withdraw a published version: no longer in force for any date.",
        extensions=PLAN_TEAM,
    )
    async def retire_definition(
        self, info: Info[Context, None], support: str, version: int, reason: str = ""
    ) -> RetireDefinitionResult:
        context = info.context
        plan, actor = context.caller.plan, context.caller.actor
        retired = await _write(
            context,
            "retireDefinition",
            f"definition:{plan}/{support}/v{version}",
            lambda s: retire(
                session=s, plan=plan, support=support, version=version, actor=actor, why=reason
            ),
        )
        context.runtime.in_force.forget()
        return retired
