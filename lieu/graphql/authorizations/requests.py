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
from lieu.graphql.errors import Conflict, LimitExceeded, NotFound, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.eligibility_check import NoDefinitionInForce, definition_in_force
from lieu.platform.access.members import MemberNotVisible, visible_member
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.ledgering import limit_specs
from lieu.platform.authorizations.status import Urgency
from lieu.platform.elections.counties import county_slug
from lieu.platform.limits.balances import balance
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
    service_start: date
    quantity: Decimal
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
        and found.service_start == data.service_start
        and found.quantity_requested == data.quantity
    )


def _reused(key: str, found: Authorization) -> Conflict:
    return Conflict(
        message=f"idempotency key {key!r} was already used for authorization {found.id} "
        "with different details; use a new key for a new request",
        code="idempotency_key_reused",
    )


async def _precheck(
    context: Context, data: AuthorizationRequestInput
) -> tuple[str, str | None] | NotFound | LimitExceeded:
    """The member's county and the measure, or why the request cannot start."""
    caller = context.caller
    async with context.runtime.sessions() as session:
        try:
            member = await visible_member(
                session=session, principal=caller, cin=data.cin, birth_date=data.birth_date
            )
            _ref, definition = await definition_in_force(
                session=session,
                cache=context.definitions,
                plan=caller.plan,
                support=data.support,
                on=data.service_start,
            )
        except MemberNotVisible as hidden:
            return NotFound(message=str(hidden), what="member", id=data.cin)
        except NoDefinitionInForce as none:
            return NotFound(message=str(none), what="definition", id=data.support)
        specs = limit_specs(definition)
        measure = data.measure or (specs[0].measure.value if specs else None)
        for spec in specs:
            if spec.measure.value != measure:
                continue
            left = await balance(data.cin, spec, data.service_start, session=session)
            if left.remaining <= 0:
                return LimitExceeded(
                    message=f"{spec.id}: nothing left for {data.cin} on "
                    f"{data.service_start.isoformat()} ({left.remaining} {spec.measure.value})",
                    limit_id=spec.id,
                    measure=spec.measure.value,
                    requested=data.quantity,
                    remaining=left.remaining,
                )
    return county_slug(data.county or str(member.facts.get("county") or "")), measure


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
        checked = await _precheck(context, input)
        if not isinstance(checked, tuple):
            context.audit("requestAuthorization", target, "refused", checked.message)
            return checked
        county, measure = checked
        request = NewRequest(
            plan=caller.plan,
            member_cin=input.cin,
            support=input.support,
            provider=caller.provider,
            requested_by=caller.actor,
            service_start=input.service_start,
            quantity=input.quantity,
            idempotency_key=input.idempotency_key,
            measure=measure,
            urgency=input.urgency,
            county=county,
        )
        try:
            handle = await request_authorization(
                context.runtime.temporal,
                context.runtime.sessions,
                request,
                task_queue=context.runtime.settings.task_queue,
            )
        except AuthorizationRequestError as refusal:
            context.audit("requestAuthorization", target, "refused", refusal.message)
            return refused(refusal)
        state = await handle.query(AuthorizationWorkflow.state)
        found = Authorization.of_state(state)
        context.audit("requestAuthorization", target, "ok", number)
        return found if _same(found, input) else _reused(input.idempotency_key, found)
