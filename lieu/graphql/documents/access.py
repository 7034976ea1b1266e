"""Who may attach or read an authorization's documents: whoever may read the authorization (the
`authorization` query's rule, for the GraphQL mutation and the download route alike)."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.authorizations.locate import NUMBER_PREFIX
from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.status import Status
from lieu.runtime import Runtime
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow


@dataclass(frozen=True, slots=True)
class Visible:
    """An authorization the caller may see, and where it stands."""

    id: str
    status: Status


async def visible_authorization(
    runtime: Runtime, principal: Principal, authorization_id: str
) -> Visible | None:
    """The authorization if `principal` may see it, else None (never saying which): the
    projection first, then the workflow (a request just started is not projected yet)."""
    async with runtime.sessions() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=authorization_id
        )
    if row is not None:
        return Visible(row.id, Status(row.status))
    if not authorization_id.startswith(NUMBER_PREFIX):
        return None
    handle = runtime.temporal.get_workflow_handle_for(AuthorizationWorkflow.run, authorization_id)
    try:
        state = await handle.query(AuthorizationWorkflow.state)
    except RPCError as failure:
        if failure.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    if not principal.sees_authorization(state.plan, state.provider):
        return None
    return Visible(state.authorization_id, state.status)
