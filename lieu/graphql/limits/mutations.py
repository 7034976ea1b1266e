"""Limits: operations import prior use; reviewers approve exceptions (each audited)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound, ValidationErrors
from lieu.graphql.limits.types import (
    ApproveLimitExceptionResult,
    ImportPriorUseResult,
    LimitExceptionApproved,
    LimitExceptionInput,
    PriorUseFormat,
    PriorUseImported,
    PriorUseProblem,
    PriorUseRejected,
)
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.eligibility_check import NoDefinitionInForce
from lieu.platform.access.limit_exceptions import (
    ExceptionAsked,
    UnknownLimit,
    approve_member_exception,
)
from lieu.platform.access.members import MemberNotVisible
from lieu.platform.access.prior_use import PriorUseRejected as Rejected
from lieu.platform.access.prior_use import import_prior_use
from lieu.platform.access.roles import Role
from lieu.platform.limits.errors import ExceptionNotAllowed, LedgerError
from lieu.platform.limits.prior_lines import Format

MAX_CHARACTERS = 20_000_000  # larger files: `lieu limits import-prior-use`, which streams


@strawberry.type
class LimitMutations:
    @strawberry.mutation(
        description=(
            "Import prior use: service members had outside lieu (before go-live, or with "
            "another plan), as CSV (a header line names the columns) or JSON Lines. Each "
            "record: cin, support (or limit), amount in the limit's measure, measure, "
            "service_start, service_end, source, source_record_id, note (sourceSystem names the "
            "source of records that name none). Every record is "
            "checked first; if any is wrong nothing is stored. A record already loaded (same "
            "source and source_record_id) is not loaded again."
        ),
        extensions=allow(Role.OPERATIONS),
    )
    async def import_prior_use(
        self,
        info: Info[Context, None],
        content: str,
        format: PriorUseFormat = PriorUseFormat.CSV,
        source_system: Annotated[
            str | None,
            strawberry.argument(description="The source system of records that name none."),
        ] = None,
    ) -> ImportPriorUseResult:
        context = info.context
        plan = context.caller.plan
        target = f"prior-use:{plan}"
        if len(content) > MAX_CHARACTERS:
            return ValidationErrors.one(
                "/content",
                "too-large",
                f"{len(content):,} characters; import at most {MAX_CHARACTERS:,} at once, or use "
                "`lieu limits import-prior-use FILE`",
            )
        try:
            async with context.writes.begin() as session:
                outcome = await import_prior_use(
                    session=session,
                    cache=context.definitions,
                    plan=plan,
                    actor=context.caller.actor,
                    lines=content.splitlines,
                    fmt=Format(format.value),
                    default_source=source_system,
                )
                detail = f"{outcome.loaded} loaded, {outcome.already_loaded} already loaded"
                record(session, [context.record("importPriorUse", target, detail=detail)])
        except Rejected as refused:
            context.audit("importPriorUse", target, "invalid", f"{refused.total} problem(s)")
            return PriorUseRejected(
                message=str(refused),
                total=refused.total,
                problems=[PriorUseProblem.of(p) for p in refused.problems],
            )
        return PriorUseImported(
            loaded=outcome.loaded, already_loaded=outcome.already_loaded, entries=outcome.entries
        )

    @strawberry.mutation(
        description=(
            "Approve more than a limit allows for one member (e.g. a second housing deposit, "
            "respite beyond 336 hours), where the limit's exception rule allows it; refused "
            "with the rule's words where it allows none, or no more. Idempotent by key."
        ),
        extensions=allow(Role.REVIEWER),
    )
    async def approve_limit_exception(
        self, info: Info[Context, None], input: LimitExceptionInput
    ) -> ApproveLimitExceptionResult:
        context = info.context
        target = f"member:{context.caller.plan}/{input.cin}"
        what = f"{input.support}/{input.limit_id} +{input.extra}"
        asked = ExceptionAsked(
            cin=input.cin,
            support=input.support,
            limit_id=input.limit_id,
            extra=input.extra,
            start=input.applies_from,
            end=input.applies_to,
            reason=input.reason,
            key=input.idempotency_key,
        )
        try:
            async with context.writes.begin() as session:
                approved, spec = await approve_member_exception(
                    asked,
                    session=session,
                    cache=context.definitions,
                    principal=context.caller,
                    in_force=context.runtime.in_force,
                )
                record(session, [context.record("approveLimitException", target, detail=what)])
        except MemberNotVisible as hidden:
            context.audit("approveLimitException", target, "not_found", what)
            return NotFound(message=str(hidden), what="member", id=input.cin)
        except (NoDefinitionInForce, UnknownLimit) as missing:
            context.audit("approveLimitException", target, "not_found", what)
            return NotFound(message=str(missing), what="limit", id=input.limit_id)
        except ExceptionNotAllowed as refused:
            context.audit("approveLimitException", target, "refused", what)
            return Conflict(message=str(refused), code=refused.code)
        except LedgerError as wrong:
            context.audit("approveLimitException", target, "invalid", what)
            return ValidationErrors.one("/input", wrong.code, str(wrong))
        return LimitExceptionApproved.of(approved, input.cin, input.support, spec.measure.value)
