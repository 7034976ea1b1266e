"""Acting on a running authorization: locate it within the caller's scope, send one command
through the command API (`service.act`), translate a refusal into a typed result, audit it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from lieu.graphql.audit_trail import audit_ahead
from lieu.graphql.authorizations.locate import live_state, locate
from lieu.graphql.authorizations.refusals import Refused, not_found, refused
from lieu.graphql.authorizations.types import Authorization
from lieu.graphql.context import Context
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import Reply

T = TypeVar("T")


async def on_authorization(
    context: Context,
    action: str,
    authorization_id: str,
    call: Callable[[], Awaitable[T]],
) -> T | Refused:
    """Run `call` (which sends a command) on the authorization if the caller may see it."""
    target = f"authorization:{authorization_id}"
    if await locate(context, authorization_id) is None:
        context.audit(action, target, "not_found")
        return not_found(authorization_id)
    await audit_ahead(context, action, target)
    try:
        result = await call()
    except service.AuthorizationRequestError as refusal:
        context.audit(action, target, "refused", f"{refusal.code}: {refusal.message}")
        return refused(refusal, authorization_id)
    context.audit(action, target)
    return result


async def act(context: Context, authorization_id: str, command: Action) -> Reply:
    """Send `command` through the command API."""
    return await service.act(context.runtime.temporal, authorization_id, command)


async def after(context: Context, authorization_id: str) -> Authorization:
    """The authorization as it is once the command took effect (the workflow's own state)."""
    state = await live_state(context, authorization_id)
    if state is not None:
        return Authorization.of_state(state)
    found = await locate(context, authorization_id)
    assert found is not None, "located before the command"
    return found
