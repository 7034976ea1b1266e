"""The ASGI GraphQL endpoint (HTTP, GraphiQL and graphql-transport-ws): authenticates the bearer
token, notes where the request came from, and refuses oversized bodies before reading them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from lieu.graphql.context import Context
from lieu.graphql.guards import MAX_BODY_BYTES
from lieu.graphql.loaders import build_loaders
from lieu.platform.access.audit import Origin
from lieu.platform.access.roles import Principal
from lieu.platform.access.tokens import TokenRejected, authenticate
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.runtime import Runtime

BEARER = "bearer"


class LieuGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app, with lieu's context built from the app's runtime."""

    def __init__(self, schema: Schema) -> None:
        super().__init__(schema, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.definitions = PinnedDefinitions()
        self._writes: dict[int, async_sessionmaker[AsyncSession]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers", [])).get(b"content-length", b"0")
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                refusal = JSONResponse(
                    {"errors": [{"message": f"the request body is over {MAX_BODY_BYTES} bytes"}]},
                    status_code=413,
                )
                await refusal(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _writes_for(self, runtime: Runtime) -> async_sessionmaker[AsyncSession]:
        key = id(runtime)
        if key not in self._writes:
            self._writes = {key: create_session_factory(for_writes(runtime.engine))}
        return self._writes[key]

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        runtime: Runtime = request.app.state.runtime
        principal, rejection = await caller_of(runtime, request.headers.get("authorization"))
        return Context(
            runtime=runtime,
            request=request,
            response=response,
            writes=self._writes_for(runtime),
            definitions=self.definitions,
            loaders=build_loaders(runtime.sessions),
            principal=principal,
            rejection=rejection,
            origin=origin_of(request),
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, Any] | None:
        """A browser cannot set headers on a websocket: take the token from connection_init."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if context.principal is None and isinstance(header, str):
            context.principal, context.rejection = await caller_of(context.runtime, header)
        return await super().on_ws_connect(context)


async def caller_of(runtime: Runtime, header: str | None) -> tuple[Principal | None, str]:
    """The principal of an `Authorization` header, or None and why not."""
    if not header:
        return None, ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != BEARER or not token.strip():
        return None, "the Authorization header must read `Bearer <token>`"
    async with runtime.sessions() as session:
        try:
            return await authenticate(session=session, secret=token.strip()), ""
        except TokenRejected as rejected:
            return None, str(rejected)


def origin_of(connection: HTTPConnection) -> Origin:
    """The client address and user agent (behind a proxy, run uvicorn with --proxy-headers)."""
    client = connection.client
    return Origin(
        client_ip=client.host if client else "",
        user_agent=connection.headers.get("user-agent", ""),
    )
