"""The ASGI GraphQL endpoint (HTTP, GraphiQL and graphql-transport-ws)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from lieu.graphql.context import Context


class LieuGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app, with lieu's context built from the app's runtime."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(runtime=request.app.state.runtime, request=request, response=response)
