"""The one command API for authorizations: GraphQL, the console and tests call these, and only
these, to request an authorization, act on one, or find the answer a command got."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lieu.platform.access.contracts import NotContracted, check_contracted
from lieu.platform.access.eligibility_check import NoDefinitionInForce, definition_in_force
from lieu.platform.access.identity_checks import IdentityLocked
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.access.members import MemberNotVisible, visible_member
from lieu.platform.access.request_limits import over_maximum
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.duplication import duplication
from lieu.platform.authorizations.ledgering import limit_specs
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.authorizations.lifecycle.machine import retroactive_problem
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.authorizations.status import Urgency
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.units import UnitError, billed_in_measure, units_of
from lieu.platform.elections.counties import county_slug
from lieu.platform.limits.balances import balance
from lieu.platform.members.service import MemberNotFound, get_member
from lieu.platform.plans.settings import plan_settings
from lieu.workflows.authorizations.search import initial_attributes
from lieu.workflows.authorizations.types import (
    AttachDocument,
    AuthorizationInput,
    AuthorizationState,
    Cancel,
    CloseLoop,
    DefinitionRef,
    EndService,
    FileAppeal,
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    Reply,
    RequestInformation,
    Retry,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.client import update_id
from lieu.workflows.search import member_key

Handle = WorkflowHandle[AuthorizationWorkflow, AuthorizationState]
# Published versions never change (pinned by content hash): one cache for the process.
DEFINITIONS = PinnedDefinitions()
RESOLVED_YEARS = 5  # years after receipt the workflow's calendar lists the holidays of

UPDATES: dict[type, Any] = {
    ReviewDecision: AuthorizationWorkflow.decide,
    ReviewExtension: AuthorizationWorkflow.extend_review,
    RequestInformation: AuthorizationWorkflow.request_information,
    ProvideInformation: AuthorizationWorkflow.provide_information,
    ProviderResponse: AuthorizationWorkflow.respond,
    ServiceReport: AuthorizationWorkflow.report_service,
    ReauthorizationRequest: AuthorizationWorkflow.request_reauthorization,
    CloseLoop: AuthorizationWorkflow.close_loop,
    Cancel: AuthorizationWorkflow.cancel,
    AttachDocument: AuthorizationWorkflow.attach_document,
    Retry: AuthorizationWorkflow.retry,
    FileAppeal: AuthorizationWorkflow.file_appeal,
    EndService: AuthorizationWorkflow.end_service,
}


class AuthorizationRequestError(Exception):
    """A command lieu refused; `code` names the problem for the interfaces, `details` holds
    what a caller can act on (e.g. what is left under a limit), `reply` the workflow's answer."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        reply: Reply | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.reply = reply


@dataclass(frozen=True)
class NewRequest:
    """What a provider sends to request a Community Support for a member."""

    plan: str
    member_cin: str
    support: str
    provider: str
    requested_by: str
    service_start: date | None  # None: the day the request is received
    quantity: Decimal
    idempotency_key: str
    # The unit of `quantity` (days, months, hours…), one the definition accepts. A request from
    # outside (a `principal`) must give it; callers inside lieu that speak the measure may not.
    unit: str | None = None
    urgency: Urgency = Urgency.STANDARD
    county: str | None = None  # defaults to the member's county
    birth_date: date | None = None  # identifies a member the provider does not serve yet
    details: dict[str, str] = field(default_factory=dict)


def authorization_number(plan: str, provider: str, idempotency_key: str) -> str:
    """A stable authorization number: the same key from the same provider is the same request."""
    digest = hashlib.sha256(f"{plan}\x1f{provider}\x1f{idempotency_key}".encode()).hexdigest()
    return f"A-{digest[:16].upper()}"


