"""The command API for appeals: file one against an authorization's adverse determination,
resolve it, extend it, read it. GraphQL and tests call these."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from lieu.platform.appeals.lifecycle import (
    AppealDecision,
    AppealExtension,
    AppealReply,
    AppealState,
)
from lieu.workflows.appeals.workflow import AppealWorkflow
from lieu.workflows.authorizations.service import AuthorizationRequestError, act, refusal_of
from lieu.workflows.authorizations.types import FileAppeal, Reply
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.client import update_id

Handle = WorkflowHandle[AppealWorkflow, AppealState]
# How long a resolution waits for the authorization to take it in (an overturn holds the
# request on the limits and approves it) before answering anyway.
TAKEN_IN = timedelta(seconds=20)
POLL = 0.05


async def file_appeal(client: Client, authorization_id: str, filing: FileAppeal) -> Reply:
    """File the appeal; the answer names it (`appeal_id`). Raises `AuthorizationRequestError`
    when the authorization has nothing to appeal, the 60 days have passed, or one is open."""
    return await act(client, authorization_id, filing)


def handle_of(client: Client, appeal_id: str) -> Handle:
    return client.get_workflow_handle_for(AppealWorkflow.run, appeal_id)


async def appeal_state(client: Client, appeal_id: str) -> AppealState:
    """The appeal as its workflow has it (`AuthorizationRequestError` "not_found" if none)."""
    try:
        return await handle_of(client, appeal_id).query(AppealWorkflow.state)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise AuthorizationRequestError(
                "not_found", f"there is no appeal {appeal_id}"
            ) from None
        raise


async def decide_appeal(client: Client, appeal_id: str, decision: AppealDecision) -> AppealReply:
    """Resolve the appeal; answered once its notice is issued and the authorization has taken
    the outcome in (an overturned denial is then approved, or waiting for its provider)."""
    reply = await _update(client, appeal_id, decision)
    state = await appeal_state(client, appeal_id)
    authorization = client.get_workflow_handle_for(
        AuthorizationWorkflow.run, state.start.authorization_id
    )
    loop = asyncio.get_running_loop()
    give_up = loop.time() + TAKEN_IN.total_seconds()
    while loop.time() < give_up:
        try:
            if await authorization.query(AuthorizationWorkflow.answered, f"{appeal_id}/decided"):
                break
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
            break  # the authorization has finished: it took the outcome in
        await asyncio.sleep(POLL)
    return reply


async def extend_appeal(client: Client, appeal_id: str, extension: AppealExtension) -> AppealReply:
    """Take the appeal's one extension (its notice goes to the member)."""
    return await _update(client, appeal_id, extension)


async def _update(
    client: Client, appeal_id: str, action: AppealDecision | AppealExtension
) -> AppealReply:
    if not action.key.strip():
        raise AuthorizationRequestError("key_required", "every command needs an idempotency key")
    handle = handle_of(client, appeal_id)
    try:
        if isinstance(action, AppealDecision):
            reply = await handle.execute_update(
                AppealWorkflow.decide, action, id=update_id(appeal_id, action.key)
            )
        else:
            reply = await handle.execute_update(
                AppealWorkflow.extend, action, id=update_id(appeal_id, action.key)
            )
    except WorkflowUpdateFailedError as failed:
        raise refusal_of(failed) from None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        state = await _ended(handle, appeal_id)
        answer = state.answers.get(action.key)
        if answer is None:
            raise AuthorizationRequestError(
                "already_final", f"appeal {appeal_id} has ended ({state.status.value})"
            ) from None
        reply = answer
    if not reply.accepted:
        raise AuthorizationRequestError("refused", reply.message)
    return reply


async def _ended(handle: Handle, appeal_id: str) -> AppealState:
    try:
        return await handle.result()
    except RPCError:
        raise AuthorizationRequestError("not_found", f"there is no appeal {appeal_id}") from None
