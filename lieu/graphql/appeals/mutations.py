"""Filing, resolving and extending appeals; recording grievances. Each is audited.

An appeal is filed by operations staff for the member (who asked by phone, in writing or in
person) or by the provider on the member's behalf, with the member's written consent (42 CFR
438.402(c)(1)(ii)); it is resolved by a reviewer who took no part in the determination."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.appeals.types import (
    Appeal,
    AppealAnswer,
    Grievance,
    GrievanceAnswer,
    record_of,
)
from lieu.graphql.authorizations.locate import locate
from lieu.graphql.authorizations.refusals import not_found, refused
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.appeals import records
from lieu.platform.appeals.lifecycle import (
    AppealDecision,
    AppealExtension,
    OnBehalf,
    Outcome,
)
from lieu.platform.appeals.records import GrievanceError, NewGrievance
from lieu.platform.plans.settings import plan_settings
from lieu.workflows.appeals import service
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import FileAppeal

KEY = "Your id for this command: sending it again returns the first answer and changes nothing."
POINTERS = {
    "reason_required": "/reason",
    "bad_quantity": "/quantity",
    "bad_days": "/days",
    "bad_outcome": "/outcome",
    "key_required": "/idempotencyKey",
    "description_required": "/description",
    "description_too_long": "/description",
    "resolution_required": "/resolution",
    "resolution_too_long": "/resolution",
    "bad_category": "/category",
}


@strawberry.input
class AppealInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    reason: str = strawberry.field(description="Why the member disagrees, in their words.")
    expedited: bool = strawberry.field(
        default=False,
        description="Waiting the standard time could seriously harm the member's life, health or "
        "ability to function: resolved within 72 hours (42 CFR 438.410).",
    )
    member_consent: bool = strawberry.field(
        default=False,
        description="Providers: the member gave written consent to appeal on their behalf "
        "(required).",
    )


@strawberry.input
class AppealDecisionInput:
    appeal_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    outcome: Outcome
    reason: str
    quantity: Decimal | None = strawberry.field(
        default=None, description="For PARTLY_OVERTURNED: what the appeal approves."
    )


@strawberry.input
class AppealExtensionInput:
    appeal_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    reason: str = strawberry.field(description="Why more time is in the member's interest.")
    days: int = strawberry.field(default=14, description="1 to 14 calendar days.")


@strawberry.input
class GrievanceInput:
    member_cin: str
    idempotency_key: str = strawberry.field(description=KEY)
    category: str = strawberry.field(description=", ".join(records.CATEGORIES))
    description: str
    authorization_id: strawberry.ID | None = None


@strawberry.input
class GrievanceResolutionInput:
    grievance_id: strawberry.ID
    resolution: str = ""


def _refused(error: AuthorizationRequestError, what: str, id: str) -> AppealAnswer:
    if error.code in POINTERS:
        return ValidationErrors.one(POINTERS[error.code], error.code, error.message)
    if error.code == "not_found":
        return NotFound(message=f"no {what} {id} that you may see", what=what, id=id)
    return refused(error, id)  # type: ignore[return-value]


async def _appeal(context: Context, appeal_id: str) -> Appeal | None:
    async with context.reads() as session:
        row = await records.find_appeal(
            session=session, principal=context.caller, appeal_id=appeal_id
        )
    return None if row is None else Appeal.of(row)


FileAppealResult = Annotated[AppealAnswer, strawberry.union("FileAppealResult")]
DecideAppealResult = Annotated[AppealAnswer, strawberry.union("DecideAppealResult")]
ExtendAppealResult = Annotated[AppealAnswer, strawberry.union("ExtendAppealResult")]


FileGrievanceResult = Annotated[GrievanceAnswer, strawberry.union("FileGrievanceResult")]
AcknowledgeGrievanceResult = Annotated[
    GrievanceAnswer, strawberry.union("AcknowledgeGrievanceResult")
]
ResolveGrievanceResult = Annotated[GrievanceAnswer, strawberry.union("ResolveGrievanceResult")]


@strawberry.type
class AppealMutations:
    @strawberry.mutation(
        description="Appeal the authorization's last adverse determination (a denial, a partial "
        "approval, a request not decided in time), within 60 days of its notice. It runs as its "
        "own workflow, resolved by a reviewer other than the one who decided.",
        extensions=allow(Role.OPERATIONS, Role.PROVIDER),
    )
    async def file_appeal(self, info: Info[Context, None], input: AppealInput) -> FileAppealResult:
        context, caller = info.context, info.context.caller
        number = str(input.authorization_id)
        target = f"authorization:{number}"
        if await locate(context, number) is None:
            context.audit("fileAppeal", target, "not_found")
            return not_found(number)
        provider = caller.role is Role.PROVIDER
        if provider and not input.member_consent:
            context.audit("fileAppeal", target, "refused", "member_consent")
            return ValidationErrors.one(
                "/memberConsent",
                "consent_required",
                "a provider appeals for the member only with the member's written consent "
                "(42 CFR 438.402(c)(1)(ii)); set memberConsent when you have it",
            )
        async with context.reads() as session:
            terms = (await plan_settings(caller.plan, session=session)).appeals
        filing = FileAppeal(
            filed_by=caller.actor,
            on_behalf=OnBehalf.PROVIDER if provider else OnBehalf.MEMBER,
            reason=input.reason,
            expedited=input.expedited,
            terms=terms,
            key=input.idempotency_key,
        )
        try:
            reply = await service.file_appeal(context.runtime.temporal, number, filing)
        except AuthorizationRequestError as refusal:
            context.audit("fileAppeal", target, "refused", f"{refusal.code}: {refusal.message}")
            return _refused(refusal, "authorization", number)
        context.audit("fileAppeal", target, "ok", reply.appeal_id)
        state = await service.appeal_state(context.runtime.temporal, reply.appeal_id)
        return Appeal.of(record_of(state))

    @strawberry.mutation(
        description="Resolve an appeal: UPHELD, OVERTURNED (the request is approved) or "
        "PARTLY_OVERTURNED (with the quantity approved). Answered once the member's notice is "
        "issued and the authorization has taken the outcome in.",
        extensions=allow(Role.REVIEWER),
    )
    async def decide_appeal(
        self, info: Info[Context, None], input: AppealDecisionInput
    ) -> DecideAppealResult:
        decision = AppealDecision(
            reviewer=info.context.caller.actor,
            outcome=input.outcome,
            reason=input.reason,
            quantity=input.quantity,
            key=input.idempotency_key,
        )
        return await _on_appeal(info.context, "decideAppeal", str(input.appeal_id), decision)

    @strawberry.mutation(
        description="Take the appeal's one extension (up to 14 days, in the member's interest); "
        "the member is sent a notice with the reason and the new date.",
        extensions=allow(Role.REVIEWER, Role.OPERATIONS),
    )
    async def extend_appeal(
        self, info: Info[Context, None], input: AppealExtensionInput
    ) -> ExtendAppealResult:
        extension = AppealExtension(
            actor=info.context.caller.actor,
            reason=input.reason,
            days=input.days,
            key=input.idempotency_key,
        )
        return await _on_appeal(info.context, "extendAppeal", str(input.appeal_id), extension)

    @strawberry.mutation(
        description="Record a grievance (a complaint that is not an appeal); its "
        "acknowledgement and resolution are due by the plan's timeframes.",
        extensions=allow(Role.OPERATIONS),
    )
    async def file_grievance(
        self, info: Info[Context, None], input: GrievanceInput
    ) -> FileGrievanceResult:
        context, caller = info.context, info.context.caller
        grievance = NewGrievance(
            plan=caller.plan,
            member_cin=input.member_cin.strip(),
            category=input.category,
            description=input.description,
            filed_by=caller.actor,
            idempotency_key=input.idempotency_key,
            authorization_id=str(input.authorization_id) if input.authorization_id else None,
        )
        try:
            async with context.writes.begin() as session:
                settings = await plan_settings(caller.plan, session=session)
                recorded = await records.file_grievance(
                    session=session,
                    grievance=grievance,
                    received_at=datetime.now(UTC),
                    terms=settings.appeals,
                    calendar=settings.calendar,
                )
                result = Grievance.of(recorded)
        except GrievanceError as bad:
            context.audit(
                "fileGrievance", f"member:{caller.plan}/{grievance.member_cin}", "refused"
            )
            return ValidationErrors.one(POINTERS.get(bad.code, "/"), bad.code, bad.message)
        context.audit("fileGrievance", f"grievance:{result.id}")
        return result

    @strawberry.mutation(
        description="Record that the member was sent the grievance's acknowledgement.",
        extensions=allow(Role.OPERATIONS),
    )
    async def acknowledge_grievance(
        self, info: Info[Context, None], input: GrievanceResolutionInput
    ) -> AcknowledgeGrievanceResult:
        return await _on_grievance(info.context, "acknowledgeGrievance", input, resolve=False)

    @strawberry.mutation(
        description="Record the grievance's resolution (sent to the member).",
        extensions=allow(Role.OPERATIONS),
    )
    async def resolve_grievance(
        self, info: Info[Context, None], input: GrievanceResolutionInput
    ) -> ResolveGrievanceResult:
        return await _on_grievance(info.context, "resolveGrievance", input, resolve=True)


async def _on_appeal(
    context: Context, action: str, appeal_id: str, command: AppealDecision | AppealExtension
) -> AppealAnswer:
    target = f"appeal:{appeal_id}"
    if await _appeal(context, appeal_id) is None:
        context.audit(action, target, "not_found")
        return NotFound(
            message=f"no appeal {appeal_id} that you may see", what="appeal", id=appeal_id
        )
    client = context.runtime.temporal
    try:
        if isinstance(command, AppealDecision):
            await service.decide_appeal(client, appeal_id, command)
        else:
            await service.extend_appeal(client, appeal_id, command)
    except AuthorizationRequestError as refusal:
        context.audit(action, target, "refused", f"{refusal.code}: {refusal.message}")
        return _refused(refusal, "appeal", appeal_id)
    context.audit(action, target)
    state = await service.appeal_state(client, appeal_id)
    return Appeal.of(record_of(state))


async def _on_grievance(
    context: Context, action: str, input: GrievanceResolutionInput, *, resolve: bool
) -> GrievanceAnswer:
    number = str(input.grievance_id)
    now = datetime.now(UTC)
    try:
        async with context.writes.begin() as session:
            if resolve:
                changed = await records.resolve_grievance(
                    session=session,
                    principal=context.caller,
                    number=number,
                    resolution=input.resolution,
                    at=now,
                )
            else:
                changed = await records.acknowledge_grievance(
                    session=session, principal=context.caller, number=number, at=now
                )
            result = Grievance.of(changed)
    except GrievanceError as bad:
        context.audit(action, f"grievance:{number}", "refused", bad.code)
        if bad.code == "not_found":
            return NotFound(message=bad.message, what="grievance", id=number)
        if bad.code == "already_resolved":
            return Conflict(message=bad.message, code=bad.code)
        return ValidationErrors.one(POINTERS.get(bad.code, "/"), bad.code, bad.message)
    context.audit(action, f"grievance:{number}")
    return result