async def prepare(
    session: AsyncSession,
    request: NewRequest,
    *,
    received_at: datetime,
    definitions: PinnedDefinitions | None = None,
    principal: Principal | None = None,
    in_force: VersionsInForce | None = None,
) -> AuthorizationInput:
    """Check a request and pin the definition in force on its date of service: the member (as
    `principal` may see them), the measure, the quantity, the retroactive term, the limits;
    with `in_force`, which version is in force may come from its cache.
    Raises `AuthorizationRequestError` with what to fix."""
    if principal is not None and principal.role is Role.PROVIDER:
        try:  # before the member is looked at: an organization asks only for what it may
            await check_contracted(
                session=session,
                plan=request.plan,
                provider=request.provider,
                support=request.support,
            )
        except NotContracted as refused:
            raise AuthorizationRequestError("not_contracted", str(refused)) from None
    try:
        if principal is not None:
            member = await visible_member(
                session=session,
                principal=principal,
                cin=request.member_cin,
                birth_date=request.birth_date,
            )
        else:
            member = await get_member(session=session, plan=request.plan, cin=request.member_cin)
    except (MemberNotVisible, MemberNotFound) as hidden:
        raise AuthorizationRequestError("member_not_found", str(hidden)) from None
    except IdentityLocked as locked:
        raise AuthorizationRequestError(
            "identity_locked", str(locked), details={"retry_at": locked.until.isoformat()}
        ) from None
    if request.quantity <= 0:
        raise AuthorizationRequestError("bad_quantity", "the quantity must be positive")
    settings = await plan_settings(request.plan, session=session)
    year = settings.calendar.local_date(received_at).year
    # the holidays a review, a renewal's review or an extension may count over
    calendar = settings.calendar.resolved(year - 1, year + RESOLVED_YEARS)
    start = request.service_start or calendar.local_date(received_at)
    cache = definitions or PinnedDefinitions()
    try:
        ref, definition = await definition_in_force(
            session=session,
            cache=cache,
            plan=request.plan,
            support=request.support,
            on=start,
            in_force=in_force,
        )
    except NoDefinitionInForce as none:
        raise AuthorizationRequestError("no_definition", str(none)) from None
    assert definition.authorization is not None, "a validated definition has authorization terms"
    specs = limit_specs(definition)
    units = units_of(definition)
    if not request.unit and principal is not None:  # None or "" (never "the measure, then")
        raise AuthorizationRequestError(
            "bad_unit",
            f"a request gives the unit of its quantity: {request.support} takes "
            f"{', '.join(units.accepted)}",
            details={"accepted": list(units.accepted)},
        )
    try:
        converted = units.in_measure(request.quantity, request.unit or units.measure, start)
    except UnitError as unreadable:
        raise AuthorizationRequestError(
            unreadable.code, unreadable.message, details={"accepted": list(unreadable.accepted)}
        ) from None
    measure, quantity = units.measure, converted.amount
    late = retroactive_problem(definition.authorization, start, received_at, calendar)
    if late is not None:
        raise AuthorizationRequestError("retroactive", late)
    for spec in specs:
        if spec.measure.value != measure:
            continue
        too_much = await over_maximum(
            session=session,
            plan=request.plan,
            cin=request.member_cin,
            spec=spec,
            quantity=quantity,
            on=start,
        )
        if too_much is not None:
            raise AuthorizationRequestError("over_maximum", too_much)
        left = await balance(request.member_cin, spec, start, session=session)
        if left.remaining <= 0:
            raise AuthorizationRequestError(
                "limit_exceeded",
                f"{spec.label}: nothing left for {request.member_cin} on {start.isoformat()} "
                f"({left.remaining} {spec.measure.value})",
                details={
                    "limit_id": spec.id,
                    "measure": spec.measure.value,
                    "remaining": left.remaining,
                },
            )

    async def in_force_for(support: str) -> Definition | None:
        try:
            return (
                await definition_in_force(
                    session=session,
                    cache=cache,
                    plan=request.plan,
                    support=support,
                    on=start,
                    in_force=in_force,
                )
            )[1]
        except NoDefinitionInForce:
            return None

    duplicated = await duplication(
        session,
        definition=definition,
        plan=request.plan,
        member_cin=request.member_cin,
        facts=member.facts,
        start=start,
        resolve=in_force_for,
    )
    if duplicated is not None:
        raise AuthorizationRequestError(
            duplicated.code, duplicated.message, details=duplicated.details()
        )
    county = county_slug(request.county or str(member.facts.get("county") or ""))
    if not county:
        raise AuthorizationRequestError(
            "no_county", f"member {request.member_cin} has no county on file; pass one"
        )
    return AuthorizationInput(
        authorization_id=authorization_number(
            request.plan, request.provider, request.idempotency_key
        ),
        definition=DefinitionRef(ref.plan, ref.support, ref.version, ref.content_hash),
        terms=definition.authorization,
        plan=request.plan,
        member_cin=request.member_cin,
        county=county,
        provider=request.provider,
        requested_by=request.requested_by,
        service_start=start,
        quantity=quantity,
        measure=measure,
        urgency=request.urgency,
        received_at=received_at,
        pricing=(
            None
            if definition.pricing is None
            else billed_in_measure(definition.pricing, units, stated=definition.units is not None)
        ),
        calendar=calendar,
    )


