"""A provider's request for a Community Support: idempotent by key, checked before it starts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.locate import locate
from lieu.graphql.authorizations.refusals import refused
from lieu.graphql.authorizations.types import Authorization, AuthorizationResult
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Urgency
from lieu.workflows.authorizations.service import (
    AuthorizationRequestError,
    NewRequest,
    authorization_number,
    request_authorization,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow


@strawberry.input(description="A request for a support for a member, from your organization.")
class AuthorizationRequestInput:
    cin: str
    support: str
    service_start: date | None = strawberry.field(
        default=None, description="The first day of service (default: today)."
    )
    quantity: Decimal = strawberry.field(description="In the measure (default: the limit's).")
    idempotency_key: str = strawberry.field(
        description="Your id for this request: sending it again never makes a second one."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Identifies a member you do not serve yet."
    )
    measure: str | None = None
    urgency: Urgency = Urgency.STANDARD
    county: str | None = strawberry.field(
        default=None, description="Where service happens (default: the member's county)."
    )


def _same(found: Authorization, data: AuthorizationRequestInput) -> bool:
    return (
        found.member_cin == data.cin
        and found.support == data.support
        and (data.service_start is None or found.service_start == data.service_start)
        and found.quantity_requested == data.quantity
    )


def _reused(key: str, found: Authorization) -> Conflict:
    return Conflict(
        message=f"idempotency key {key!r} was already used for authorization {found.id} "
        "with different details; use a new key for a new request",
        code="idempotency_key_reused",
    )


@strawberry.type
class RequestMutations:
    @strawberry.mutation(
        description="Request a support for a member (idempotent by `idempotencyKey`).",
        extensions=allow(Role.PROVIDER),
    )
    async def request_authorization(
        self, info: Info[Context, None], input: AuthorizationRequestInput
    ) -> AuthorizationResult:
        context = info.context
        caller = context.caller
        assert caller.provider is not None
        target = f"member:{caller.plan}/{input.cin}"
        if not input.idempotency_key.strip():
            return ValidationErrors.one("/idempotencyKey", "required", "give an idempotency key")
        if input.quantity <= 0:
            return ValidationErrors.one("/quantity", "bad_quantity", "the quantity must be > 0")
        number = authorization_number(caller.plan, caller.provider, input.idempotency_key)
        existing = await locate(context, number)
        if existing is not None:
            context.audit("requestAuthorization", target, "replayed", number)
            return existing if _same(existing, input) else _reused(input.idempotency_key, existing)
        request = NewRequest(
            plan=caller.plan,
            member_cin=input.cin,
            support=input.support,
            provider=caller.provider,
            requested_by=caller.actor,
            service_start=input.service_start,
            quantity=input.quantity,
            idempotency_key=input.idempotency_key,
            measure=input.measure,
            urgency=input.urgency,
            county=input.county,
            birth_date=input.birth_date,
        )
        try:
            handle = await request_authorization(
                context.runtime.temporal,
                context.runtime.sessions,
                request,
                task_queue=context.runtime.settings.task_queue,
                definitions=context.definitions,
                principal=caller,
                in_force=context.runtime.in_force,
            )
        except AuthorizationRequestError as refusal:
            context.audit("requestAuthorization", target, "refused", refusal.message)
            if refusal.code == "limit_exceeded":
                refusal.details["requested"] = input.quantity
            return refused(refusal)
        state = await handle.query(AuthorizationWorkflow.state)
        found = Authorization.of_state(state)
        context.audit("requestAuthorization", target, "ok", number)
        return found if _same(found, input) else _reused(input.idempotency_key, found)
