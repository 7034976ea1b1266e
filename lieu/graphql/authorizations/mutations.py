"""Mutations on a running authorization: each sends one command through the command API, with
the caller's idempotency key (sending the same key again returns the first answer)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.types import (
    Authorization,
    AuthorizationOutcome,
    ReasonCode,  # noqa: F401  (registers Reason as the ReasonCode enum)
    ReportServiceResult,
    ServiceReportResult,
)
from lieu.graphql.authorizations.updates import act, after, on_authorization
from lieu.graphql.context import Context
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.authorizations.status import Decision, LoopReason
from lieu.platform.notices.facts import Reason
from lieu.workflows.authorizations.service import AuthorizationRequestError
from lieu.workflows.authorizations.types import (
    Cancel,
    CloseLoop,
    EndService,
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    RequestInformation,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)

KEY = "Your id for this command: sending it again returns the first answer and changes nothing."


@strawberry.input
class ReviewDecisionInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    decision: Decision
    reason: str
    quantity: Decimal | None = strawberry.field(default=None, description="For MODIFY.")
    reason_code: Reason | None = strawberry.field(
        default=None,
        description="For DENY and MODIFY: the coded reason the member's notice gives in words "
        "(default OTHER, with your reason as the words).",
    )


@strawberry.input
class InformationRequestInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    needed: list[str] = strawberry.field(
        description="What the provider must send, one item each; the decision stays due by the "
        "deadline unless you also extend the review."
    )


@strawberry.input
class InformationInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    note: str = strawberry.field(
        default="", description="What you sent (attach documents with attachDocument)."
    )


@strawberry.input
class ServiceReportInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    report_id: str = strawberry.field(
        description="Your id for the report: an accepted report is never counted twice; a "
        "refused one may be sent again (with a new idempotency key)."
    )
    start: date
    end: date
    quantity: Decimal = strawberry.field(description="In the authorization's measure.")
    code: str = strawberry.field(description="The HCPCS code billed, e.g. T2033.")
    amount: Decimal = strawberry.field(description="What is billed, in dollars.")
    rendering_npi: str = strawberry.field(description="The rendering provider's NPI.")
    modifiers: list[str] = strawberry.field(
        default_factory=list, description='Modifiers in billing order, e.g. ["U6"].'
    )
    units: Decimal | None = strawberry.field(
        default=None, description="Billing units of the code (default: the quantity)."
    )


@strawberry.input
class ReasonInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    reason: str


@strawberry.input
class EndAuthorizationInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    reason: str
    reason_code: Reason | None = strawberry.field(
        default=None, description="The coded reason the member's termination notice gives."
    )


@strawberry.input
class ReferralResponseInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    accept: bool
    reason: str = ""


@strawberry.input
class ReauthorizationInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    quantity: Decimal
    reason: str = ""


@strawberry.input
class CloseReferralInput:
    authorization_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY)
    reason: LoopReason
    note: str = ""


DecideReviewResult = Annotated[AuthorizationOutcome, strawberry.union("DecideReviewResult")]
RequestInformationResult = Annotated[
    AuthorizationOutcome, strawberry.union("RequestInformationResult")
]
ProvideInformationResult = Annotated[
    AuthorizationOutcome, strawberry.union("ProvideInformationResult")
]
ExtendReviewResult = Annotated[AuthorizationOutcome, strawberry.union("ExtendReviewResult")]
RespondToReferralResult = Annotated[
    AuthorizationOutcome, strawberry.union("RespondToReferralResult")
]
RequestReauthorizationResult = Annotated[
    AuthorizationOutcome, strawberry.union("RequestReauthorizationResult")
]
CloseReferralResult = Annotated[AuthorizationOutcome, strawberry.union("CloseReferralResult")]
EndAuthorizationResult = Annotated[AuthorizationOutcome, strawberry.union("EndAuthorizationResult")]
CancelAuthorizationResult = Annotated[
    AuthorizationOutcome, strawberry.union("CancelAuthorizationResult")
]


@strawberry.type
class AuthorizationMutations:
    @strawberry.mutation(
        description="Approve, deny or modify a request waiting for review.",
        extensions=allow(Role.REVIEWER),
    )
    async def decide_review(
        self, info: Info[Context, None], input: ReviewDecisionInput
    ) -> DecideReviewResult:
        caller = info.context.caller
        decision = ReviewDecision(
            reviewer=caller.actor,
            decision=input.decision,
            reason=input.reason,
            quantity=input.quantity,
            roles=caller.review_roles,
            key=input.idempotency_key,
            reason_code=input.reason_code.value if input.reason_code is not None else "",
        )
        return await _command(info.context, "decideReview", str(input.authorization_id), decision)

    @strawberry.mutation(
        description="Ask the provider for what you need to decide; they are sent a notice of "
        "what is needed and by when (the deadline stands).",
        extensions=allow(Role.REVIEWER),
    )
    async def request_information(
        self, info: Info[Context, None], input: InformationRequestInput
    ) -> RequestInformationResult:
        caller = info.context.caller
        asking = RequestInformation(
            reviewer=caller.actor,
            needed=tuple(input.needed),
            roles=caller.review_roles,
            key=input.idempotency_key,
        )
        return await _command(
            info.context, "requestInformation", str(input.authorization_id), asking
        )

    @strawberry.mutation(
        description="Tell the reviewer the information they asked for is sent.",
        extensions=allow(Role.PROVIDER),
    )
    async def provide_information(
        self, info: Info[Context, None], input: InformationInput
    ) -> ProvideInformationResult:
        sent = ProvideInformation(
            provider=info.context.caller.provider or "",
            note=input.note,
            key=input.idempotency_key,
        )
        return await _command(info.context, "provideInformation", str(input.authorization_id), sent)

    @strawberry.mutation(
        description="Take the review's extension of its deadline, with a reason (reviewers, "
        "and operations for a plan that needs more information; 42 CFR 438.210(d)).",
        extensions=allow(Role.REVIEWER, Role.OPERATIONS),
    )
    async def extend_review(
        self, info: Info[Context, None], input: ReasonInput
    ) -> ExtendReviewResult:
        extension = ReviewExtension(
            reviewer=info.context.caller.actor, reason=input.reason, key=input.idempotency_key
        )
        return await _command(info.context, "extendReview", str(input.authorization_id), extension)

    @strawberry.mutation(
        description="Accept or decline a referral sent to your organization.",
        extensions=allow(Role.PROVIDER),
    )
    async def respond_to_referral(
        self, info: Info[Context, None], input: ReferralResponseInput
    ) -> RespondToReferralResult:
        response = ProviderResponse(
            provider=info.context.caller.provider or "",
            accept=input.accept,
            reason=input.reason,
            key=input.idempotency_key,
        )
        return await _command(
            info.context, "respondToReferral", str(input.authorization_id), response
        )

    @strawberry.mutation(
        description="Report service delivered, with its billing line (code, modifiers, units, "
        "amount, rendering NPI); it is checked against the definition's codes and rates.",
        extensions=allow(Role.PROVIDER),
    )
    async def report_service(
        self, info: Info[Context, None], input: ServiceReportInput
    ) -> ReportServiceResult:
        context = info.context
        authorization_id = str(input.authorization_id)
        report = ServiceReport(
            report_id=input.report_id,
            reported_by=context.caller.actor,
            start=input.start,
            end=input.end,
            quantity=input.quantity,
            amount=input.amount,
            code=input.code.strip().upper(),
            modifiers=tuple(m.strip().upper() for m in input.modifiers),
            units=input.units,
            rendering_npi=input.rendering_npi.strip(),
            key=input.idempotency_key,
        )

        async def call() -> ServiceReportResult:
            try:
                reply = await act(context, authorization_id, report)
            except AuthorizationRequestError as refused:
                refused.details.setdefault("requested", input.quantity)
                raise

            return ServiceReportResult(
                report_id=reply.report_id,
                accepted=reply.accepted,
                reason=reply.message,
                used=reply.used,
                remaining_on_authorization=reply.remaining,
                flagged=reply.flagged,
                authorization=await after(context, authorization_id),
            )

        return await on_authorization(context, "reportService", authorization_id, call)

    @strawberry.mutation(
        description="Ask to continue an active authorization for another period.",
        extensions=allow(Role.PROVIDER),
    )
    async def request_reauthorization(
        self, info: Info[Context, None], input: ReauthorizationInput
    ) -> RequestReauthorizationResult:
        request = ReauthorizationRequest(
            requested_by=info.context.caller.actor,
            quantity=input.quantity,
            reason=input.reason,
            key=input.idempotency_key,
        )
        return await _command(
            info.context, "requestReauthorization", str(input.authorization_id), request
        )

    @strawberry.mutation(
        description="Close the referral loop of an active authorization, with the reason.",
        extensions=allow(Role.PROVIDER, Role.OPERATIONS),
    )
    async def close_referral(
        self, info: Info[Context, None], input: CloseReferralInput
    ) -> CloseReferralResult:
        closing = CloseLoop(
            actor=info.context.caller.actor,
            reason=input.reason,
            note=input.note,
            key=input.idempotency_key,
        )
        return await _command(info.context, "closeReferral", str(input.authorization_id), closing)

    @strawberry.mutation(
        description="End an active authorization before its period is over: the member is sent "
        "a termination notice and the service continues for 10 days (42 CFR 431.211), then it "
        "ends. To withdraw one made in error or at the member's request, cancel it instead.",
        extensions=allow(Role.REVIEWER, Role.OPERATIONS),
    )
    async def end_authorization(
        self, info: Info[Context, None], input: EndAuthorizationInput
    ) -> EndAuthorizationResult:
        ending = EndService(
            actor=info.context.caller.actor,
            reason=input.reason,
            reason_code=input.reason_code.value if input.reason_code is not None else "",
            key=input.idempotency_key,
        )
        return await _command(info.context, "endAuthorization", str(input.authorization_id), ending)

    @strawberry.mutation(
        description="Cancel an authorization (what it holds and has not used is released).",
        extensions=allow(Role.OPERATIONS),
    )
    async def cancel_authorization(
        self, info: Info[Context, None], input: ReasonInput
    ) -> CancelAuthorizationResult:
        cancel = Cancel(
            actor=info.context.caller.actor, reason=input.reason, key=input.idempotency_key
        )
        return await _command(
            info.context, "cancelAuthorization", str(input.authorization_id), cancel
        )


async def _command(
    context: Context, action: str, authorization_id: str, command: Action
) -> AuthorizationOutcome:
    async def call() -> Authorization:
        await act(context, authorization_id, command)
        return await after(context, authorization_id)

    return await on_authorization(context, action, authorization_id, call)
