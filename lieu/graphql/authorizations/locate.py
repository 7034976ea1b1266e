"""Finding an authorization the caller may see: the projection first, then the workflow itself
(a request just started is not projected until its first step has run)."""

from __future__ import annotations

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.authorizations.types import Authorization
from lieu.graphql.context import Context
from lieu.platform.access.authorizations import find_authorization
from lieu.workflows.authorizations.types import AuthorizationState
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow

NUMBER_PREFIX = "A-"


def handle_of(
    context: Context, authorization_id: str
) -> WorkflowHandle[AuthorizationWorkflow, AuthorizationState]:
    """The workflow handle of an authorization (its number is its workflow id)."""
    return context.runtime.temporal.get_workflow_handle_for(
        AuthorizationWorkflow.run, authorization_id
    )


async def live_state(context: Context, authorization_id: str) -> AuthorizationState | None:
    """The workflow's own state, or None when there is no such workflow."""
    if not authorization_id.startswith(NUMBER_PREFIX):
        return None
    try:
        return await handle_of(context, authorization_id).query(AuthorizationWorkflow.state)
    except RPCError as failure:
        if failure.status is RPCStatusCode.NOT_FOUND:
            return None
        raise


async def locate(context: Context, authorization_id: str) -> Authorization | None:
    """The authorization if the caller may see it, else None (never saying which)."""
    async with context.reads() as session:
        row = await find_authorization(
            session=session, principal=context.caller, authorization_id=authorization_id
        )
    if row is not None:
        return Authorization.of_record(row)
    state = await live_state(context, authorization_id)
    if state is None or not context.caller.sees_authorization(state.plan, state.provider):
        return None
    return Authorization.of_state(state)
