"""Mutations on a running authorization, one workflow update each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.types import (
    Authorization,
    AuthorizationResult,
    ServiceReportOutcome,
    ServiceReportResult,
)
from lieu.graphql.authorizations.updates import Handle, on_authorization
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, LimitExceeded
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Decision, LoopReason
from lieu.workflows.authorizations.types import (
    Cancel,
    CloseLoop,
    ProviderResponse,
    ReauthorizationRequest,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow


@strawberry.input
class ReviewDecisionInput:
    authorization_id: strawberry.ID
    decision: Decision
    reason: str
    quantity: Decimal | None = strawberry.field(default=None, description="For MODIFY.")


@strawberry.input
class ServiceReportInput:
    authorization_id: strawberry.ID
    report_id: str = strawberry.field(description="Your id for the report; resending is safe.")
    start: date
    end: date
    quantity: Decimal
    amount: Decimal | None = None


@strawberry.input
class ReasonInput:
    authorization_id: strawberry.ID
    reason: str


@strawberry.input
class ReferralResponseInput:
    authorization_id: strawberry.ID
    accept: bool
    reason: str = ""


@strawberry.input
class ReauthorizationInput:
    authorization_id: strawberry.ID
    quantity: Decimal
    reason: str = ""


@strawberry.input
class CloseReferralInput:
    authorization_id: strawberry.ID
    reason: LoopReason
    note: str = ""


@strawberry.type
class AuthorizationMutations:
    @strawberry.mutation(
        description="Approve, deny or modify a request waiting for review.",
        extensions=allow(Role.REVIEWER),
    )
    async def decide_review(
        self, info: Info[Context, None], input: ReviewDecisionInput
    ) -> AuthorizationResult:
        decision = ReviewDecision(
            reviewer=info.context.caller.actor,
            decision=input.decision,
            reason=input.reason,
            quantity=input.quantity,
        )

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.decide, decision)
            )

        return await on_authorization(
            info.context, "decideReview", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Take the review's one extension of its deadline, with a reason.",
        extensions=allow(Role.REVIEWER),
    )
    async def extend_review(
        self, info: Info[Context, None], input: ReasonInput
    ) -> AuthorizationResult:
        extension = ReviewExtension(reviewer=info.context.caller.actor, reason=input.reason)

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.extend_review, extension)
            )

        return await on_authorization(
            info.context, "extendReview", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Accept or decline a referral sent to your organization.",
        extensions=allow(Role.PROVIDER),
    )
    async def respond_to_referral(
        self, info: Info[Context, None], input: ReferralResponseInput
    ) -> AuthorizationResult:
        provider = info.context.caller.provider or ""
        response = ProviderResponse(provider=provider, accept=input.accept, reason=input.reason)

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.respond, response)
            )

        return await on_authorization(
            info.context, "respondToReferral", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Report service delivered (resending the same `reportId` is harmless).",
        extensions=allow(Role.PROVIDER),
    )
    async def report_service(
        self, info: Info[Context, None], input: ServiceReportInput
    ) -> ServiceReportOutcome:
        report = ServiceReport(
            report_id=input.report_id,
            reported_by=info.context.caller.actor,
            start=input.start,
            end=input.end,
            quantity=input.quantity,
            amount=input.amount,
        )

        async def call(handle: Handle) -> ServiceReportResult | LimitExceeded | Conflict:
            result = await handle.execute_update(AuthorizationWorkflow.report_service, report)
            state = await handle.query(AuthorizationWorkflow.state)
            if not result.accepted and report.quantity > result.remaining_on_authorization:
                return LimitExceeded(
                    message=result.reason,
                    limit_id=None,
                    measure=state.measure,
                    requested=report.quantity,
                    remaining=result.remaining_on_authorization,
                )
            if not result.accepted:
                return Conflict(message=result.reason, code="service_rejected")
            return ServiceReportResult(
                report_id=result.report_id,
                accepted=result.accepted,
                reason=result.reason,
                used=result.used,
                remaining_on_authorization=result.remaining_on_authorization,
                authorization=Authorization.of_state(state),
            )

        return await on_authorization(
            info.context, "reportService", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Ask to continue an active authorization for another period.",
        extensions=allow(Role.PROVIDER),
    )
    async def request_reauthorization(
        self, info: Info[Context, None], input: ReauthorizationInput
    ) -> AuthorizationResult:
        request = ReauthorizationRequest(
            requested_by=info.context.caller.actor, quantity=input.quantity, reason=input.reason
        )

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.request_reauthorization, request)
            )

        return await on_authorization(
            info.context, "requestReauthorization", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Close the referral loop of an active authorization, with the reason.",
        extensions=allow(Role.PROVIDER, Role.OPERATIONS),
    )
    async def close_referral(
        self, info: Info[Context, None], input: CloseReferralInput
    ) -> AuthorizationResult:
        closing = CloseLoop(actor=info.context.caller.actor, reason=input.reason, note=input.note)

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.close_loop, closing)
            )

        return await on_authorization(
            info.context, "closeReferral", str(input.authorization_id), call
        )

    @strawberry.mutation(
        description="Cancel an authorization (what it holds and has not used is released).",
        extensions=allow(Role.OPERATIONS),
    )
    async def cancel_authorization(
        self, info: Info[Context, None], input: ReasonInput
    ) -> AuthorizationResult:
        cancel = Cancel(actor=info.context.caller.actor, reason=input.reason)

        async def call(handle: Handle) -> Authorization:
            return Authorization.of_state(
                await handle.execute_update(AuthorizationWorkflow.cancel, cancel)
            )

        return await on_authorization(
            info.context, "cancelAuthorization", str(input.authorization_id), call
        )
