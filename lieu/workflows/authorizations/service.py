"""The entry point the API and the CLI call: request an authorization, act on one, read one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from lieu.platform.authorizations.status import Urgency
from lieu.platform.definitions.document import DefinitionRef as VersionRef
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.versions import (
    stored_definition,
    version_in_force,
    with_baseline,
)
from lieu.platform.elections.counties import county_slug
from lieu.platform.members.service import get_member
from lieu.workflows.authorizations.search import initial_attributes
from lieu.workflows.authorizations.types import (
    AuthorizationInput,
    AuthorizationState,
    DefinitionRef,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow

UpdateArg = TypeVar("UpdateArg")
UpdateResult = TypeVar("UpdateResult")


class AuthorizationRequestError(Exception):
    """A request lieu cannot start; `code` names the problem for the API edge."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NewRequest:
    """What a provider sends to request a Community Support for a member."""

    plan: str
    member_cin: str
    support: str
    provider: str
    requested_by: str
    service_start: date
    quantity: Decimal
    idempotency_key: str
    measure: str | None = None
    urgency: Urgency = Urgency.STANDARD
    county: str | None = None  # defaults to the member's county


def authorization_number(plan: str, provider: str, idempotency_key: str) -> str:
    """A stable authorization number: the same key from the same provider is the same request."""
    digest = hashlib.sha256(f"{plan}\x1f{provider}\x1f{idempotency_key}".encode()).hexdigest()
    return f"A-{digest[:16].upper()}"


async def build_input(session: AsyncSession, request: NewRequest) -> AuthorizationInput:
    """Pin the definition in force on the date of service and copy its terms into the input."""
    member = await get_member(session=session, plan=request.plan, cin=request.member_cin)
    row = await version_in_force(
        session=session, plan=request.plan, support=request.support, on=request.service_start
    ) or await version_in_force(
        session=session, plan=BASELINE_PLAN, support=request.support, on=request.service_start
    )
    if row is None or row.content_hash is None:
        raise AuthorizationRequestError(
            "no_definition",
            f"no published definition of {request.support!r} is in force on "
            f"{request.service_start.isoformat()} for plan {request.plan!r}",
        )
    stored = await stored_definition(
        session=session,
        ref=VersionRef(row.plan, row.support, row.version),
    )
    assert stored is not None
    definition = await with_baseline(session=session, definition=stored)
    if definition is None:
        raise AuthorizationRequestError(
            "no_definition", f"the baseline of {row.plan}/{row.support}/v{row.version} is missing"
        )
    assert definition.authorization is not None, "a validated definition has authorization terms"
    measures = [limit.measure.value for limit in definition.limits]
    measure = request.measure or (measures[0] if measures else "units")
    if measures and measure not in measures and measure != "units":
        raise AuthorizationRequestError(
            "bad_measure",
            f"{request.support} is measured in {', '.join(sorted(set(measures)))}, not {measure}",
        )
    if request.quantity <= 0:
        raise AuthorizationRequestError("bad_quantity", "the quantity must be positive")
    county = county_slug(request.county or str(member.facts.get("county") or ""))
    if not county:
        raise AuthorizationRequestError(
            "no_county", f"member {request.member_cin} has no county on file; pass one"
        )
    return AuthorizationInput(
        authorization_id=authorization_number(
            request.plan, request.provider, request.idempotency_key
        ),
        definition=DefinitionRef(row.plan, row.support, row.version, row.content_hash),
        terms=definition.authorization,
        plan=request.plan,
        member_cin=request.member_cin,
        county=county,
        provider=request.provider,
        requested_by=request.requested_by,
        service_start=request.service_start,
        quantity=request.quantity,
        measure=measure,
        urgency=request.urgency,
    )


async def request_authorization(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    request: NewRequest,
    *,
    task_queue: str,
    search_attributes: bool = True,
) -> WorkflowHandle[AuthorizationWorkflow, AuthorizationState]:
    """Start the authorization's workflow (or find it: the idempotency key names it)."""
    async with sessions() as session:
        start = replace(await build_input(session, request), search_attributes=search_attributes)
    return await client.start_workflow(
        AuthorizationWorkflow.run,
        start,
        id=start.authorization_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=(
            initial_attributes(start.plan, start.definition.support) if search_attributes else None
        ),
    )


def refusal_of(failure: WorkflowUpdateFailedError) -> AuthorizationRequestError:
    """An update's refusal as a typed error (the API turns it into a union result)."""
    cause = failure.cause
    if isinstance(cause, ApplicationError):
        return AuthorizationRequestError(cause.type or "refused", cause.message)
    return AuthorizationRequestError("failed", str(failure))


async def send_update(
    client: Client,
    authorization_id: str,
    update: UpdateMethodMultiParam[[AuthorizationWorkflow, UpdateArg], UpdateResult],
    argument: UpdateArg,
) -> UpdateResult:
    """Run one of the workflow's updates; refusals become `AuthorizationRequestError`s."""
    handle = client.get_workflow_handle_for(AuthorizationWorkflow.run, authorization_id)
    try:
        return await handle.execute_update(update, argument)
    except WorkflowUpdateFailedError as failed:
        raise refusal_of(failed) from None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        try:
            described = await handle.describe()
        except RPCError:
            raise AuthorizationRequestError(
                "not_found", f"there is no authorization {authorization_id}"
            ) from None
        raise AuthorizationRequestError(
            "closed",
            f"authorization {authorization_id} is closed "
            f"({described.status.name.lower() if described.status else 'closed'}); "
            "it takes no more actions",
        ) from None
