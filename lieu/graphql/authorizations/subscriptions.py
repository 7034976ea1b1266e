"""Live status of an authorization (graphql-transport-ws), polled from the projection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from lieu.graphql.authorizations.locate import locate
from lieu.graphql.authorizations.refusals import not_found
from lieu.graphql.authorizations.types import AuthorizationLookup
from lieu.graphql.context import Context
from lieu.graphql.errors import ClientError
from lieu.graphql.loaders import build_loaders
from lieu.graphql.permissions import STAFF, allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import still_valid

POLL_SECONDS = 0.5


@strawberry.type
class AuthorizationSubscriptions:
    @strawberry.subscription(
        description="The authorization each time its status or timeline changes, until it is "
        "final (providers: only their own); it ends, with an UNAUTHENTICATED error, once its "
        "token is revoked or expires.",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def authorization_status(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> AsyncGenerator[AuthorizationLookup, None]:
        context = info.context
        target = f"authorization:{id}"
        seen: tuple[object, ...] | None = None
        while True:
            await _still_allowed(context, target)
            # A websocket's context lives as long as the socket: fresh loaders for each poll, or
            # the timeline read at the first push would be shown for ever.
            context.loaders = build_loaders(context.runtime.sessions)
            found = await locate(context, str(id))
            if found is None:
                await _audit_push(context, target, "not_found")
                yield not_found(str(id))
                return
            steps = found.steps
            if steps is None:
                steps_seen = len(await context.loaders.timeline.load(str(id)))
            else:
                steps_seen = len(steps)
            now = (found.status, found.quantity_used, found.review_deadline, steps_seen)
            if now != seen:
                seen = now
                await _audit_push(context, target, "ok")  # each push is a read of its own
                yield found
            if found.status.is_final:
                return
            await asyncio.sleep(POLL_SECONDS)


async def _audit_push(context: Context, target: str, outcome: str) -> None:
    """Store the audit line of one push before it is sent."""
    async with context.runtime.sessions.begin() as session:
        record(session, [context.record("authorizationStatus", target, outcome)])


async def _still_allowed(context: Context, target: str) -> None:
    """End the subscription (audited) once its token is revoked or has expired: a websocket
    outlives the check made when it opened."""
    async with context.runtime.sessions() as session:
        ended = await still_valid(session=session, token_id=context.caller.token_id)
    if ended is None:
        return
    async with context.runtime.sessions.begin() as session:
        record(session, [context.record("authorizationStatus", target, "denied", ended)])
    raise ClientError(f"{ended}; the subscription has ended", "UNAUTHENTICATED")