async def request_authorization(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    request: NewRequest,
    *,
    task_queue: str,
    search_attributes: bool = True,
    member_key_secret: bytes = b"",
    definitions: PinnedDefinitions | None = None,
    principal: Principal | None = None,
    received_at: datetime | None = None,
    in_force: VersionsInForce | None = None,
) -> Handle:
    """Start the authorization's workflow; the same idempotency key finds the one it started
    (running or ended) and never starts a second. With `member_key_secret`
    (`lieu.settings.member_key_secret`) the workflow carries `LieuMemberKey`, the member's keyed
    digest; workflows started before it was set carry none (search attributes are set at the
    start, the workflow's code does not change)."""
    number = authorization_number(request.plan, request.provider, request.idempotency_key)
    handle: Handle = client.get_workflow_handle_for(AuthorizationWorkflow.run, number)
    try:
        async with sessions() as session:
            start = await prepare(
                session,
                request,
                received_at=received_at or datetime.now(UTC),
                definitions=definitions or DEFINITIONS,
                principal=principal,
                in_force=in_force,
            )
    except AuthorizationRequestError:
        # a resend may no longer pass the checks it passed (a day later, a limit since used):
        # the key still names the request it made
        if await _exists(handle):
            return handle
        raise
    start = replace(start, search_attributes=search_attributes)
    try:
        return await client.start_workflow(
            AuthorizationWorkflow.run,
            start,
            id=number,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=(
                initial_attributes(
                    start.plan,
                    start.definition.support,
                    start.provider,
                    member_key(member_key_secret, start.plan, start.member_cin)
                    if member_key_secret
                    else "",
                )
                if search_attributes
                else None
            ),
        )
    except WorkflowAlreadyStartedError:
        return handle  # started (and maybe ended) by the same request sent at the same time


async def _exists(handle: Handle) -> bool:
    try:
        await handle.describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


def refusal_of(failure: WorkflowUpdateFailedError) -> AuthorizationRequestError:
    """An update's refusal as a typed error."""
    cause = failure.cause
    if isinstance(cause, ApplicationError):
        details = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
        return AuthorizationRequestError(cause.type or "refused", cause.message, details=details)
    return AuthorizationRequestError("failed", str(failure))


async def act(client: Client, authorization_id: str, action: Action) -> Reply:
    """Send one command to an authorization, with its idempotency key as the update id.

    Returns the workflow's answer; raises `AuthorizationRequestError` when it is refused. The
    same key sent again returns the first answer, even after the authorization has ended."""
    if not action.key.strip():
        raise AuthorizationRequestError("key_required", "every command needs an idempotency key")
    handle: Handle = client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization_id)
    try:
        reply: Reply = await handle.execute_update(
            UPDATES[type(action)], action, id=update_id(authorization_id, action.key)
        )
    except WorkflowUpdateFailedError as failed:
        raise refusal_of(failed) from None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        reply = await _answer_after_the_end(handle, authorization_id, action.key)
    if not reply.accepted:
        raise AuthorizationRequestError(reply.code, reply.message, reply=reply)
    return reply


async def _answer_after_the_end(handle: Handle, authorization_id: str, key: str) -> Reply:
    try:
        described = await handle.describe()
    except RPCError:
        raise AuthorizationRequestError(
            "not_found", f"there is no authorization {authorization_id}"
        ) from None
    first = await handle.query(AuthorizationWorkflow.answered, key)
    if first is not None:
        return first
    status = described.status.name.lower() if described.status else "closed"
    raise AuthorizationRequestError(
        "already_final",
        f"authorization {authorization_id} has finished ({status}); it takes no more actions",
    )


async def asked_documents(client: Client, authorization_id: str) -> list[str]:
    """The document ids the authorization's documentation steps ask for ([] when none)."""
    handle: Handle = client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization_id)
    return await handle.query(AuthorizationWorkflow.asked_documents)
