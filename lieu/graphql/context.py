"""The per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from lieu.runtime import Runtime


@dataclass
class Context:
    """What resolvers may use: the runtime (sessions, Temporal) and the HTTP request."""

    runtime: Runtime
    request: Request | WebSocket
    response: Response | WebSocket | None
