"""A provider's request for a Community Support: idempotent by key, checked before it starts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.audit_trail import audit_ahead
from lieu.graphql.authorizations.locate import locate
from lieu.graphql.authorizations.refusals import refused
from lieu.graphql.authorizations.types import Authorization, AuthorizationOutcome
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, ValidationErrors
from lieu.graphql.members.identity import birth_date_check
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.status import Urgency
from lieu.platform.definitions.document import DefinitionRef as VersionRef
from lieu.platform.definitions.units import UnitError, unit_of, units_of
from lieu.platform.definitions.versions import stored_definition, with_baseline
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
    quantity: Decimal = strawberry.field(description="How much, in `unit`.")
    unit: str = strawberry.field(
        description="The unit of `quantity`: one the support's definition accepts (e.g. "
        '"months" or "days" for transitional rent, "hours" or "days" for respite). The answer '
        "is in the definition's measure (`Authorization.measure`): 6 months from 15 February "
        "are 181 days."
    )
    idempotency_key: str = strawberry.field(
        description="Your id for this request: sending it again never makes a second one."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Identifies a member you do not serve yet."
    )
    urgency: Urgency = Urgency.STANDARD
    county: str | None = strawberry.field(
        default=None, description="Where service happens (default: the member's county)."
    )


async def _same(context: Context, found: Authorization, data: AuthorizationRequestInput) -> bool:
    """Whether a resent request asks what the first did (its quantity read in the measure)."""
    if not (
        found.member_cin == data.cin
        and found.support == data.support
        and (data.service_start is None or found.service_start == data.service_start)
    ):
        return False
    if unit_of(data.unit) == found.measure:
        return found.quantity_requested == data.quantity
    ref = VersionRef(found.definition_plan, found.support, found.definition_version)
    async with context.runtime.sessions() as session:
        stored = await stored_definition(session=session, ref=ref)
        definition = (
            None if stored is None else await with_baseline(session=session, definition=stored)
        )
    if definition is None:
        return False
    try:
        asked = units_of(definition).in_measure(data.quantity, data.unit, found.service_start)
    except UnitError:
        return False
    return found.quantity_requested == asked.amount


def _reused(key: str, found: Authorization) -> Conflict:
    return Conflict(
        message=f"idempotency key {key!r} was already used for authorization {found.id} "
        "with different details; use a new key for a new request",
        code="idempotency_key_reused",
    )


RequestAuthorizationResult = Annotated[
    AuthorizationOutcome, strawberry.union("RequestAuthorizationResult")
]


@strawberry.type
class RequestMutations:
    @strawberry.mutation(
        description="Request a support for a member (idempotent by `idempotencyKey`).",
        extensions=allow(Role.PROVIDER),
    )
    async def request_authorization(
        self, info: Info[Context, None], input: AuthorizationRequestInput
    ) -> RequestAuthorizationResult:
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
            same = await _same(context, existing, input)
            return existing if same else _reused(input.idempotency_key, existing)
        request = NewRequest(
            plan=caller.plan,
            member_cin=input.cin,
            support=input.support,
            provider=caller.provider,
            requested_by=caller.actor,
            service_start=input.service_start,
            quantity=input.quantity,
            idempotency_key=input.idempotency_key,
            unit=input.unit,
            urgency=input.urgency,
            county=input.county,
            birth_date=input.birth_date,
        )
        checking = birth_date_check(context, input.cin, input.birth_date)
        if checking is not None and (locked := await checking.begin()) is not None:
            context.audit("requestAuthorization", target, checking.refusal, locked.message)
            return Conflict(message=locked.message, code=f"identity_{checking.refusal}")
        await audit_ahead(context, "requestAuthorization", target)
        try:
            handle = await request_authorization(
                context.runtime.temporal,
                context.runtime.sessions,
                request,
                task_queue=context.runtime.settings.task_queue,
                member_key_secret=context.runtime.member_key_secret,
                definitions=context.definitions,
                principal=caller,
                in_force=context.runtime.in_force,
            )
        except AuthorizationRequestError as refusal:
            if checking is not None:
                await checking.end(matched=refusal.code != "member_not_found")
            context.audit("requestAuthorization", target, "refused", refusal.message)
            if refusal.code == "limit_exceeded":
                refusal.details["requested"] = input.quantity
            return refused(refusal)
        except Exception:
            if checking is not None:  # it failed before the birth date was compared, or after
                await checking.end(matched=True)
            raise
        if checking is not None:
            await checking.end(matched=True)
        state = await handle.query(AuthorizationWorkflow.state)
        found = Authorization.of_state(state)
        context.audit("requestAuthorization", target, "ok", number)
        return (
            found if await _same(context, found, input) else _reused(input.idempotency_key, found)
        )
