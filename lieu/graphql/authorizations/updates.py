"""Acting on a running authorization: locate it within the caller's scope, run one workflow
update, translate a refusal into a typed result, audit the outcome."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.authorizations.locate import handle_of, locate
from lieu.graphql.authorizations.refusals import Refused, not_found, refused
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict
from lieu.workflows.authorizations.service import refusal_of
from lieu.workflows.authorizations.types import AuthorizationState
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow

T = TypeVar("T")
Handle = WorkflowHandle[AuthorizationWorkflow, AuthorizationState]


async def on_authorization(
    context: Context,
    action: str,
    authorization_id: str,
    call: Callable[[Handle], Awaitable[T]],
) -> T | Refused:
    """Run `call` on the authorization's workflow if the caller may see it."""
    target = f"authorization:{authorization_id}"
    if await locate(context, authorization_id) is None:
        context.audit(action, target, "not_found")
        return not_found(authorization_id)
    try:
        result = await call(handle_of(context, authorization_id))
    except WorkflowUpdateFailedError as failure:
        refusal = refusal_of(failure)
        context.audit(action, target, "refused", f"{refusal.code}: {refusal.message}")
        return refused(refusal, authorization_id)
    except RPCError as failure:
        if failure.status is not RPCStatusCode.NOT_FOUND:
            raise
        context.audit(action, target, "refused", "already_final")
        return Conflict(
            message=f"authorization {authorization_id} has finished; nothing more can be done",
            code="already_final",
        )
    context.audit(action, target)
    return result
